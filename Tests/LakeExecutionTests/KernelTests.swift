import LakeColumnar
import Testing

@testable import LakeExecution

/// Kernels and operators checked against scalar reference loops, with NULLs, empty inputs and
/// overflow, at sizes around the 64-row word boundary.
@Suite("Execution kernels")
struct KernelTests {
    static let rowCounts = [0, 1, 63, 64, 65, 2048]

    static func batch(_ rowCount: Int) -> RecordBatch {
        var validity = ValidityBitmap(allValidCount: rowCount)
        for row in stride(from: 0, to: rowCount, by: 7) { validity.setNull(at: row) }
        let a = PrimitiveColumn(values: ContiguousArray((0..<rowCount).map { Int64($0 % 10) }), validity: validity)
        let b = PrimitiveColumn(values: ContiguousArray((0..<rowCount).map { Int64($0 % 3) }))
        let s = StringColumn((0..<rowCount).map { $0 % 5 == 0 ? nil : "v\($0 % 4)" })
        let schema = Schema([Field("a", .int64), Field("b", .int64), Field("s", .string)])
        return RecordBatch(schema: schema, columns: [.int64(a), .int64(b), .string(s)], rowCount: rowCount)
    }

    static let a = PhysicalExpression.column(0, .int64)
    static let b = PhysicalExpression.column(1, .int64)
    static let s = PhysicalExpression.column(2, .string)

    @Test("filter a < 5 matches a scalar loop, skipping NULLs", arguments: rowCounts)
    func filterMatchesReference(rowCount: Int) throws {
        let input = Self.batch(rowCount)
        let predicate = PhysicalExpression.call(.less, [Self.a, .literal(.integer(5), .int64)], .boolean)
        let rows = try ExpressionEvaluator.select(predicate, input)
        var expected: [Int32] = []
        for row in 0..<rowCount where row % 7 != 0 && row % 10 < 5 { expected.append(Int32(row)) }
        #expect(rows == expected)
    }

