import Foundation
import LakeColumnar
import Testing

@testable import LakeParquet

@Suite("lake schema → Parquet schema elements")
struct SchemaLakeRoundTripTests {
    static let primitives: [DataType] = [
        .boolean, .int8, .int16, .int32, .int64, .float32, .float64, .decimal(precision: 1, scale: 0),
        .decimal(precision: 9, scale: 9), .decimal(precision: 10, scale: 2), .decimal(precision: 18, scale: 4),
        .decimal(precision: 19, scale: 0), .decimal(precision: 38, scale: 10), .string, .binary, .date, .timestamp,
        .timestampNTZ, .time,
    ]

    static let schemas: [Schema] = {
        var schemas = [
            Schema([]),
            Schema(primitives.enumerated().map { Field("c\($0.offset)", $0.element, isNullable: $0.offset % 2 == 0) }),
            Schema(primitives.enumerated().map { Field("n\($0.offset)", $0.element, isNullable: false) }),
        ]
        let entry = Field("element", .int64)
        let nested: [DataType] = [
            .struct([Field("a", .int32), Field("b", .string, isNullable: false)]),
            .list(entry),
            .list(Field("element", .string, isNullable: false)),
            .list(Field("element", .list(Field("element", .list(Field("element", .date)))))),
            .map(key: Field("key", .string, isNullable: false), value: Field("value", .int64)),
            .map(
                key: Field("key", .int32, isNullable: false),
                value: Field("value", .decimal(precision: 30, scale: 3), isNullable: false)),
            .map(
                key: Field("key", .string, isNullable: false),
                value: Field(
                    "value", .map(key: Field("key", .int32, isNullable: false), value: Field("value", .boolean)))
            ),
            .list(Field("element", .struct([Field("x", .float64), Field("y", .list(entry))]))),
            .struct([
                Field("s", .struct([Field("t", .struct([Field("u", .timestamp)]))])),
                Field("m", .map(key: Field("key", .binary, isNullable: false), value: Field("value", .list(entry)))),
            ]),
        ]
        for type in nested {
            schemas.append(
                Schema([Field("id", .int64, isNullable: false), Field("x", type), Field("y", type, isNullable: false)]))
        }
        // A Delta checkpoint's `add` action.
        schemas.append(
            Schema([
                Field(
                    "add",
                    .struct([
                        Field("path", .string, isNullable: false),
                        Field(
                            "partitionValues",
                            .map(key: Field("key", .string, isNullable: false), value: Field("value", .string)),
                            isNullable: false
                        ),
                        Field("size", .int64, isNullable: false),
                        Field("stats", .string),
                        Field(
                            "deletionVector",
                            .struct([Field("storageType", .string, isNullable: false), Field("offset", .int32)])
                        ),
                    ])
                )
            ])
        )
        return schemas
    }()

