import LakeColumnar
import LakeDelta
import LakeEngine
import LakeIO
import LakeTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the sqllogictest-style files in `Fixtures/sql/` through ``QueryEngine`` (SPEC.md §8).
///
/// Each `Fixtures/sql/data/<name>.parquet` becomes Delta table `<name>` in a temporary lake;
/// `__DATA__` in SQL is the data directory. Cases listed in `Fixtures/sql/pending.txt` must fail
/// (the runner fails if one passes, so the list stays honest).
@Suite("SQL logic tests")
struct SQLLogicTests {
    /// `Fixtures/sql`, or `LAKE_SQL_FIXTURES` to run another checkout's files.
    static let directory: String = {
        if let value = getenv("LAKE_SQL_FIXTURES"), value.pointee != 0 { return String(cString: value) }
        return TestPaths.fixtures + "/sql"
    }()

    static let files: [String] = {
        (try? FileSystem.contentsOfDirectory(directory))?.map(\.name).filter { $0.hasSuffix(".test") }.sorted() ?? []
    }()

    /// The lake with every data file ingested, made once per test process.
    static let lake = LakeSetup()

    @Test("sql file", arguments: files)
    func run(file: String) async throws {
        let root = try await Self.lake.root()
        let pending = Self.pending()
        let text = try readText(Self.directory + "/" + file)
        let records = SQLTestRecord.parse(text)
        let engine = QueryEngine(lakeRoot: root, threads: 2)
        var failures: [String] = []
        for record in records {
            let sql = record.sql.replacingOccurrences("__DATA__", with: Self.directory + "/data")
            let key = "\(file):\(record.line)"
            let outcome = await record.check(sql: sql, engine: engine)
            let isPending = pending.contains(key)
            switch (outcome, isPending) {
            case (nil, false), (.some, true): break
            case (nil, true): failures.append("\(key) passes but is listed in pending.txt; remove it from the list")
            case (.some(let message), false): failures.append("\(key)\n\(sql)\n\(message)")
            }
        }
        #expect(failures.isEmpty, Comment(rawValue: "\(failures.count) failure(s):\n\n" + failures.joined(separator: "\n\n")))
    }

    static func pending() -> Set<String> {
        guard let text = try? readText(directory + "/pending.txt") else { return [] }
        var keys: Set<String> = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            if let key = line.split(separator: " ").first { keys.insert(String(key)) }
        }
        return keys
    }
}

/// Makes the temporary lake once.
actor LakeSetup {
    private var made: String?

    func root() async throws -> String {
        if let made { return made }
        var template = Array("/tmp/lake-sqltest-XXXXXX".utf8CString)
        let root = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        let data = SQLLogicTests.directory + "/data"
        let names = ((try? FileSystem.contentsOfDirectory(data)) ?? []).map(\.name).filter { $0.hasSuffix(".parquet") }
        for name in names.sorted() {
            let table = String(name.dropLast(".parquet".count))
            _ = try await FileIngest.run(
                tableRoot: root + "/" + table, inputs: [data + "/" + name], request: WriteRequest(), threads: 1)
        }
        made = root
        return root
    }
}

struct SQLTestRecord {
    enum Kind {
        case query(types: [Character], sort: Bool)
        case statementOK
        case statementError(String)
    }

    var kind: Kind
    var line: Int
    var sql: String
    var expected: [String]

