import LakeColumnar
import Testing

@testable import LakeDelta

@Suite("Delta schema, partition values and statistics")
struct SchemaAndValueTests {
    static let schemaString = #"""
        {"type":"struct","fields":[{"name":"id","type":"long","nullable":false,"metadata":{"delta.invariants":"{\"expression\":{\"expression\":\"id > 0\"}}","comment":"key","delta.columnMapping.id":5}},{"name":"i","type":"integer","nullable":true,"metadata":{}},{"name":"s16","type":"short","nullable":true,"metadata":{}},{"name":"s8","type":"byte","nullable":true,"metadata":{}},{"name":"f","type":"float","nullable":true,"metadata":{}},{"name":"d","type":"double","nullable":true,"metadata":{}},{"name":"b","type":"boolean","nullable":true,"metadata":{}},{"name":"bin","type":"binary","nullable":true,"metadata":{}},{"name":"day","type":"date","nullable":true,"metadata":{}},{"name":"ts","type":"timestamp","nullable":true,"metadata":{}},{"name":"ntz","type":"timestamp_ntz","nullable":true,"metadata":{}},{"name":"dec","type":"decimal(38,18)","nullable":true,"metadata":{}},{"name":"small","type":"decimal(5, 2)","nullable":true,"metadata":{}},{"name":"v","type":"void","nullable":true,"metadata":{}},{"name":"st","type":{"type":"struct","fields":[{"name":"a","type":"string","nullable":true,"metadata":{}},{"name":"inner","type":{"type":"struct","fields":[{"name":"x","type":"long","nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}}]},"nullable":true,"metadata":{}},{"name":"arr","type":{"type":"array","elementType":"string","containsNull":false},"nullable":true,"metadata":{}},{"name":"m","type":{"type":"map","keyType":"string","valueType":{"type":"array","elementType":"integer","containsNull":true},"valueContainsNull":true},"nullable":true,"metadata":{}}]}
        """#

    @Test("parses every Delta type into lake types, keeping field metadata")
    func parsesSchema() throws {
        let schema = try DeltaSchema(parsing: Self.schemaString)
        let lake = schema.schema
        #expect(
            lake.fields.map(\.type) == [
                .int64, .int32, .int16, .int8, .float32, .float64, .boolean, .binary, .date, .timestamp, .timestampNTZ,
                .decimal(precision: 38, scale: 18), .decimal(precision: 5, scale: 2), .string,
                .struct([Field("a", .string), Field("inner", .struct([Field("x", .int64)]))]),
                .list(Field("element", .string, isNullable: false)),
                .map(
                    key: Field("key", .string, isNullable: false),
                    value: Field("value", .list(Field("element", .int32)))),
            ])
        #expect(lake.fields[0].isNullable == false)
        #expect(schema.fields[0].metadata.map(\.0) == ["delta.invariants", "comment", "delta.columnMapping.id"])
        #expect(schema.fields[0].metadata[2].1 == .number("5"))
        #expect(schema.field(named: "v")?.type == .void)
        // The schemaString written back parses to the same schema, metadata included.
        #expect(try DeltaSchema(parsing: schema.jsonString) == schema)
        #expect(
            schema.jsonString.hasPrefix(
                #"{"type":"struct","fields":[{"name":"id","type":"long","nullable":false,"metadata":{"delta.invariants":"#
            ))
    }

    @Test("converts lake schemas to Delta and back")
    func lakeRoundTrip() throws {
        let lake = try DeltaSchema(parsing: Self.schemaString).schema
        let withoutVoid = Schema(lake.fields.filter { $0.name != "v" })
        #expect(try DeltaSchema(withoutVoid).schema == withoutVoid)
        #expect(
            throws: DeltaError.invalidSchema(
                table: "schema", reason: "column 't' has type TIME, which Delta tables cannot hold")
        ) {
            try DeltaSchema(Schema([Field("t", .time)]))
        }
    }

    @Test(
        "rejects malformed schemas with a reason",
        arguments: [
            (
                #"{"type":"struct","fields":[{"name":"a","type":"variant","nullable":true,"metadata":{}}]}"#,
                "type 'variant'"
            ),
            (
                #"{"type":"struct","fields":[{"name":"a","type":"decimal(39,2)","nullable":true,"metadata":{}}]}"#,
                "invalid decimal"
            ),
            (#"{"type":"struct","fields":[{"name":"a","type":"long"},{"name":"A","type":"long"}]}"#, "appears twice"),
            (#"{"type":"struct","fields":[{"name":"a"}]}"#, "has no type"),
            (#"{"type":"array","elementType":"long","containsNull":true}"#, "not a struct"),
            (
                #"{"type":"struct","fields":[{"name":"m","type":{"type":"map","keyType":"string"}}]}"#,
                "keyType and valueType"
            ),
            (#"not json"#, "not valid JSON"),
        ])
    func rejectsSchema(text: String, reason: String) {
        do {
            _ = try DeltaSchema(parsing: text, table: "t")
            Issue.record("parsed \(text)")
        } catch {
            guard case .invalidSchema(let table, let message) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(table == "t")
            #expect(message.contains(reason), "\(message)")
        }
    }

    @Test("parses partition values per type; null, missing and empty are null")
    func partitionValues() {
        #expect(PartitionValue.parse(nil, as: .int32) == .null)
        #expect(PartitionValue.parse("", as: .string) == .null)
        #expect(PartitionValue.parse("eu west/1", as: .string) == .string("eu west/1"))
        #expect(PartitionValue.parse("null", as: .string) == .string("null"))
        #expect(PartitionValue.parse("ab", as: .binary) == .binary([0x61, 0x62]))
        #expect(PartitionValue.parse("TRUE", as: .boolean) == .boolean(true))
        #expect(PartitionValue.parse("-128", as: .int8) == .integer(-128))
        #expect(PartitionValue.parse("128", as: .int8) == nil)
        #expect(PartitionValue.parse("9223372036854775807", as: .int64) == .integer(Int64.max))
        #expect(PartitionValue.parse("1.5", as: .int64) == nil)
        #expect(PartitionValue.parse("1.0", as: .float64) == .float(1.0))
        #expect(PartitionValue.parse("0.1", as: .float32) == .float32(0.1))
        #expect(PartitionValue.parse("-Infinity", as: .float64) == .float(-.infinity))
        #expect(
            PartitionValue.parse("NaN", as: .float64).map {
                if case .float(let value) = $0 { value.isNaN } else { false }
            } == true)
        #expect(
            PartitionValue.parse("-2342342.23423", as: .decimal(precision: 12, scale: 5))
                == .decimal(-234_234_223_423, scale: 5))
        #expect(PartitionValue.parse("0E-10", as: .decimal(precision: 20, scale: 10)) == .decimal(0, scale: 10))
        #expect(PartitionValue.parse("1.2E+3", as: .decimal(precision: 6, scale: 2)) == .decimal(120_000, scale: 2))
        #expect(PartitionValue.parse("1.234", as: .decimal(precision: 6, scale: 2)) == nil)
        #expect(PartitionValue.parse("12345", as: .decimal(precision: 6, scale: 2)) == nil)
        #expect(PartitionValue.parse("2021-09-08", as: .date) == .date(18878))
        #expect(PartitionValue.parse("2021-02-30", as: .date) == nil)
        #expect(PartitionValue.parse("-0001-01-01", as: .date) == .date(-719_893))
        // Naive timestamps are UTC; zones are applied; fractions up to microseconds.
        let base: Int64 = 1_631_099_471_000_000  // 2021-09-08T11:11:11Z
        #expect(PartitionValue.parse("2021-09-08 11:11:11", as: .timestamp) == .timestamp(base))
        #expect(PartitionValue.parse("2021-09-08T11:11:11.000001Z", as: .timestamp) == .timestamp(base + 1))
        #expect(PartitionValue.parse("2021-09-08T04:11:11.5-07:00", as: .timestamp) == .timestamp(base + 500_000))
        #expect(PartitionValue.parse("2021-09-08T13:11:11+0200", as: .timestamp) == .timestamp(base))
        #expect(PartitionValue.parse("2021-09-08 11:11:11.123456000", as: .timestamp) == .timestamp(base + 123_456))
        #expect(PartitionValue.parse("2021-09-08 11:11:11.1234567", as: .timestamp) == nil)
        #expect(PartitionValue.parse("2021-09-08 25:00:00", as: .timestamp) == nil)
        #expect(
            PartitionValue.parse("2013-07-05 17:01:00.123456", as: .timestampNTZ)
                == .timestampNTZ(1_373_043_660_123_456))
        #expect(PartitionValue.parse("1", as: .struct([])) == nil)
    }

    @Test(
        "serialises partition values so they parse back",
        arguments: [
            (ScalarValue.integer(-5), DataType.int32, "-5"),
            (.boolean(false), .boolean, "false"),
            (.float(1.0), .float64, "1.0"),
            (.float32(0.1), .float32, "0.1"),
            (.float(.infinity), .float64, "Infinity"),
            (.decimal(-234_234_223_423, scale: 5), .decimal(precision: 12, scale: 5), "-2342342.23423"),
            (.decimal(5, scale: 3), .decimal(precision: 4, scale: 3), "0.005"),
            (.date(18878), .date, "2021-09-08"),
            (.timestamp(1_631_099_471_000_001), .timestamp, "2021-09-08T11:11:11.000001Z"),
            (.timestamp(1_631_099_471_000_000), .timestamp, "2021-09-08T11:11:11.000000Z"),
            (.timestampNTZ(1_373_043_660_123_456), .timestampNTZ, "2013-07-05 17:01:00.123456"),
            (.timestampNTZ(1_373_043_660_000_000), .timestampNTZ, "2013-07-05 17:01:00"),
            (.string("us=east%2"), .string, "us=east%2"),
        ])
    func serialisesPartitionValues(value: ScalarValue, type: DataType, text: String) {
        #expect(PartitionValue.serialize(value) == text)
        #expect(PartitionValue.parse(text, as: type) == value)
    }

    @Test("parses statistics against the schema, nested structs included")
    func statistics() throws {
        let schema = Schema([
            Field("id", .int64), Field("score", .float64), Field("amount", .decimal(precision: 10, scale: 2)),
            Field("day", .date), Field("ts", .timestamp), Field("name", .string), Field("flag", .boolean),
            Field("st", .struct([Field("x", .int32), Field("inner", .struct([Field("y", .string)]))])),
            Field("list", .list(Field("element", .int32))),
        ])
        let json = #"""
            {"numRecords":50,"tightBounds":false,"minValues":{"id":0,"score":1.5,"amount":0.49,"day":"2024-01-01","ts":"2000-01-01T00:00:00.000-08:00","name":"n0","flag":true,"st":{"x":-3,"inner":{"y":"a"}},"unknown":1},"maxValues":{"id":"not a number","ts":"2024-01-01T00:00:49Z","st":{"x":7}},"nullCount":{"id":0,"score":10,"st":{"x":1,"inner":{"y":2}},"list":4}}
            """#
        let stats = try #require(FileStatistics(json: json, schema: schema))
        #expect(stats.numRecords == 50)
        #expect(stats.tightBounds == false)
        #expect(stats.column("id") == ColumnStatistics(min: .integer(0), max: nil, nullCount: 0))
        #expect(stats.column("score") == ColumnStatistics(min: .float(1.5), nullCount: 10))
        #expect(stats.column("amount")?.min == .decimal(49, scale: 2))
        #expect(stats.column("day")?.min == .date(10957 + 8766))
        #expect(stats.column("ts")?.min == .timestamp(946_713_600_000_000))
        #expect(stats.column("ts")?.max == .timestamp(1_704_067_249_000_000))
        #expect(stats.column("name")?.min == .string("n0"))
        #expect(stats.column("flag")?.min == nil)
        #expect(stats.column("st", "x") == ColumnStatistics(min: .integer(-3), max: .integer(7), nullCount: 1))
        #expect(stats.column("st", "inner", "y") == ColumnStatistics(min: .string("a"), nullCount: 2))
        #expect(stats.column("list")?.nullCount == 4)
        #expect(FileStatistics(json: "not json", schema: schema) == nil)
    }
}