    @Test("lake → elements → normalized schema gives the lake schema back", arguments: schemas)
    func roundTrip(lakeSchema: Schema) throws {
        let elements = try ParquetSchema.elements(for: lakeSchema)
        let schema = try ParquetSchema(lakeSchema: lakeSchema)
        #expect(schema == (try ParquetSchema(elements: elements)))
        #expect(schema.lakeSchema == lakeSchema)
        #expect(SchemaRender.problems(schema) == [])
        // Elements survive the Thrift encoding.
        for element in elements {
            #expect(try decodeExactly(SchemaElement.self, element.thriftBytes()) == element)
        }
        // Writer checklist (parquet.md §11, item 3).
        #expect(elements[0].name == "schema")
        #expect(elements[0].numChildren == Int32(lakeSchema.count))
        #expect(elements[0].repetitionType == nil)
        for element in elements.dropFirst() {
            #expect(element.repetitionType != nil, "\(element.name)")
            if let type = element.type {
                #expect(element.numChildren == nil)
                #expect((type == .fixedLenByteArray) == (element.typeLength != nil))
                if case .decimal(let scale, let precision) = element.logicalType {
                    #expect(element.convertedType == .decimal)
                    #expect(element.scale == scale && element.precision == precision)
                }
            } else {
                #expect((element.numChildren ?? 0) > 0)
            }
        }
        // Plain lake types need no conversion when read back.
        for column in schema.columns {
            switch column.dataType {
            case .int8: #expect(column.conversion == .int32ToInt8)
            case .int16: #expect(column.conversion == .int32ToInt16)
            case .decimal:
                #expect(
                    column.conversion
                        == (column.physicalType == .fixedLenByteArray ? .decimalFromBigEndian : .decimalFromInteger)
                )
            default: #expect(column.conversion == .none, "\(column.dottedPath)")
            }
        }
    }

    @Test("leaf elements carry the LogicalType, the ConvertedType where one exists, and the physical type")
    func leafElements() throws {
        let elements = try ParquetSchema.elements(for: Schema(Self.primitives.map { Field("c", $0) }))
        let leaves = Array(elements.dropFirst())
        func describe(_ element: SchemaElement) -> String {
            var text = "\(element.type.map { "\($0)" } ?? "group")"
            if let length = element.typeLength { text += "(\(length))" }
            if let logical = element.logicalType { text += " \(PQInspect.logical(logical))" }
            if let converted = element.convertedType { text += " \(converted.name)" }
            return text
        }
        #expect(
            leaves.map(describe) == [
                "boolean",
                "int32 INTEGER(bitWidth=8,isSigned=True) INT_8",
                "int32 INTEGER(bitWidth=16,isSigned=True) INT_16",
                "int32",
                "int64",
                "float",
                "double",
                "int32 DECIMAL(precision=1,scale=0) DECIMAL",
                "int32 DECIMAL(precision=9,scale=9) DECIMAL",
                "int64 DECIMAL(precision=10,scale=2) DECIMAL",
                "int64 DECIMAL(precision=18,scale=4) DECIMAL",
                "fixedLenByteArray(9) DECIMAL(precision=19,scale=0) DECIMAL",
                "fixedLenByteArray(16) DECIMAL(precision=38,scale=10) DECIMAL",
                "byteArray STRING UTF8",
                "byteArray",
                "int32 DATE DATE",
                "int64 TIMESTAMP(isAdjustedToUTC=True,unit=MICROS) TIMESTAMP_MICROS",
                "int64 TIMESTAMP(isAdjustedToUTC=False,unit=MICROS)",
                "int64 TIME(isAdjustedToUTC=False,unit=MICROS)",
            ]
        )
        #expect(leaves.allSatisfy { $0.repetitionType == .optional })
    }

    @Test("nested types use the standard 3-level LIST and MAP forms")
    func nestedElements() throws {
        let elements = try ParquetSchema.elements(
            for: Schema([
                Field("l", .list(Field("element", .int32, isNullable: false)), isNullable: false),
                Field("m", .map(key: Field("key", .string, isNullable: false), value: Field("value", .int64))),
            ])
        )
        #expect(
            PQInspect.schemaLines(elements) == [
                "(root) group schema",
                "  REQUIRED group l logical=LIST converted=LIST",
                "    REPEATED group list",
                "      REQUIRED INT32 element",
                "  OPTIONAL group m logical=MAP converted=MAP",
                "    REPEATED group key_value",
                "      REQUIRED BYTE_ARRAY key logical=STRING converted=UTF8",
                "      OPTIONAL INT64 value",
            ]
        )
    }

    /// Smallest byte width whose two's complement range holds every `precision`-digit number
    /// (Arrow's formula).
    static func referenceWidth(_ precision: Int) -> Int {
        Int(((Double(precision) * log2(10.0) + 1) / 8).rounded(.up))
    }

    @Test("wide decimals use the minimal FIXED_LEN_BYTE_ARRAY", arguments: 19...38)
    func decimalWidths(precision: Int) throws {
        let elements = try ParquetSchema.elements(for: Schema([Field("d", .decimal(precision: precision, scale: 0))]))
        let width = try #require(elements[1].typeLength)
        #expect(Int(width) == Self.referenceWidth(precision))
        // The width holds 10^p - 1, and one byte less would not.
        let maxDigits = Double(precision)
        #expect(Double(8 * Int(width) - 1) * log10(2.0) >= maxDigits - 1e-9)
        #expect(Double(8 * (Int(width) - 1) - 1) * log10(2.0) < maxDigits)
    }

    static let unwritable: [(Schema, DecodeError)] = [
        (
            Schema([Field("d", .decimal(precision: 39, scale: 0))]),
            .unsupported("column 'd' is DECIMAL(39,0); precision must be 1...38")
        ),
        (
            Schema([Field("d", .decimal(precision: 5, scale: 6))]),
            .unsupported("column 'd' is DECIMAL(5,6); scale must be 0...precision")
        ),
        (
            Schema([Field("s", .struct([]))]),
            .unsupported("struct column 's' has no fields; Parquet cannot store empty groups")
        ),
    ]

    @Test("types Parquet cannot hold are rejected", arguments: unwritable)
    func unwritableSchemas(schema: Schema, error: DecodeError) {
        #expect(throws: error) { try ParquetSchema(lakeSchema: schema) }
    }
}