    @Test("three-valued AND and OR", arguments: rowCounts)
    func threeValuedLogic(rowCount: Int) throws {
        let input = Self.batch(rowCount)
        let aSmall = PhysicalExpression.call(.less, [Self.a, .literal(.integer(5), .int64)], .boolean)
        let bZero = PhysicalExpression.call(.equal, [Self.b, .literal(.integer(0), .int64)], .boolean)
        let and = try ExpressionEvaluator.evaluate(.call(.and, [aSmall, bZero], .boolean), input)
        let or = try ExpressionEvaluator.evaluate(.call(.or, [aSmall, bZero], .boolean), input)
        for row in 0..<rowCount {
            let x: Bool? = row % 7 == 0 ? nil : row % 10 < 5
            let y = row % 3 == 0
            let expectedAnd: Bool? = (x == false || !y) ? false : (x == nil ? nil : true)
            let expectedOr: Bool? = (x == true || y) ? true : (x == nil ? nil : false)
            #expect(and.isValid(row) == (expectedAnd != nil))
            #expect(or.isValid(row) == (expectedOr != nil))
            if let expectedAnd, case .boolean(let flags) = and { #expect(flags.values[row] == expectedAnd) }
            if let expectedOr, case .boolean(let flags) = or { #expect(flags.values[row] == expectedOr) }
        }
    }

    @Test("integer overflow is an error, on valid rows only")
    func overflow() throws {
        let values = PrimitiveColumn<Int64>(values: [Int64.max, 1], validity: ValidityBitmap([false, true]))
        let schema = Schema([Field("x", .int64)])
        let nullOverflow = RecordBatch(schema: schema, columns: [.int64(values)], rowCount: 2)
        let add = PhysicalExpression.call(.add, [.column(0, .int64), .literal(.integer(1), .int64)], .int64)
        // The only overflowing row is NULL: no error.
        _ = try ExpressionEvaluator.evaluate(add, nullOverflow)
        let real = RecordBatch(schema: schema, columns: [.int64(PrimitiveColumn(values: [Int64.max]))], rowCount: 1)
        #expect(throws: ExecutionError.overflow(operation: "addition", type: .int64)) {
            try ExpressionEvaluator.evaluate(add, real)
        }
    }

    @Test("division and modulo by zero give NULL")
    func divisionByZero() throws {
        let schema = Schema([Field("x", .int64)])
        let input = RecordBatch(schema: schema, columns: [.int64(PrimitiveColumn(values: [5, 0, -7]))], rowCount: 3)
        let modulo = try ExpressionEvaluator.evaluate(
            .call(.modulo, [.literal(.integer(7), .int64), .column(0, .int64)], .int64), input)
        #expect(modulo.scalar(at: 0) == .integer(2))
        #expect(!modulo.isValid(1))
        #expect(modulo.scalar(at: 2) == .integer(0))
    }

    @Test("hash aggregate: count, sum, min, max, count distinct per group", arguments: rowCounts)
    func aggregate(rowCount: Int) throws {
        let input = Self.batch(rowCount)
        let schema = Schema([
            Field("b", .int64), Field("n", .int64), Field("c", .int64), Field("sum", .int64), Field("min", .string),
            Field("d", .int64),
        ])
        let aggregator = HashAggregator(
            groups: [Self.b],
            aggregates: [
                AggregateCall(function: .countStar, argument: nil, type: .int64),
                AggregateCall(function: .count, argument: Self.a, type: .int64),
                AggregateCall(function: .sum, argument: Self.a, type: .int64),
                AggregateCall(function: .min, argument: Self.s, type: .string),
                AggregateCall(function: .countDistinct, argument: Self.s, type: .int64),
            ], schema: schema)
        // Feed in two halves to exercise state across batches.
        let half = rowCount / 2
        try aggregator.consume(input.slice(0..<half))
        try aggregator.consume(input.slice(half..<rowCount))
        let result = aggregator.finish()
        #expect(result.rowCount == min(rowCount, 3))
        for row in 0..<result.rowCount {
            guard case .integer(let group) = result.columns[0].scalar(at: row) else { continue }
            let members = (0..<rowCount).filter { Int64($0 % 3) == group }
            let valid = members.filter { $0 % 7 != 0 }
            #expect(result.columns[1].scalar(at: row) == .integer(Int64(members.count)))
            #expect(result.columns[2].scalar(at: row) == .integer(Int64(valid.count)))
            if valid.isEmpty {
                #expect(!result.columns[3].isValid(row))
            } else {
                #expect(result.columns[3].scalar(at: row) == .integer(Int64(valid.reduce(0) { $0 + $1 % 10 })))
            }
            let strings = members.filter { $0 % 5 != 0 }.map { "v\($0 % 4)" }
            if let minimum = strings.min() {
                #expect(result.columns[4].scalar(at: row) == .string(minimum))
            } else {
                #expect(!result.columns[4].isValid(row))
            }
            #expect(result.columns[5].scalar(at: row) == .integer(Int64(Set(strings).count)))
        }
    }

    @Test("integer group keys: NULL is one group, string keys take the general path")
    func nullGroup() throws {
        let schema = Schema([Field("k", .int32), Field("s", .string)])
        let keys = PrimitiveColumn<Int32>(values: [1, 0, 1, 0, 0], validity: ValidityBitmap([true, false, true, true, false]))
        let strings = StringColumn(["a", nil, "a", "", nil])
        let input = RecordBatch(schema: schema, columns: [.int32(keys), .string(strings)], rowCount: 5)
        for key in [PhysicalExpression.column(0, .int32), .column(1, .string)] {
            let aggregator = HashAggregator(
                groups: [key], aggregates: [AggregateCall(function: .countStar, argument: nil, type: .int64)],
                schema: Schema([Field("k", key.type), Field("n", .int64)]))
            try aggregator.consume(input)
            let result = aggregator.finish()
            #expect(result.rowCount == 3)
            let counts = (0..<3).map { result.columns[1].scalar(at: $0) }
            #expect(counts == [.integer(2), .integer(2), .integer(1)])
            #expect(!result.columns[0].isValid(1))
        }
    }

    @Test("global aggregate over no rows gives one row: count 0, sum NULL")
    func emptyAggregate() throws {
        let schema = Schema([Field("n", .int64), Field("s", .int64)])
        let aggregator = HashAggregator(
            groups: [],
            aggregates: [
                AggregateCall(function: .countStar, argument: nil, type: .int64),
                AggregateCall(function: .sum, argument: Self.a, type: .int64),
            ], schema: schema)
        try aggregator.consume(Self.batch(0))
        let result = aggregator.finish()
        #expect(result.rowCount == 1)
        #expect(result.columns[0].scalar(at: 0) == .integer(0))
        #expect(!result.columns[1].isValid(0))
    }

    @Test("sum overflow is an error")
    func sumOverflow() throws {
        let schema = Schema([Field("x", .int64)])
        let input = RecordBatch(schema: schema, columns: [.int64(PrimitiveColumn(values: [Int64.max, 1]))], rowCount: 2)
        let aggregator = HashAggregator(
            groups: [], aggregates: [AggregateCall(function: .sum, argument: .column(0, .int64), type: .int64)],
            schema: Schema([Field("s", .int64)]))
        #expect(throws: ExecutionError.self) { try aggregator.consume(input) }
    }

    @Test("sort keys: NULLS FIRST/LAST, DESC, strings, negative numbers and doubles")
    func sortOrder() throws {
        let schema = Schema([Field("x", .float64)])
        let values: [Double?] = [3, nil, -1.5, 0, -0.0, 2, nil, .infinity, -.infinity]
        let column = PrimitiveColumn(
            values: ContiguousArray(values.map { $0 ?? 0 }), validity: ValidityBitmap(values.map { $0 != nil }))
        let input = RecordBatch(schema: schema, columns: [.float64(column)], rowCount: values.count)
        let ascending = try Sorter.sort(
            input, keys: [SortKey(expression: .column(0, .float64), descending: false, nullsFirst: false)], limit: nil)
        let rendered = (0..<ascending.rowCount).map { ascending.columns[0].isValid($0) ? "\(ascending.columns[0].scalar(at: $0))" : "NULL" }
        #expect(rendered == ["float(-inf)", "float(-1.5)", "float(0.0)", "float(-0.0)", "float(2.0)", "float(3.0)", "float(inf)", "NULL", "NULL"])
        let top = try Sorter.sort(
            input, keys: [SortKey(expression: .column(0, .float64), descending: true, nullsFirst: true)], limit: 3)
        #expect(top.rowCount == 3)
        #expect(!top.columns[0].isValid(0))
        #expect(top.columns[0].scalar(at: 2) == .float(.infinity))
    }

    @Test("hash join: duplicate keys, NULL keys never match, LEFT keeps unmatched rows")
    func join() throws {
        let schema = Schema([Field("k", .int64)])
        let left = RecordBatch(
            schema: schema,
            columns: [.int64(PrimitiveColumn(values: [1, 2, 2, 0], validity: ValidityBitmap([true, true, true, false])))],
            rowCount: 4)
        let right = RecordBatch(
            schema: schema,
            columns: [.int64(PrimitiveColumn(values: [2, 2, 0, 3], validity: ValidityBitmap([true, true, false, true])))],
            rowCount: 4)
        let joined = Schema([Field("l", .int64), Field("r", .int64)])
        let key = PhysicalExpression.column(0, .int64)
        let inner = try HashJoiner(
            build: right, buildKeys: [key], probeKeys: [key], residual: nil, kind: .inner, buildIsRight: true, schema: joined
        ).probe(left)
        #expect(inner.rowCount == 4)
        let outer = try HashJoiner(
            build: right, buildKeys: [key], probeKeys: [key], residual: nil, kind: .left, buildIsRight: true, schema: joined
        ).probe(left)
        #expect(outer.rowCount == 6)
    }

    @Test("LIKE with %, _ and multi-byte characters")
    func like() {
        func matches(_ text: String, _ pattern: String) -> Bool {
            Array(text.utf8).withUnsafeBufferPointer { t in
                Array(pattern.utf8).withUnsafeBufferPointer { p in StringKernels.likeMatch(t, p) }
            }
        }
        #expect(matches("hello", "h%o"))
        #expect(matches("héllo", "h_llo"))
        #expect(!matches("hello", "h_o"))
        #expect(matches("", "%"))
        #expect(!matches("", "_"))
        #expect(matches("abcabc", "%abc"))
        #expect(matches("a%b", "a%b"))
    }

    @Test("casts: text to numbers and dates, failures are conversion errors")
    func casts() throws {
        #expect(ScalarCast.cast(.string(" 42 "), from: .string, to: .int32) == .integer(42))
        #expect(ScalarCast.cast(.string("1.25"), from: .string, to: .decimal(precision: 5, scale: 1)) == .decimal(13, scale: 1))
        #expect(ScalarCast.cast(.string("2024-02-30"), from: .string, to: .date) == nil)
        #expect(ScalarCast.cast(.integer(3_000_000_000), from: .int64, to: .int32) == nil)
        let column = Column.string(StringColumn(["1", "x"]))
        #expect(throws: ExecutionError.self) { try CastKernel.cast(column, to: .int64, isTry: false) }
        let tried = try CastKernel.cast(column, to: .int64, isTry: true)
        #expect(tried.scalar(at: 0) == .integer(1))
        #expect(!tried.isValid(1))
    }
}
