import LakeColumnar
import LakeEngine
import LakeTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The bench queries (`../shared/bench`) at SF0.1 must give DuckDB's answers (the issue's
/// correctness bar): numbers to a relative 1e-9 (absolute 1e-6), everything else exactly.
///
/// Needs the SF0.1 lake made by `Tools/bench/make_lake.sh 0.1` and runs with `LAKE_LONG_TESTS=1`
/// (about a minute in a debug build); CI runs both.
@Suite("Bench queries at SF0.1")
struct BenchQueryTests {
    static let lake: String = {
        let home = getenv("LAKE_BENCH_HOME").map { String(cString: $0) } ?? (String(cString: getenv("HOME")) + "/.cache/lake-bench")
        return home + "/data/sf0.1/lake"
    }()
    static let expected = TestPaths.shared + "/bench/expected/sf0.1"

    static let queries: [(name: String, sql: String)] = {
        guard getenv("LAKE_LONG_TESTS") != nil, let text = try? readText(expected + "/checksums.json"),
            let json = JSONValue.parse(text), case .object(let members)? = json["queries"]
        else { return [] }
        return members.compactMap { name, value in value["sql"]?.stringValue.map { (name, $0) } }
    }()

    /// Each query runs without a memory limit and with 2 MiB, where aggregations, joins and sorts
    /// spill to disk (SPEC.md §8.9) and must still give the same answers.
    @Test("answers equal DuckDB's", arguments: queries.map(\.name), [0, 2 << 20])
    func query(name: String, memoryLimit: Int) async throws {
        let sql = Self.queries.first { $0.name == name }!.sql
        let engine = QueryEngine(lakeRoot: Self.lake, threads: 2, memoryLimit: memoryLimit == 0 ? nil : memoryLimit)
        let results = try await engine.run(sql)
        let result = try #require(results.last)
        var rows: [[String]] = []
        for batch in result.batches {
            for row in 0..<batch.rowCount {
                rows.append(batch.columns.map { column in
                    guard column.isValid(row) else { return "" }
                    switch column.scalar(at: row) {
                    case .date(let days): return ValueFormatting.date(Int64(days))
                    case .float(let value): return value.description
                    case .integer(let value): return String(value)
                    case .string(let text): return text
                    case .decimal(let unscaled, let scale): return ValueFormatting.decimal(unscaled, scale: scale)
                    case let other: return "\(other)"
                    }
                })
            }
        }
        let expectedRows = try Self.readCSV(Self.expected + "/\(name).csv").dropFirst()
        #expect(rows.count == expectedRows.count)
        for (actual, expected) in zip(rows, expectedRows) {
            #expect(actual.count == expected.count)
            for (a, e) in zip(actual, expected) where a != e {
                let x = Double(a)
                let y = Double(e)
                #expect(x != nil && y != nil && abs(x! - y!) <= max(1e-6, 1e-9 * max(abs(x!), abs(y!))), "\(name): \(a) vs \(e)")
            }
        }
    }

    /// A minimal CSV reader for the expected answers (quotes, doubled quotes, no embedded newlines).
    static func readCSV(_ path: String) throws -> [[String]] {
        try readText(path).split(separator: "\n").map { line in
            var fields: [String] = []
            var field = ""
            var quoted = false
            var index = line.startIndex
            while index < line.endIndex {
                let character = line[index]
                if quoted {
                    if character == "\"" {
                        let next = line.index(after: index)
                        if next < line.endIndex && line[next] == "\"" {
                            field.append("\"")
                            index = next
                        } else {
                            quoted = false
                        }
                    } else {
                        field.append(character)
                    }
                } else if character == "\"" {
                    quoted = true
                } else if character == "," {
                    fields.append(field)
                    field = ""
                } else {
                    field.append(character)
                }
                index = line.index(after: index)
            }
            fields.append(field)
            return fields
        }
    }
}
