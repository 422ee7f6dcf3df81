import LakeColumnar
import Testing

@testable import LakeParquet

@Suite("Record assembly")
struct RecordAssemblyTests {
    static func descriptor(_ path: [String], _ type: DataType, def: Int, rep: Int) -> ColumnDescriptor {
        ColumnDescriptor(
            path: path, physicalType: .int32, typeLength: 0, maxDefinitionLevel: def, maxRepetitionLevel: rep,
            dataType: type, conversion: .none)
    }

    @Test("optional list of optional ints: null list, empty list, null element")
    func listOfInts() throws {
        // a: [1, null, 2] | null | [] | [3]
        let element = SchemaNode(field: Field("element", .int32), definitionLevel: 3, kind: .leaf(column: 0))
        let list = SchemaNode(
            field: Field("a", .list(Field("element", .int32))), definitionLevel: 1,
            kind: .list(element: element, repeatedDefinitionLevel: 2, repetitionLevel: 1))
        let schema = ParquetSchema(
            roots: [list], columns: [Self.descriptor(["a", "list", "element"], .int32, def: 3, rep: 1)])
        let leaf = DecodedLeaf(
            definitionLevels: [3, 2, 3, 0, 1, 3], repetitionLevels: [0, 1, 1, 0, 0, 0], levelCount: 6,
            values: .int32(PrimitiveColumn(values: [1, 2, 3])))
        let columns = try RecordAssembly.assemble(schema: schema, rootIndices: [0], leaves: [leaf], rowCount: 4)
        let rows = (0..<4).map { columns[0].scalar(at: $0) }
        #expect(
            rows == [
                .list([.integer(1), .null, .integer(2)]), .null, .list([]), .list([.integer(3)]),
            ])
    }

    @Test("optional struct with an optional int and a required list")
    func structWithList() throws {
        // s: {x: 1, l: [5, 6]} | null | {x: null, l: []}
        let x = SchemaNode(field: Field("x", .int32), definitionLevel: 2, kind: .leaf(column: 0))
        let element = SchemaNode(
            field: Field("element", .int32, isNullable: false), definitionLevel: 2, kind: .leaf(column: 1))
        let listField = Field("l", .list(element.field), isNullable: false)
        let list = SchemaNode(
            field: listField, definitionLevel: 1,
            kind: .list(element: element, repeatedDefinitionLevel: 2, repetitionLevel: 1))
        let structField = Field("s", .struct([x.field, listField]))
        let root = SchemaNode(field: structField, definitionLevel: 1, kind: .struct([x, list]))
        let schema = ParquetSchema(
            roots: [root],
            columns: [
                Self.descriptor(["s", "x"], .int32, def: 2, rep: 0),
                Self.descriptor(["s", "l", "list", "element"], .int32, def: 2, rep: 1),
            ])
        let xLeaf = DecodedLeaf(
            definitionLevels: [2, 0, 1], repetitionLevels: [], levelCount: 3,
            values: .int32(PrimitiveColumn(values: [1])))
        let listLeaf = DecodedLeaf(
            definitionLevels: [2, 2, 0, 1], repetitionLevels: [0, 1, 0, 0], levelCount: 4,
            values: .int32(PrimitiveColumn(values: [5, 6])))
        let columns = try RecordAssembly.assemble(
            schema: schema, rootIndices: [0], leaves: [xLeaf, listLeaf], rowCount: 3)
        let rows = (0..<3).map { columns[0].scalar(at: $0) }
        #expect(
            rows == [
                .struct([.integer(1), .list([.integer(5), .integer(6)])]),
                .null,
                .struct([.null, .list([])]),
            ])
    }

    @Test("leaves that disagree with the row count are corrupt, not a crash")
    func mismatchedCounts() {
        let node = SchemaNode(field: Field("v", .int32), definitionLevel: 1, kind: .leaf(column: 0))
        let schema = ParquetSchema(roots: [node], columns: [Self.descriptor(["v"], .int32, def: 1, rep: 0)])
        let leaf = DecodedLeaf(
            definitionLevels: [1, 1, 0], repetitionLevels: [], levelCount: 3,
            values: .int32(PrimitiveColumn(values: [1])))
        #expect(throws: DecodeError.self) {
            try RecordAssembly.assemble(schema: schema, rootIndices: [0], leaves: [leaf], rowCount: 3)
        }
    }
}
