import LakeColumnar
import LakeTestSupport
import Testing

@testable import LakeParquet

private typealias Support = ShreddingTestSupport

/// Checks one shredded leaf against hand-computed levels and values.
private func expectLeaf(
    _ leaf: ShreddedLeaf, definition: [UInt16], repetition: [UInt16], levelCount: Int, values: [ScalarValue],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(Array(leaf.definitionLevels) == definition, "definition levels", sourceLocation: sourceLocation)
    #expect(Array(leaf.repetitionLevels) == repetition, "repetition levels", sourceLocation: sourceLocation)
    #expect(leaf.levelCount == levelCount, "level count", sourceLocation: sourceLocation)
    #expect(leaf.values.validity == nil, "values must be dense", sourceLocation: sourceLocation)
    #expect(
        (0..<leaf.values.count).map { leaf.values.scalar(at: $0) } == values, "values", sourceLocation: sourceLocation)
}

/// Shreds `rows` of one top-level field.
private func shredOne(_ field: Field, _ rows: [ScalarValue], junk: Bool = false) -> [ShreddedLeaf] {
    let schema = Support.parquetSchema([field])
    let column = ColumnFixtures.column(
        field.type, rows, junk: junk ? { _ in .integer(99) } : nil,
        junkElements: junk ? { _ in [.integer(7), .integer(8)] } : nil)
    return shred([column], schema: schema)
}

@Suite("Shredding: hand-computed levels")
struct ShreddingTests {
    @Test("the Dremel paper's Document example")
    func dremelDocument() throws {
        let required = { (name: String, type: DataType) in Field(name, type, isNullable: false) }
        let language = required("element", .struct([required("Code", .string), Field("Country", .string)]))
        let nameElement = required("element", .struct([required("Language", .list(language)), Field("Url", .string)]))
        let fields = [
            required("DocId", .int64),
            Field(
                "Links",
                .struct([
                    required("Backward", .list(required("element", .int64))),
                    required("Forward", .list(required("element", .int64))),
                ])),
            required("Name", .list(nameElement)),
        ]
        let schema = Support.parquetSchema(fields)
        #expect(schema.columns.map(\.maxDefinitionLevel) == [0, 2, 2, 2, 3, 2])
        #expect(schema.columns.map(\.maxRepetitionLevel) == [0, 1, 1, 2, 2, 1])

        let ints = { (values: [Int64]) in ScalarValue.list(values.map { .integer($0) }) }
        let lang = { (code: String, country: String?) in
            ScalarValue.struct([.string(code), country.map { .string($0) } ?? .null])
        }
        let name = { (languages: [ScalarValue], url: String?) in
            ScalarValue.struct([.list(languages), url.map { .string($0) } ?? .null])
        }
        let docId = ColumnFixtures.column(.int64, [.integer(10), .integer(20)])
        let links = ColumnFixtures.column(
            fields[1].type, [.struct([ints([]), ints([20, 40, 60])]), .struct([ints([10, 30]), ints([80])])])
        let names = ColumnFixtures.column(
            fields[2].type,
            [
                .list([
                    name([lang("en-us", "us"), lang("en", nil)], "http://A"), name([], "http://B"),
                    name([lang("en-gb", "gb")], nil),
                ]),
                .list([name([], "http://C")]),
            ])
        let leaves = shred([docId, links, names], schema: schema)
        try #require(leaves.count == 6)
        expectLeaf(leaves[0], definition: [], repetition: [], levelCount: 2, values: [.integer(10), .integer(20)])
        expectLeaf(
            leaves[1], definition: [1, 2, 2], repetition: [0, 0, 1], levelCount: 3,
            values: [.integer(10), .integer(30)])
        expectLeaf(
            leaves[2], definition: [2, 2, 2, 2], repetition: [0, 1, 1, 0], levelCount: 4,
            values: [.integer(20), .integer(40), .integer(60), .integer(80)])
        expectLeaf(
            leaves[3], definition: [2, 2, 1, 2, 1], repetition: [0, 2, 1, 1, 0], levelCount: 5,
            values: [.string("en-us"), .string("en"), .string("en-gb")])
        expectLeaf(
            leaves[4], definition: [3, 2, 1, 3, 1], repetition: [0, 2, 1, 1, 0], levelCount: 5,
            values: [.string("us"), .string("gb")])
        expectLeaf(
            leaves[5], definition: [2, 2, 1, 2], repetition: [0, 1, 1, 0], levelCount: 4,
            values: [.string("http://A"), .string("http://B"), .string("http://C")])
    }

