import LakeColumnar
import Testing

@testable import LakeParquet

@Suite("Parquet leaf types → lake types")
struct SchemaLeafTypeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var leaf: SchemaElement
        var type: DataType
        var conversion: ValueConversion
        var testDescription: String {
            "\(leaf.type.map { "\($0)" } ?? "-") \(leaf.logicalType.map { "\($0)" } ?? "") \(leaf.convertedType.map(\.name) ?? "") → \(type)"
        }
    }

    static func leaf(
        _ type: PhysicalType,
        logical: LogicalType? = nil,
        converted: ConvertedType? = nil,
        length: Int32? = nil,
        scale: Int32? = nil,
        precision: Int32? = nil
    ) -> SchemaElement {
        element(
            .optional, type, "c", logical: logical, converted: converted, length: length, scale: scale,
            precision: precision)
    }

    /// parquet.md §9 and the brief's mapping, one row per annotation form.
    static let cases: [Case] = [
        Case(leaf: leaf(.boolean), type: .boolean, conversion: .none),
        Case(leaf: leaf(.int32), type: .int32, conversion: .none),
        Case(leaf: leaf(.int32, logical: .integer(bitWidth: 32, isSigned: true)), type: .int32, conversion: .none),
        Case(leaf: leaf(.int32, converted: .int32), type: .int32, conversion: .none),
        Case(leaf: leaf(.int32, logical: .integer(bitWidth: 8, isSigned: true)), type: .int8, conversion: .int32ToInt8),
        Case(leaf: leaf(.int32, converted: .int8), type: .int8, conversion: .int32ToInt8),
        Case(
            leaf: leaf(.int32, logical: .integer(bitWidth: 16, isSigned: true)), type: .int16, conversion: .int32ToInt16
        ),
        Case(leaf: leaf(.int32, converted: .int16), type: .int16, conversion: .int32ToInt16),
        Case(
            leaf: leaf(.int32, logical: .integer(bitWidth: 8, isSigned: false)), type: .int16, conversion: .uint8ToInt16
        ),
        Case(leaf: leaf(.int32, converted: .uint8), type: .int16, conversion: .uint8ToInt16),
        Case(
            leaf: leaf(.int32, logical: .integer(bitWidth: 16, isSigned: false)), type: .int32,
            conversion: .uint16ToInt32),
        Case(leaf: leaf(.int32, converted: .uint16), type: .int32, conversion: .uint16ToInt32),
        Case(
            leaf: leaf(.int32, logical: .integer(bitWidth: 32, isSigned: false)), type: .int64,
            conversion: .uint32ToInt64),
        Case(leaf: leaf(.int32, converted: .uint32), type: .int64, conversion: .uint32ToInt64),
        Case(leaf: leaf(.int32, logical: .date), type: .date, conversion: .none),
        Case(leaf: leaf(.int32, converted: .date), type: .date, conversion: .none),
        Case(
            leaf: leaf(.int32, logical: .decimal(scale: 2, precision: 9)),
            type: .decimal(precision: 9, scale: 2),
            conversion: .decimalFromInteger
        ),
        Case(
            leaf: leaf(.int32, converted: .decimal, scale: 2, precision: 4),
            type: .decimal(precision: 4, scale: 2),
            conversion: .decimalFromInteger
        ),
        Case(
            leaf: leaf(.int32, logical: .time(isAdjustedToUTC: true, unit: .millis)), type: .time,
            conversion: .int32MillisToMicros),
        Case(leaf: leaf(.int32, converted: .timeMillis), type: .time, conversion: .int32MillisToMicros),
        Case(leaf: leaf(.int64), type: .int64, conversion: .none),
        Case(leaf: leaf(.int64, logical: .integer(bitWidth: 64, isSigned: true)), type: .int64, conversion: .none),
        Case(leaf: leaf(.int64, converted: .int64), type: .int64, conversion: .none),
        Case(
            leaf: leaf(.int64, logical: .integer(bitWidth: 64, isSigned: false)),
            type: .decimal(precision: 20, scale: 0),
            conversion: .uint64ToDecimal
        ),
        Case(
            leaf: leaf(.int64, converted: .uint64), type: .decimal(precision: 20, scale: 0),
            conversion: .uint64ToDecimal),
        Case(
            leaf: leaf(.int64, logical: .timestamp(isAdjustedToUTC: true, unit: .millis)),
            type: .timestamp,
            conversion: .int64MillisToMicros
        ),
        Case(
            leaf: leaf(.int64, logical: .timestamp(isAdjustedToUTC: true, unit: .micros)), type: .timestamp,
            conversion: .none),
        Case(
            leaf: leaf(.int64, logical: .timestamp(isAdjustedToUTC: true, unit: .nanos)),
            type: .timestamp,
            conversion: .int64NanosToMicros
        ),
        Case(
            leaf: leaf(.int64, logical: .timestamp(isAdjustedToUTC: false, unit: .millis)),
            type: .timestampNTZ,
            conversion: .int64MillisToMicros
        ),
        // pyarrow writes TIMESTAMP_MICROS next to a local timestamp: the LogicalType decides.
        Case(
            leaf: leaf(.int64, logical: .timestamp(isAdjustedToUTC: false, unit: .micros), converted: .timestampMicros),
            type: .timestampNTZ,
            conversion: .none
        ),
        Case(
            leaf: leaf(.int64, logical: .timestamp(isAdjustedToUTC: false, unit: .nanos)),
            type: .timestampNTZ,
            conversion: .int64NanosToMicros
        ),
        Case(leaf: leaf(.int64, converted: .timestampMillis), type: .timestamp, conversion: .int64MillisToMicros),
        Case(leaf: leaf(.int64, converted: .timestampMicros), type: .timestamp, conversion: .none),
        Case(leaf: leaf(.int64, logical: .time(isAdjustedToUTC: false, unit: .micros)), type: .time, conversion: .none),
        Case(
            leaf: leaf(.int64, logical: .time(isAdjustedToUTC: true, unit: .nanos)), type: .time,
            conversion: .int64NanosToMicros),
        Case(leaf: leaf(.int64, converted: .timeMicros), type: .time, conversion: .none),
        Case(
            leaf: leaf(.int64, logical: .decimal(scale: 4, precision: 18)),
            type: .decimal(precision: 18, scale: 4),
            conversion: .decimalFromInteger
        ),
        Case(leaf: leaf(.int96), type: .timestampNTZ, conversion: .int96ToMicros),
        Case(leaf: leaf(.float), type: .float32, conversion: .none),
        Case(leaf: leaf(.double), type: .float64, conversion: .none),
        Case(leaf: leaf(.byteArray), type: .binary, conversion: .none),
        Case(leaf: leaf(.byteArray, logical: .string), type: .string, conversion: .none),
        Case(leaf: leaf(.byteArray, converted: .utf8), type: .string, conversion: .none),
        Case(leaf: leaf(.byteArray, logical: .enum), type: .string, conversion: .none),
        Case(leaf: leaf(.byteArray, converted: .enum), type: .string, conversion: .none),
        Case(leaf: leaf(.byteArray, logical: .json), type: .string, conversion: .none),
        Case(leaf: leaf(.byteArray, converted: .json), type: .string, conversion: .none),
        Case(leaf: leaf(.byteArray, logical: .bson), type: .binary, conversion: .none),
        Case(leaf: leaf(.byteArray, converted: .bson), type: .binary, conversion: .none),
        Case(
            leaf: leaf(.byteArray, logical: .decimal(scale: 2, precision: 4)),
            type: .decimal(precision: 4, scale: 2),
            conversion: .decimalFromBigEndian
        ),
        Case(leaf: leaf(.byteArray, logical: .geometry(crs: nil)), type: .binary, conversion: .none),
        Case(leaf: leaf(.byteArray, logical: .geography(crs: nil, algorithm: 0)), type: .binary, conversion: .none),
        Case(leaf: leaf(.fixedLenByteArray, length: 4), type: .binary, conversion: .none),
        Case(leaf: leaf(.fixedLenByteArray, logical: .uuid, length: 16), type: .binary, conversion: .none),
        Case(leaf: leaf(.fixedLenByteArray, converted: .interval, length: 12), type: .binary, conversion: .none),
        Case(
            leaf: leaf(.fixedLenByteArray, logical: .float16, length: 2), type: .float32, conversion: .float16ToFloat32),
        Case(
            leaf: leaf(.fixedLenByteArray, logical: .decimal(scale: 2, precision: 25), length: 11),
            type: .decimal(precision: 25, scale: 2),
            conversion: .decimalFromBigEndian
        ),
        Case(
            leaf: leaf(.fixedLenByteArray, converted: .decimal, length: 16, scale: 10, precision: 38),
            type: .decimal(precision: 38, scale: 10),
            conversion: .decimalFromBigEndian
        ),
        // Fallbacks to the physical type: annotations that do not fit, unknown members, UNKNOWN.
        Case(leaf: leaf(.fixedLenByteArray, logical: .float16, length: 3), type: .binary, conversion: .none),
        Case(leaf: leaf(.int32, logical: .string), type: .int32, conversion: .none),
        Case(leaf: leaf(.int32, converted: .utf8), type: .int32, conversion: .none),
        Case(leaf: leaf(.int32, logical: .unknown), type: .int32, conversion: .none),
        Case(leaf: leaf(.int32, logical: .integer(bitWidth: 64, isSigned: true)), type: .int32, conversion: .none),
        Case(
            leaf: leaf(.int32, logical: .timestamp(isAdjustedToUTC: true, unit: .micros)), type: .int32,
            conversion: .none),
        Case(leaf: leaf(.int64, logical: .time(isAdjustedToUTC: true, unit: .millis)), type: .int64, conversion: .none),
        Case(leaf: leaf(.int64, logical: .integer(bitWidth: 32, isSigned: false)), type: .int64, conversion: .none),
        Case(leaf: leaf(.byteArray, logical: .unrecognized(2555)), type: .binary, conversion: .none),
        // A LogicalType, even an unknown one, hides the ConvertedType (as in Arrow).
        Case(leaf: leaf(.byteArray, logical: .unrecognized(99), converted: .utf8), type: .binary, conversion: .none),
        Case(
            leaf: leaf(.int96, logical: .timestamp(isAdjustedToUTC: true, unit: .nanos)), type: .timestampNTZ,
            conversion: .int96ToMicros),
        Case(leaf: leaf(.boolean, logical: .decimal(scale: 0, precision: 5)), type: .boolean, conversion: .none),
        Case(leaf: leaf(.double, converted: .decimal, scale: 0, precision: 5), type: .float64, conversion: .none),
    ]

    @Test("one leaf maps to the expected type and conversion", arguments: cases)
    func mapping(test: Case) throws {
        let schema = try ParquetSchema(elements: [root(1), test.leaf])
        let column = try #require(schema.columns.first)
        #expect(column.dataType == test.type)
        #expect(column.conversion == test.conversion)
        #expect(column.physicalType == test.leaf.type)
        #expect(column.typeLength == (test.leaf.type == .fixedLenByteArray ? Int(test.leaf.typeLength ?? 0) : 0))
        #expect(schema.lakeSchema == Schema([Field("c", test.type, isNullable: true)]))
    }

    @Test("a type_length on a non-FLBA leaf is not its width")
    func typeLengthIgnoredOutsideFLBA() throws {
        let schema = try ParquetSchema(elements: [root(1), element(.required, .int32, "c", length: 3)])
        #expect(schema.columns[0].typeLength == 0)
    }

    static let corpusColumns: [(String, String, DataType, ValueConversion)] = [
        ("good/alltypes_plain.parquet", "timestamp_col", .timestampNTZ, .int96ToMicros),
        ("good/alltypes_plain.parquet", "date_string_col", .binary, .none),
        ("good/alltypes_tiny_pages_plain.parquet", "tinyint_col", .int8, .int32ToInt8),
        ("good/alltypes_tiny_pages_plain.parquet", "smallint_col", .int16, .int32ToInt16),
        ("good/int32_decimal.parquet", "value", .decimal(precision: 4, scale: 2), .decimalFromInteger),
        ("good/int64_decimal.parquet", "value", .decimal(precision: 10, scale: 2), .decimalFromInteger),
        ("good/fixed_length_decimal.parquet", "value", .decimal(precision: 25, scale: 2), .decimalFromBigEndian),
        ("good/byte_array_decimal.parquet", "value", .decimal(precision: 4, scale: 2), .decimalFromBigEndian),
        ("good/float16_nonzeros_and_nans.parquet", "x", .float32, .float16ToFloat32),
        ("good/concatenated_gzip_members.parquet", "long_col", .decimal(precision: 20, scale: 0), .uint64ToDecimal),
        ("good/unknown-logical-type.parquet", "column with known type", .string, .none),
        ("good/unknown-logical-type.parquet", "column with unknown type", .binary, .none),
        ("good/geospatial__crs-default.parquet", "geometry", .binary, .none),
        ("good/int96_from_spark.parquet", "a", .timestampNTZ, .int96ToMicros),
        ("writers/pyarrow_default.parquet", "ts_local", .timestampNTZ, .none),
        ("writers/pyarrow_default.parquet", "dec18_4", .decimal(precision: 18, scale: 4), .decimalFromBigEndian),
        ("writers/spark_default.parquet", "ts_utc", .timestampNTZ, .int96ToMicros),
        ("writers/spark_default.parquet", "dec18_4", .decimal(precision: 18, scale: 4), .decimalFromInteger),
        ("writers/duckdb_default.parquet", "id", .int64, .none),
        ("writers/duckdb_default.parquet", "ts_utc", .timestamp, .none),
        ("minimal_writer/converted_only_no_logical.parquet", "g_ts", .timestamp, .none),
        ("minimal_writer/converted_only_no_logical.parquet", "f_date", .date, .none),
        ("minimal_writer/converted_only_no_logical.parquet", "c_str", .string, .none),
    ]

    @Test("corpus columns map as expected", arguments: corpusColumns)
    func corpusColumn(file: String, path: String, type: DataType, conversion: ValueConversion) throws {
        let schema = try ParquetSchema(elements: MetadataCorpus.footer(file).schema)
        let column = try #require(schema.columns.first { $0.dottedPath == path })
        #expect(column.dataType == type)
        #expect(column.conversion == conversion)
    }
}
