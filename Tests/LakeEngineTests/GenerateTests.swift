import Foundation
import LakeColumnar
import LakeIngest
import LakeParquet
import LakeTestSupport
import Testing

@testable import LakeEngine

/// `lake generate` (SPEC.md §2.9, §9): the text encoder, determinism, dirty rows, Parquet, other
/// readers and the command line.
@Suite("Generate")
struct GenerateTests {
    static let datasets = SampleDataSetName.allCases

    static func text(_ generation: Generation) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        _ = try await generation.writeText { bytes += $0 }
        return bytes
    }

    static func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .map(String.init)
    }

    /// A batch with every fast path's edge cases: nulls, quoting, signs, pre-1970 times, fractions.
    static let oddBatch: RecordBatch = {
        let schema = Schema([
            Field("i8", .int8), Field("i32", .int32), Field("i64", .int64), Field("f", .float64),
            Field("s", .string), Field("d", .date), Field("ts", .timestamp), Field("ntz", .timestampNTZ),
            Field("dec", .decimal(precision: 18, scale: 4)), Field("dec0", .decimal(precision: 5, scale: 0)),
            Field("b", .boolean), Field("f32", .float32), Field("bin", .binary),
        ])
        let strings: [String?] = [
            "plain", "with \"quote\", comma", nil, "", " lead", "trail ", "line\nbreak", "tab\there", "日本語",
            "back\\slash", "cr\rhere", "\u{1}ctl",
        ]
        let count = strings.count
        func valid(_ nullAt: Int) -> ValidityBitmap {
            var bitmap = ValidityBitmap(allValidCount: count)
            bitmap.setNull(at: nullAt)
            return bitmap
        }
        return RecordBatch(
            schema: schema,
            columns: [
                .int8(PrimitiveColumn(values: ContiguousArray((0..<count).map { Int8(truncatingIfNeeded: $0 * 37 - 128) }))),
                .int32(PrimitiveColumn(values: [Int32.min, Int32.max, 0, -1, 1, 10, 100, -100, 7, 8, 9, 10], validity: valid(3))),
                .int64(PrimitiveColumn(values: [Int64.min, Int64.max, 0, -1, 1, 10, 100, -100, 7, 8, 9, 10])),
                .float64(
                    PrimitiveColumn(
                        values: [0.1, .nan, -.infinity, -0.0, 0, 1e-5, 123456789.5, 1e9, 0.001, 17.82, -3.25, 1 / 3],
                        validity: valid(4))),
                .string(StringColumn(strings)),
                .date(PrimitiveColumn(values: [0, -1, 19_000, -719_528, 2_932_896, 2_932_897, -719_529, 1, 2, 3, 4, 5])),
                .timestamp(
                    PrimitiveColumn(
                        values: [0, 1_500_000, -1, 1_704_067_200_123_000, -62_167_219_200_000_000, 253_402_300_800_000_000,
                            10, 100_000, 999_999, 86_400_000_000, 1, 2],
                        validity: valid(11))),
                .timestampNTZ(PrimitiveColumn(values: ContiguousArray((0..<count).map { Int64($0) * 1_234_567_891 - 5 }))),
                .decimal64(
                    PrimitiveColumn(values: [123, -5, 0, 1, -1, 10_000, -99_999, 123_456_789, 5, 50, 500, Int64.max]),
                    precision: 18, scale: 4),
                .decimal64(PrimitiveColumn(values: ContiguousArray((0..<count).map { Int64($0) - 6 })), precision: 5, scale: 0),
                .boolean(PrimitiveColumn(values: ContiguousArray((0..<count).map { $0 % 3 == 0 }), validity: valid(2))),
                .float32(PrimitiveColumn(values: ContiguousArray((0..<count).map { Float($0) / 3 }))),
                .binary(StringColumn((0..<count).map { $0 == 5 ? nil : String(repeating: "x", count: $0) })),
            ])
    }()

    static func encoderText(_ batch: RecordBatch, _ format: TextRowEncoder.Format) -> String {
        var encoder = TextRowEncoder(schema: batch.schema, format: format)
        var bytes = encoder.header
        encoder.encode(batch)
        encoder.appendRows(0..<batch.rowCount, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The scalar reference: one `ScalarValue` and one `String` per value, spelled by ``ValueText``
    /// (what ResultWriter did before it used the encoder).
    static func referenceText(_ batch: RecordBatch, csv: Bool) -> String {
        func csvField(_ text: String?) -> String {
            guard let text else { return "" }
            if text.isEmpty { return "\"\"" }
            let needsQuotes =
                text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
                || text.first == " " || text.last == " "
            guard needsQuotes else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        let fields = batch.schema.fields
        var text = csv ? fields.map { csvField($0.name) }.joined(separator: ",") + "\n" : ""
        for row in 0..<batch.rowCount {
            let values = batch.columns.map { $0.scalar(at: row) }
            if csv {
                text += values.map { csvField(ValueText.plain($0)) }.joined(separator: ",") + "\n"
            } else {
                text += "{" + zip(fields, values).map { field, value in
                    ValueText.quoted(field.name) + ":" + ValueText.json(value, fields: nil, type: field.type)
                }.joined(separator: ",") + "}\n"
            }
        }
        return text
    }

    @Test("the column-at-a-time encoder writes what the scalar ValueText reference writes (SPEC.md §2.3)")
    func encoderMatchesReference() {
        var batches = [Self.oddBatch]
        for dataset in Self.datasets { batches.append(dataset.makeGenerator(rowCount: 1000, seed: 5).batch(0..<1000)) }
        for batch in batches {
            #expect(Self.encoderText(batch, .csv) == Self.referenceText(batch, csv: true))
            #expect(Self.encoderText(batch, .jsonl) == Self.referenceText(batch, csv: false))
        }
        // Invalid UTF-8 is repaired (U+FFFD) as String does.
        let invalid = RecordBatch(
            schema: Schema([Field("s", .string)]),
            columns: [.string(StringColumn(offsets: [0, 3], bytes: [0x41, 0xFF, 0x2C]))])
        #expect(Self.encoderText(invalid, .csv) == Self.referenceText(invalid, csv: true))
        #expect(Self.encoderText(invalid, .jsonl) == Self.referenceText(invalid, csv: false))
    }

    @Test("short doubles are spelled as Double.description spells them")
    func shortDoubles() {
        var random = SystemRandomNumberGenerator()
        var fastPathHits = 0
        for trial in 0..<60_000 {
            let value: Double
            switch trial % 4 {
            case 0: value = Double(Int.random(in: -99_999_999...99_999_999, using: &random)) / 100
            case 1: value = Double(Int.random(in: -9_999_999...9_999_999, using: &random)) / 10_000
            case 2: value = Double.random(in: -1e9...1e9, using: &random)
            default: value = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &random))
            }
            var bytes = ContiguousArray<UInt8>()
            if TextRowEncoder.appendShortDouble(value, to: &bytes) {
                fastPathHits += 1
                #expect(String(decoding: bytes, as: UTF8.self) == value.description, "\(value)")
            }
        }
        #expect(fastPathHits > 30_000)
    }

    @Test(
        "the same request gives the same bytes for any thread count and batch size",
        arguments: datasets, [Generation.Format.csv, .jsonl])
    func deterministic(dataset: SampleDataSetName, format: Generation.Format) async throws {
        let reference = try await Self.text(
            Generation(dataset: dataset, rows: 6_000, seed: 9, format: format, dirtyFraction: 0.02))
        for (threads, batchRows) in [(1, 1000), (2, 777), (3, 6_000)] {
            let bytes = try await Self.text(
                Generation(
                    dataset: dataset, rows: 6_000, seed: 9, format: format, dirtyFraction: 0.02, threads: threads,
                    batchRows: batchRows))
            #expect(bytes == reference, "threads \(threads), batch rows \(batchRows)")
        }
        let other = try await Self.text(Generation(dataset: dataset, rows: 6_000, seed: 10, format: format))
        #expect(other != reference)
        let empty = try await Self.text(Generation(dataset: dataset, rows: 0, seed: 9, format: format))
        #expect(Self.lines(empty).count == (format == .csv ? 1 : 0))
    }

    @Test(
        "dirty output differs from clean output in exactly the dirty rows, and each of them is bad",
        arguments: datasets, [Generation.Format.csv, .jsonl])
    func dirtyRowsAreBad(dataset: SampleDataSetName, format: Generation.Format) async throws {
        let rows = 8_000
        let clean = Self.lines(try await Self.text(Generation(dataset: dataset, rows: rows, seed: 1, format: format)))
        let dirtyText = try await Self.text(
            Generation(dataset: dataset, rows: rows, seed: 1, format: format, dirtyFraction: 0.05, threads: 2))
        let dirty = Self.lines(dirtyText)
        #expect(dirty.count == clean.count)
        let schema = dataset.makeGenerator(rowCount: 0, seed: 1).schema
        let header = format == .csv ? 1 : 0
        var differing = 0
        for (index, (cleanLine, dirtyLine)) in zip(clean, dirty).enumerated() where cleanLine != dirtyLine {
            differing += 1
            #expect(index >= header)
            let bad = format == .csv ? Self.csvLineIsBad(dirtyLine, schema: schema) : Self.jsonLineIsBad(dirtyLine, schema: schema)
            #expect(bad, "row \(index - header) is not bad: \(dirtyLine)")
        }
        #expect(differing == rows / 20)
        // Clean lines are good by the same checks.
        for line in clean.dropFirst(header).prefix(1000) {
            #expect(!(format == .csv ? Self.csvLineIsBad(line, schema: schema) : Self.jsonLineIsBad(line, schema: schema)))
        }
    }

    @Test("Parquet output reads back as the generated rows; --dirty with Parquet is refused")
    func parquet() async throws {
        let directory = FileManager.default.temporaryDirectory.path + "/lake-generate-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for dataset in Self.datasets {
            let path = directory + "/\(dataset).parquet"
            let summary = try await Generation(
                dataset: dataset, rows: 4_000, seed: 4, format: .parquet, threads: 2, batchRows: 1500
            ).writeParquet(path: path)
            #expect(summary.rows == 4_000)
            let reader = try ParquetFileReader(path: path)
            let batches = try await reader.readAll(columns: nil, threads: 2)
            let expected = dataset.makeGenerator(rowCount: 4_000, seed: 4).batch(0..<4_000)
            for index in expected.columns.indices {
                #expect(Column.concatenate(batches.map { $0.columns[index] }) == expected.columns[index])
            }
        }
        await #expect(throws: GenerateError.dirtyParquet) {
            try await Generation(dataset: .sensors, rows: 10, seed: 1, format: .parquet, dirtyFraction: 0.1)
                .writeParquet(path: directory + "/dirty.parquet")
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/dirty.parquet"))
    }

    @Test("pyarrow, DuckDB and Python's csv and json modules read the output exactly (Tools/interop/generate_check.py)")
    func otherReaders() async throws {
        // The venv Tools/setup.sh makes, else the shared benchmark venv; without either, skip.
        let venvs = [TestPaths.packageRoot + "/.venv/bin/python", NSHomeDirectory() + "/.cache/lake-bench/venv/bin/python"]
        guard let python = venvs.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return }
        let directory = FileManager.default.temporaryDirectory.path + "/lake-generate-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rows = 5_000
        for dataset in Self.datasets {
            for format in [Generation.Format.csv, .jsonl] {
                let bytes = try await Self.text(Generation(dataset: dataset, rows: rows, seed: 11, format: format, threads: 2))
                try Data(bytes).write(to: URL(fileURLWithPath: directory + "/\(dataset).\(format)"))
            }
            _ = try await Generation(dataset: dataset, rows: rows, seed: 11, format: .parquet)
                .writeParquet(path: directory + "/\(dataset).parquet")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [TestPaths.packageRoot + "/Tools/interop/generate_check.py", directory, String(rows)]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
    }

    // MARK: - Command line

    /// Runs the `lake` binary built beside the tests, or returns nil when it is not there.
    static func lake(_ arguments: [String], directory: String) throws -> (status: Int32, stdout: Data, stderr: String)? {
        let binary = Bundle.main.bundleURL.path + "/lake"
        let candidates = [binary, TestPaths.packageRoot + "/.build/debug/lake"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }

    @Test("lake generate: data on stdout and nothing on stderr; a summary on stderr with --output; clear usage errors")
    func commandLine() async throws {
        let directory = FileManager.default.temporaryDirectory.path + "/lake-generate-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard let piped = try Self.lake(["generate", "events", "--rows", "2000", "--seed", "3"], directory: directory)
        else { return }  // the binary is not built beside the tests
        #expect(piped.status == 0)
        #expect(piped.stderr.isEmpty)
        let expected = try await Self.text(Generation(dataset: .events, rows: 2000, seed: 3, format: .csv))
        #expect([UInt8](piped.stdout) == expected)
        let threaded = try #require(
            try Self.lake(["--threads", "2", "generate", "events", "--rows", "2000", "--seed", "3"], directory: directory))
        #expect(threaded.stdout == piped.stdout)

        let written = try #require(
            try Self.lake(["generate", "orders", "--rows", "100", "--output", "o.jsonl", "--dirty", "0.1"], directory: directory))
        #expect(written.status == 0)
        #expect(written.stdout.isEmpty)
        #expect(written.stderr.hasPrefix("Wrote 100 orders rows (seed 42) to o.jsonl as jsonl: "))
        #expect(written.stderr.contains("; 10 dirty rows"))
        let file = try Data(contentsOf: URL(fileURLWithPath: directory + "/o.jsonl"))
        #expect([UInt8](file) == (try await Self.text(Generation(dataset: .orders, rows: 100, seed: 42, format: .jsonl, dirtyFraction: 0.1))))

        let again = try #require(try Self.lake(["generate", "orders", "--output", "o.jsonl"], directory: directory))
        #expect(again.status == 1)
        #expect(again.stderr.hasPrefix("error: "))

        let parquet = try #require(try Self.lake(["generate", "sensors", "--output", "s.parquet"], directory: directory))
        #expect(parquet.status == 0)
        #expect(try ParquetFileReader(path: directory + "/s.parquet").rowCount == 1000)

        for arguments in [
            ["generate", "sensors", "--format", "parquet"],
            ["generate", "sensors", "--format", "parquet", "--output", "x.parquet", "--dirty", "0.1"],
            ["generate", "sensors", "--dirty", "1.5"],
            ["generate", "sensors", "--rows", "-1"],
            ["generate", "nope"],
        ] {
            let result = try #require(try Self.lake(arguments, directory: directory))
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains("rror"), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/x.parquet"))
    }

    // MARK: - Strict checks of one line

    /// Splits a CSV line strictly (RFC 4180); nil when its quoting is broken.
    static func csvFields(_ line: String) -> [String]? {
        var fields: [String] = []
        var field = ""
        var characters = Array(line)[...]
        while true {
            field = ""
            if characters.first == "\"" {
                characters = characters.dropFirst()
                while true {
                    guard let character = characters.popFirst() else { return nil }
                    if character == "\"" {
                        if characters.first == "\"" {
                            field.append("\"")
                            characters = characters.dropFirst()
                        } else {
                            break
                        }
                    } else {
                        field.append(character)
                    }
                }
                guard characters.isEmpty || characters.first == "," else { return nil }
            } else {
                while let character = characters.first, character != "," {
                    if character == "\"" { return nil }
                    field.append(character)
                    characters = characters.dropFirst()
                }
            }
            fields.append(field)
            guard characters.popFirst() != nil else { return fields }
        }
    }

    static func isNumber(_ text: String) -> Bool { Double(text) != nil && !text.contains("x") }

    /// Whether `text` is a real `YYYY-MM-DD` date, or a `YYYY-MM-DDTHH:MM:SS[.f]Z` timestamp.
    static func isTemporal(_ text: String, date: Bool) -> Bool {
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == (date ? 1 : 2) else { return false }
        let ymd = parts[0].split(separator: "-", omittingEmptySubsequences: false).compactMap { Int($0) }
        guard parts[0].count == 10, ymd.count == 3, (1...12).contains(ymd[1]) else { return false }
        guard (1...CivilCalendar.daysInMonth(year: Int64(ymd[0]), month: ymd[1])).contains(ymd[2]) else { return false }
        if date { return true }
        guard parts[1].hasSuffix("Z") else { return false }
        let hms = parts[1].dropLast().split(separator: ":").map { Double($0) }
        guard hms.count == 3, let hour = hms[0], let minute = hms[1], let second = hms[2] else { return false }
        return hour < 24 && minute < 60 && second < 60
    }

    static func valueIsBad(_ text: String, type: DataType) -> Bool {
        switch type {
        case .int32, .int64: Int(text) == nil
        case .float64, .decimal: !isNumber(text)
        case .date: !isTemporal(text, date: true)
        case .timestamp: !isTemporal(text, date: false)
        default: false
        }
    }

    static func csvLineIsBad(_ line: String, schema: Schema) -> Bool {
        guard let fields = csvFields(line), fields.count == schema.fields.count else { return true }
        return zip(fields, schema.fields).contains { text, field in !text.isEmpty && valueIsBad(text, type: field.type) }
    }

    static func jsonLineIsBad(_ line: String, schema: Schema) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            return true
        }
        for field in schema.fields {
            guard let value = object[field.name] else { return true }
            if value is NSNull { continue }
            switch field.type {
            case .int32, .int64, .float64, .decimal:
                guard value is NSNumber, !(value is String) else { return true }
            case .date, .timestamp:
                guard let text = value as? String, isTemporal(text, date: field.type == .date) else { return true }
            case .string:
                guard value is String else { return true }
            default: break
            }
        }
        return false
    }
}