    @Test("list<int>: values, a null list, an empty list, null elements", arguments: [false, true])
    func listOfInt(junkUnderNullRows: Bool) throws {
        let field = Field("l", .list(Field("element", .int32)))
        let rows: [ScalarValue] = [
            .list([.integer(1), .integer(2)]), .null, .list([]), .list([.null, .integer(3)]), .list([.integer(4)]),
        ]
        let leaves = shredOne(field, rows, junk: junkUnderNullRows)
        try #require(leaves.count == 1)
        expectLeaf(
            leaves[0], definition: [3, 3, 0, 1, 2, 3, 3], repetition: [0, 1, 0, 0, 0, 1, 0], levelCount: 7,
            values: [.integer(1), .integer(2), .integer(3), .integer(4)])
    }

    @Test("list<list<string>>")
    func listOfListOfString() throws {
        let field = Field("l", .list(Field("element", .list(Field("element", .string)))))
        let strings = { (values: [String?]) in ScalarValue.list(values.map { $0.map { .string($0) } ?? .null }) }
        let rows: [ScalarValue] = [
            .list([strings(["a", "b"]), strings([]), .null, strings(["c"])]), .null, .list([]), .list([strings([nil])]),
            .list([strings(["d"]), strings(["e", "f"])]),
        ]
        let leaves = shredOne(field, rows)
        try #require(leaves.count == 1)
        expectLeaf(
            leaves[0], definition: [5, 5, 3, 2, 5, 0, 1, 4, 5, 5, 5], repetition: [0, 2, 1, 1, 1, 0, 0, 0, 0, 1, 2],
            levelCount: 11, values: ["a", "b", "c", "d", "e", "f"].map { .string($0) })
    }

    @Test("map<string, int> with null values, a null map and an empty map")
    func mapWithNullValues() throws {
        let field = Field("m", .map(key: Field("key", .string, isNullable: false), value: Field("value", .int64)))
        let rows: [ScalarValue] = [
            .map(keys: [.string("a"), .string("b")], values: [.integer(1), .null]), .null, .map(keys: [], values: []),
            .map(keys: [.string("c")], values: [.integer(3)]),
        ]
        let leaves = shredOne(field, rows)
        try #require(leaves.count == 2)
        expectLeaf(
            leaves[0], definition: [2, 2, 0, 1, 2], repetition: [0, 1, 0, 0, 0], levelCount: 5,
            values: [.string("a"), .string("b"), .string("c")])
        expectLeaf(
            leaves[1], definition: [3, 2, 0, 1, 3], repetition: [0, 1, 0, 0, 0], levelCount: 5,
            values: [.integer(1), .integer(3)])
    }

    @Test("struct<a int, b list<int>> with null struct rows", arguments: [false, true])
    func structWithList(junkUnderNullRows: Bool) throws {
        let field = Field("s", .struct([Field("a", .int32), Field("b", .list(Field("element", .int32)))]))
        let rows: [ScalarValue] = [
            .struct([.integer(1), .list([.integer(1), .integer(2)])]), .null, .struct([.null, .null]),
            .struct([.integer(3), .list([])]), .struct([.integer(4), .list([.null])]), .null,
        ]
        let leaves = shredOne(field, rows, junk: junkUnderNullRows)
        try #require(leaves.count == 2)
        expectLeaf(
            leaves[0], definition: [2, 0, 1, 2, 2, 0], repetition: [], levelCount: 6,
            values: [.integer(1), .integer(3), .integer(4)])
        expectLeaf(
            leaves[1], definition: [4, 4, 0, 1, 2, 3, 0], repetition: [0, 1, 0, 0, 0, 0, 0], levelCount: 7,
            values: [.integer(1), .integer(2)])
    }

    @Test("required nested nodes store no levels for what cannot be null")
    func requiredStruct() throws {
        let field = Field(
            "s", .struct([Field("a", .int64, isNullable: false), Field("b", .string)]), isNullable: false)
        let leaves = shredOne(field, [.struct([.integer(5), .string("x")]), .struct([.integer(6), .null])])
        try #require(leaves.count == 2)
        expectLeaf(leaves[0], definition: [], repetition: [], levelCount: 2, values: [.integer(5), .integer(6)])
        expectLeaf(leaves[1], definition: [1, 0], repetition: [], levelCount: 2, values: [.string("x")])
    }

    @Test("a required flat column is passed through without copying")
    func requiredFlatIsNotCopied() throws {
        let values = ContiguousArray<Int64>(0..<1000)
        let column = Column.int64(PrimitiveColumn(values: values))
        let schema = Support.parquetSchema([Field("x", .int64, isNullable: false)])
        let leaves = shred([column], schema: schema)
        try #require(leaves.count == 1)
        #expect(leaves[0].definitionLevels.isEmpty && leaves[0].repetitionLevels.isEmpty)
        #expect(leaves[0].levelCount == 1000)
        guard case .int64(let shredded) = leaves[0].values else {
            Issue.record("wrong column case")
            return
        }
        let original = values.withUnsafeBufferPointer { $0.baseAddress }
        #expect(shredded.values.withUnsafeBufferPointer { $0.baseAddress } == original)
    }