    static func parse(_ text: String) -> [SQLTestRecord] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var records: [SQLTestRecord] = []
        var index = 0
        while index < lines.count {
            let line = lines[index].trimmingTrailingSpaces()
            if line.isEmpty || line.hasPrefix("#") {
                index += 1
                continue
            }
            var header = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            // sqllogictest conditions: `skipif <engine>` / `onlyif <engine>` above a record.
            var skip = false
            while header.count == 2 && (header[0] == "skipif" || header[0] == "onlyif") && index + 1 < lines.count {
                let engine = header[1].lowercased()
                if (header[0] == "skipif" && engine == "lake") || (header[0] == "onlyif" && engine != "lake") { skip = true }
                index += 1
                header = lines[index].trimmingTrailingSpaces().split(separator: " ", omittingEmptySubsequences: true)
                    .map(String.init)
            }
            let headerLine = index + 1
            var kind: Kind
            if header[0] == "query" {
                kind = .query(types: Array(header.count > 1 ? header[1] : "T"), sort: header.count > 2 && header[2] == "rowsort")
            } else if header[0] == "statement" && header.count > 1 && header[1] == "error" {
                kind = .statementError(header.dropFirst(2).joined(separator: " "))
            } else {
                kind = .statementOK
            }
            index += 1
            var sqlLines: [String] = []
            while index < lines.count && !lines[index].trimmingTrailingSpaces().isEmpty && lines[index] != "----" {
                sqlLines.append(lines[index])
                index += 1
            }
            var expected: [String] = []
            if index < lines.count && lines[index] == "----" {
                index += 1
                while index < lines.count && !lines[index].isEmpty {
                    expected.append(lines[index])
                    index += 1
                }
            }
            if !skip {
                records.append(
                    SQLTestRecord(kind: kind, line: headerLine, sql: sqlLines.joined(separator: "\n"), expected: expected))
            }
        }
        return records
    }

    /// `nil` when the record passes, else what went wrong.
    func check(sql: String, engine: QueryEngine) async -> String? {
        do {
            let results = try await engine.run(sql)
            switch kind {
            case .statementOK: return nil
            case .statementError(let substring): return "expected an error containing '\(substring)', but it succeeded"
            case .query(let types, let sort):
                guard let result = results.last else { return "no result" }
                var rows: [[String]] = []
                for batch in result.batches {
                    for row in 0..<batch.rowCount {
                        rows.append(batch.columns.map { render($0, row) })
                    }
                }
                var actual = rows.map { $0.joined(separator: "\t") }
                var expected = self.expected
                if sort {
                    actual.sort()
                    expected.sort()
                }
                if result.schema.count != types.count {
                    return "expected \(types.count) column(s), got \(result.schema.count)\nactual:\n" + actual.joined(separator: "\n")
                }
                if actual.count != expected.count || !zip(actual, expected).allSatisfy({ same($0, $1, types) }) {
                    return "expected:\n" + expected.joined(separator: "\n") + "\nactual:\n" + actual.joined(separator: "\n")
                }
                return nil
            }
        } catch {
            // The first line is the message; later lines echo the SQL (excerpt), which must not match.
            let message = String("\(error)".split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
            if case .statementError(let substring) = kind {
                if substring.isEmpty || message.lowercased().contains(substring.lowercased()) { return nil }
                return "expected an error containing '\(substring)', got: \(message)"
            }
            return "error: \(message)"
        }
    }

    func same(_ actual: String, _ expected: String, _ types: [Character]) -> Bool {
        if actual == expected { return true }
        let a = actual.split(separator: "\t", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\t", omittingEmptySubsequences: false)
        guard a.count == e.count else { return false }
        for (index, (x, y)) in zip(a, e).enumerated() where x != y {
            guard index < types.count, types[index] == "R" || types[index] == "I", let dx = Double(x), let dy = Double(y) else { return false }
            if dx.isNaN && dy.isNaN { continue }
            if dx == dy { continue }
            if abs(dx - dy) > 1e-9 * max(abs(dx), abs(dy)) { return false }
        }
        return true
    }

    func render(_ column: Column, _ row: Int) -> String {
        guard column.isValid(row) else { return "NULL" }
        switch column.scalar(at: row) {
        case .null: return "NULL"
        case .boolean(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .float(let number):
            if number.isNaN { return "NaN" }
            if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
            return number.description
        case .float32(let number):
            if number.isNaN { return "NaN" }
            if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
            return number.description
        case .decimal(let unscaled, let scale): return ValueFormatting.decimal(unscaled, scale: scale)
        case .date(let days): return ValueFormatting.date(Int64(days))
        case .timestamp(let micros), .timestampNTZ(let micros):
            var text = ValueFormatting.timestamp(micros, utc: false, separator: " ")
            if text.contains(".") {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
            }
            return text
        case .string(let text):
            if text.isEmpty { return "(empty)" }
            var out = ""
            for character in text {
                switch character {
                case "\t": out += "\\t"
                case "\n": out += "\\n"
                case "\\": out += "\\\\"
                default: out.append(character)
                }
            }
            return out
        case let other: return "\(other)"
        }
    }
}

func readText(_ path: String) throws -> String {
    guard let handle = fopen(path, "r") else { throw EngineError.notFound(path: path) }
    defer { fclose(handle) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, handle)
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " || copy.last == "\r" { copy.removeLast() }
        return copy
    }

    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
