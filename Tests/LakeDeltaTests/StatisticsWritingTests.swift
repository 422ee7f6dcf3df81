import LakeColumnar
import LakeParquet
import Testing

@testable import LakeDelta

@Suite("add.stats of written files")
struct StatisticsWritingTests {
    static func summary(_ columns: [ParquetFileSummary.ColumnSummary], rows: Int = 10) -> ParquetFileSummary {
        ParquetFileSummary(path: "f", fileSize: 1, rowCount: rows, rowGroupCount: 1, columns: columns)
    }

    static func column(_ path: [String], _ min: ScalarValue?, _ max: ScalarValue?, nulls: Int = 0, repeated: Bool = false)
        -> ParquetFileSummary.ColumnSummary
    {
        ParquetFileSummary.ColumnSummary(path: path, isRepeated: repeated, nullCount: nulls, min: min, max: max)
    }

    @Test("numbers, decimals, dates exact; timestamps widened to milliseconds; nested by struct")
    func bounds() {
        let schema = Schema([
            Field("i", .int32), Field("d", .decimal(precision: 12, scale: 3)), Field("day", .date),
            Field("ts", .timestamp), Field("ntz", .timestampNTZ),
            Field("p", .struct([Field("x", .float64), Field("tags", .list(Field("element", .string)))])),
            Field("b", .boolean), Field("f", .float32),
        ])
        let stats = FileStatistics(
            summary: Self.summary([
                Self.column(["i"], .integer(-5), .integer(7), nulls: 2),
                Self.column(["d"], .decimal(-12_345, scale: 3), .decimal(99_000, scale: 3)),
                Self.column(["day"], .date(0), .date(19_723)),
                Self.column(["ts"], .timestamp(1_704_067_200_123_456), .timestamp(1_704_067_200_999_001)),
                Self.column(["ntz"], .timestampNTZ(-1_500), .timestampNTZ(2_000)),
                Self.column(["p", "x"], .float(-0.5), .float(1e300), nulls: 1),
                Self.column(["p", "tags", "list", "element"], .string("a"), .string("z"), repeated: true),
                Self.column(["b"], .boolean(false), .boolean(true)),
                Self.column(["f"], .float32(0.1), .float32(.infinity)),
            ]), schema: schema)
        #expect(
            stats.json(schema: schema)
                == #"{"numRecords":10,"minValues":{"i":-5,"d":-12.345,"day":"1970-01-01","#
                + #""ts":"2024-01-01T00:00:00.123Z","ntz":"1969-12-31T23:59:59.998","p":{"x":-0.5},"#
                + #""f":0.10000000149011612},"maxValues":{"i":7,"d":99.000,"day":"2024-01-01","#
                + #""ts":"2024-01-01T00:00:01.000Z","ntz":"1970-01-01T00:00:00.002","p":{"x":1e+300}},"#
                + #""nullCount":{"i":2,"d":0,"day":0,"ts":0,"ntz":0,"p":{"x":1},"b":0,"f":0}}"#)
        // lake's own reader gets the same bounds back.
        let parsed = FileStatistics(json: stats.json(schema: schema), schema: schema)
        #expect(parsed?.column("ts")?.max == .timestamp(1_704_067_201_000_000))
        #expect(parsed?.column("p", "x")?.nullCount == 1)
    }

    @Test("long strings keep a 32-character prefix; the maximum gets a tie-breaker")
    func strings() {
        let schema = Schema([Field("s", .string), Field("t", .string), Field("u", .string)])
        let long = String(repeating: "é", count: 40)
        let stats = FileStatistics(
            summary: Self.summary([
                Self.column(["s"], .string(String(repeating: "a", count: 40)), .string(String(repeating: "b", count: 33))),
                Self.column(["t"], .string("short"), .string(long)),
                Self.column(["u"], .string("x"), .string(String(repeating: "q", count: 32) + "\u{10FFFF}")),
            ]), schema: schema)
        #expect(stats.column("s")?.min == .string(String(repeating: "a", count: 32)))
        #expect(stats.column("s")?.max == .string(String(repeating: "b", count: 32) + "\u{7F}"))
        #expect(stats.column("t")?.max == .string(String(repeating: "é", count: 32) + "\u{10FFFF}"))
        #expect(stats.column("u")?.max == nil)
    }

    @Test("only the first indexed columns get bounds")
    func indexedColumns() {
        let schema = Schema((0..<3).map { Field("c\($0)", .int64) })
        let stats = FileStatistics(
            summary: Self.summary((0..<3).map { Self.column(["c\($0)"], .integer(1), .integer(2)) }), schema: schema,
            indexedColumns: 2)
        #expect(stats.column("c1")?.max == .integer(2))
        #expect(stats.column("c2") == nil)
    }
}