    static let rowCounts = [0, 1, 63, 64, 65, 2048, 2049]

    @Test("flat optional columns match a scalar reference", arguments: rowCounts)
    func flatOptional(rowCount: Int) throws {
        var rng = TestRandom(state: UInt64(rowCount))
        for nullEvery in [0, 1, 2, 3, 64] {
            let ints: [Int32?] = (0..<rowCount).map { row in
                nullEvery > 0 && (row % nullEvery == 0 || Int.random(in: 0..<5, using: &rng) == 0)
                    ? nil : Int32(truncatingIfNeeded: row &* 7919)
            }
            let strings: [String?] = ints.map { $0.map { "v\($0)é" } }
            let intColumn = Column.int32(
                PrimitiveColumn(
                    values: ContiguousArray(ints.map { $0 ?? -1 }),
                    validity: nullEvery > 0 ? ValidityBitmap(ints.map { $0 != nil }) : nil))
            let stringColumn = Column.string(StringColumn(strings))
            let schema = Support.parquetSchema([Field("i", .int32), Field("s", .string)])
            let leaves = shred([intColumn, stringColumn], schema: schema)
            try #require(leaves.count == 2)
            let expectedLevels = ints.map { UInt16($0 == nil ? 0 : 1) }
            for leaf in leaves {
                #expect(Array(leaf.definitionLevels) == expectedLevels)
                #expect(leaf.repetitionLevels.isEmpty)
                #expect(leaf.levelCount == rowCount)
                #expect(leaf.values.validity == nil)
            }
            let present = ints.compactMap { $0 }
            #expect(leaves[0].values == .int32(PrimitiveColumn(values: ContiguousArray(present))))
            #expect(leaves[1].values == .string(StringColumn(strings.compactMap { $0 })))
        }
    }

    @Test("every leaf type keeps its lake type, decimals their case")
    func leafTypesKeepTheirCase() throws {
        let fields = [
            Field("b", .boolean), Field("i8", .int8), Field("d9", .decimal(precision: 9, scale: 2)),
            Field("d30", .decimal(precision: 30, scale: 1)), Field("bin", .binary), Field("t", .timestampNTZ),
        ]
        let rows: [[ScalarValue]] = [
            [.boolean(true), .null, .boolean(false)], [.integer(-3), .integer(4), .null],
            [.decimal(-12345, scale: 2), .null, .decimal(1, scale: 2)],
            [.decimal(-(Int128(1) << 100), scale: 1), .decimal(7, scale: 1), .null],
            [.binary([0xFF, 0]), .binary([]), .null], [.timestampNTZ(-1), .null, .timestampNTZ(1 << 40)],
        ]
        let columns = zip(fields, rows).map { ColumnFixtures.column($0.type, $1) }
        let leaves = shred(columns, schema: Support.parquetSchema(fields))
        try #require(leaves.count == fields.count)
        for (index, leaf) in leaves.enumerated() {
            #expect(leaf.values.dataType == fields[index].type)
            #expect((0..<leaf.values.count).map { leaf.values.scalar(at: $0) } == rows[index].filter { !$0.isNull })
        }
    }

    @Test("a null under a required node is found; nulls below null parents are not")
    func requiredNullDetection() {
        let field = Field("s", .struct([Field("a", .int32, isNullable: false)]))
        let schema = Support.parquetSchema([field])
        // Row 1 is a null struct whose required child holds a null: fine.
        let fine = ColumnFixtures.column(field.type, [.struct([.integer(1)]), .null], junk: { _ in .null })
        #expect(firstNullInRequiredNode([fine], schema: schema) == nil)
        let childWithNull = Column.int32(PrimitiveColumn(values: [1, 0], validity: ValidityBitmap([true, false])))
        let bad = Column.struct(
            StructColumn(fields: [Field("a", .int32, isNullable: false)], children: [childWithNull], count: 2))
        #expect(firstNullInRequiredNode([bad], schema: schema) == "s.a")

        let listField = Field("l", .list(Field("element", .int64, isNullable: false)))
        let listSchema = Support.parquetSchema([listField])
        let elements = Column.int64(PrimitiveColumn(values: [1, 0, 3], validity: ValidityBitmap([true, false, true])))
        let nullRowHidesIt = Column.list(
            ListColumn(
                element: Field("element", .int64, isNullable: false), offsets: [0, 1, 2, 3], elements: elements,
                validity: ValidityBitmap([true, false, true])))
        #expect(firstNullInRequiredNode([nullRowHidesIt], schema: listSchema) == nil)
        let visible = Column.list(
            ListColumn(element: Field("element", .int64, isNullable: false), offsets: [0, 1, 3, 3], elements: elements))
        #expect(firstNullInRequiredNode([visible], schema: listSchema) == "l.element")
    }
}

@Suite("Shredding: random round trips")
struct ShreddingRoundTripTests {
    @Test("shred then unshred gives back every row", arguments: 0..<40)
    func roundTrip(seed: Int) throws {
        var rng = TestRandom(state: UInt64(seed) &* 0x1234_5678_9ABC)
        let fields = (0..<3).map { ColumnFixtures.randomField(name: "c\($0)", depth: 3, using: &rng) }
        let rowCount = [0, 1, 5, 63, 64, 65, 200][seed % 7]
        let rows = (0..<rowCount).map { _ in fields.map { ColumnFixtures.randomValue($0, using: &rng) } }
        let schema = Support.parquetSchema(fields)
        // Junk under null struct/list rows, drawn from a separate stream so it is arbitrary.
        var junkRng = TestRandom(state: UInt64(seed))
        let columns = fields.indices.map { index in
            ColumnFixtures.column(
                fields[index].type, rows.map { $0[index] },
                junk: { ColumnFixtures.randomValue(Field($0.name, $0.type, isNullable: true), using: &junkRng) })
        }
        for (index, column) in columns.enumerated() {
            #expect((0..<rowCount).map { column.scalar(at: $0) } == rows.map { $0[index] }, "column builder")
        }
        let leaves = shred(columns, schema: schema)
        try #require(leaves.count == schema.columns.count)
        for (leaf, descriptor) in zip(leaves, schema.columns) {
            #expect(leaf.values.validity == nil)
            #expect(leaf.values.dataType == descriptor.dataType)
            if descriptor.maxDefinitionLevel > 0 {
                #expect(leaf.definitionLevels.count == leaf.levelCount)
                let present = leaf.definitionLevels.filter { Int($0) == descriptor.maxDefinitionLevel }.count
                #expect(present == leaf.values.count)
                #expect(leaf.definitionLevels.allSatisfy { Int($0) <= descriptor.maxDefinitionLevel })
            } else {
                #expect(leaf.definitionLevels.isEmpty && leaf.values.count == leaf.levelCount)
            }
            if descriptor.maxRepetitionLevel > 0 {
                #expect(leaf.repetitionLevels.count == leaf.levelCount)
                #expect(leaf.repetitionLevels.filter { $0 == 0 }.count == rowCount)
                #expect(leaf.repetitionLevels.first.map { $0 == 0 } ?? true)
            } else {
                #expect(leaf.repetitionLevels.isEmpty && leaf.levelCount == rowCount)
            }
        }
        var unshredder = Support.Unshredder(schema: schema, leaves: leaves)
        for row in 0..<rowCount {
            for (index, root) in schema.roots.enumerated() {
                let value = unshredder.read(root, parentDefinitionLevel: 0)
                #expect(value == columns[index].scalar(at: row), "row \(row), column \(fields[index])")
            }
        }
        #expect(unshredder.isAtEnd)
    }
}

@Suite("Shredding speed")
struct ShreddingSpeedTests {
    /// Release-build timing; run with `LAKE_BENCH=1 swift test -c release --filter speed`.
    @Test("speed (only with LAKE_BENCH=1)", .enabled(if: WriterBenchmarkTiming.benchmarksEnabled))
    func speed() {
        var rng = TestRandom(state: 5)
        let count = 1_000_000
        let validity = ValidityBitmap((0..<count).map { _ in Bool.random(using: &rng) })
        let ints = Column.int64(
            PrimitiveColumn(values: ContiguousArray((0..<count).map { Int64($0) }), validity: validity))
        let schema = ShreddingTestSupport.parquetSchema([Field("x", .int64)])
        var levels = 0
        let time = WriterBenchmarkTiming.bestNanoseconds { levels = shred([ints], schema: schema)[0].values.count }
        #expect(levels == count - validity.nullCount)
        print("shred flat optional Int64, 50% nulls: \(time / Double(count)) ns/row")

        let listField = Field("l", .list(Field("element", .int64)))
        let listRows: [ScalarValue] = (0..<100_000).map { row in
            row % 10 == 0 ? .null : .list((0..<(row % 7)).map { .integer(Int64($0)) })
        }
        let lists = ColumnFixtures.column(listField.type, listRows)
        let listSchema = ShreddingTestSupport.parquetSchema([listField])
        var slots = 0
        let listTime = WriterBenchmarkTiming.bestNanoseconds {
            slots = shred([lists], schema: listSchema)[0].levelCount
        }
        print("shred list<int64>, 100k rows: \(listTime / Double(slots)) ns/slot")
    }
}
