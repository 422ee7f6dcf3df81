import Foundation
import LakeTestSupport
import LakeColumnar
import Testing

@testable import LakeIngest

/// CSV and JSON-lines reading: quoting, line endings, headers, inference, and every kind of bad
/// record, each checked for accepted + rejected = input (SPEC.md §2.8).
@Suite("Text readers")
struct TextReaderTests {
    /// The invariant every read keeps.
    static func checkAccounting(_ read: TextRead, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(read.accepted + read.rejects.count == read.records, sourceLocation: sourceLocation)
    }

    @Test("RFC 4180: quotes, doubled quotes, embedded delimiters and newlines, CRLF, BOM")
    func rfc4180() async throws {
        let text = "\u{FEFF}id,text\r\n1,\"a, b\"\r\n2,\"say \"\"hi\"\"\"\r\n3,\"two\r\nlines\"\r\n4,plain\r\n"
        let read = try await TextRead.read(text)
        Self.checkAccounting(read)
        #expect(read.names == ["id", "text"])
        #expect(read.types == [.int64, .string])
        #expect(read.rejects.isEmpty)
        #expect(
            read.rows == [
                [.integer(1), .string("a, b")], [.integer(2), .string("say \"hi\"")],
                [.integer(3), .string("two\r\nlines")], [.integer(4), .string("plain")],
            ])
    }

    @Test("--delimiter, --no-header (column_N, or named by --schema), --null strings")
    func options() async throws {
        let read = try await TextRead.read("1|NA|x\n2|5|\n") { options in
            options.delimiter = UInt8(ascii: "|")
            options.header = false
            options.nullStrings = [Array("NA".utf8)]
        }
        Self.checkAccounting(read)
        #expect(read.names == ["column_1", "column_2", "column_3"])
        #expect(read.types == [.int64, .int64, .string])
        #expect(read.rows == [[.integer(1), .null, .string("x")], [.integer(2), .integer(5), .null]])
        let named = try await TextRead.read("1;x\n", schema: [Field("id", .int32), Field("name", .string)]) { options in
            options.delimiter = UInt8(ascii: ";")
            options.header = false
        }
        #expect(named.names == ["id", "name"])
        #expect(named.rows == [[.integer(1), .string("x")]])
    }

    @Test("inference: booleans, integers, exact decimals, doubles, dates, timestamps (to UTC), strings")
    func inference() async throws {
        let text = """
            b,i,d,f,day,ts,s,empty,big
            true,1,12.50,1.5,2024-01-05,2024-01-05T10:00:00+02:00,x,,12345678901234567890
            FALSE,-2,3.00,2.25e3,2024-02-29,2024-01-05 08:00:00,1,,1
            """
        let read = try await TextRead.read(text + "\n")
        Self.checkAccounting(read)
        #expect(
            read.types == [
                .boolean, .int64, .decimal(precision: 18, scale: 2), .float64, .date, .timestamp, .string, .string,
                .decimal(precision: 38, scale: 0),
            ])
        let ts = 1_704_441_600_000_000  // 2024-01-05T08:00:00Z
        #expect(read.rows[0][5] == .timestamp(Int64(ts)))
        #expect(read.rows[1][5] == .timestamp(Int64(ts)))
        #expect(read.rows[0][2] == .decimal(1250, scale: 2))
        #expect(read.rows[1][3] == .float(2250))
        #expect(read.rows[0][8] == .decimal(12_345_678_901_234_567_890, scale: 0))
    }

    @Test("mixed fraction digits infer DOUBLE; NaN and inf are doubles")
    func doubles() async throws {
        let read = try await TextRead.read("x,y\n1.5,NaN\n2.25,inf\n")
        #expect(read.types == [.float64, .float64])
        #expect(read.rows[1][1] == .float(.infinity))
    }

    @Test("--schema overrides inference for the named columns")
    func declaredSchema() async throws {
        let read = try await TextRead.read("id,price\n7,1.5\n", schema: [Field("price", .decimal(precision: 10, scale: 3))])
        #expect(read.types == [.int64, .decimal(precision: 10, scale: 3)])
        #expect(read.rows == [[.integer(7), .decimal(1500, scale: 3)]])
        await #expect(throws: IngestError.self) {
            _ = try await TextRead.read("id\n1\n", schema: [Field("nope", .int64)])
        }
        #expect(try TextSchema.parse("id int64, ts timestamp, p decimal(10, 2)") == [
            Field("id", .int64), Field("ts", .timestamp), Field("p", .decimal(precision: 10, scale: 2)),
        ])
        #expect(throws: IngestError.self) { try TextSchema.parse("id wat") }
        #expect(throws: IngestError.self) { try TextSchema.parse("id") }
    }

    // MARK: - The bad-record matrix (reliability.md T5)

    struct BadCase: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let format: TextFormat
        let schema: [Field]
        let sample: Int
        let records: Int
        let rejected: Int
        let reason: String
        var testDescription: String { name }

        init(
            _ name: String, _ text: String, format: TextFormat = .csv, schema: [Field] = [], sample: Int = 10_000,
            records: Int, rejected: Int, reason: String
        ) {
            self.init(name, Array(text.utf8), format: format, schema: schema, sample: sample, records: records,
                rejected: rejected, reason: reason)
        }

        init(
            _ name: String, _ bytes: [UInt8], format: TextFormat = .csv, schema: [Field] = [], sample: Int = 10_000,
            records: Int, rejected: Int, reason: String
        ) {
            self.name = name
            self.bytes = bytes
            self.format = format
            self.schema = schema
            self.sample = sample
            self.records = records
            self.rejected = rejected
            self.reason = reason
        }
    }

    static let badCases: [BadCase] = [
        BadCase("ragged rows", "a,b\n1,2\n3\n4,5,6\n7,8\n", records: 4, rejected: 2, reason: "expected 2 fields"),
        BadCase("bad UTF-8", [UInt8]("a,b\n1,".utf8) + [0xFF, 0xFE] + [UInt8]("\n2,ok\n".utf8), records: 2,
            rejected: 1, reason: "invalid UTF-8"),
        BadCase("NUL byte", [UInt8]("a,b\n1,x".utf8) + [0] + [UInt8]("y\n2,ok\n".utf8), records: 2, rejected: 1,
            reason: "NUL byte"),
        BadCase("unterminated quote", "a,b\n1,ok\n2,\"open\n3,x\n", records: 2, rejected: 1,
            reason: "unterminated quoted field"),
        BadCase("text after a closing quote", "a,b\n1,\"x\"y\n2,z\n", records: 2, rejected: 1,
            reason: "after the closing quote"),
        BadCase("type mismatch after the sample", "a\n1\n2\nthree\n4\n", sample: 2, records: 4, rejected: 1,
            reason: "not an integer"),
        BadCase("integer overflow", "a\n1\n99999999999999999999\n", schema: [Field("a", .int64)], records: 2,
            rejected: 1, reason: "integer overflow"),
        BadCase("out of range for INT32", "a\n1\n3000000000\n", schema: [Field("a", .int32)], records: 2, rejected: 1,
            reason: "range"),
        BadCase("invalid dates", "d\n2024-02-29\n2023-02-29\n2024-13-01\n", schema: [Field("d", .date)], records: 3,
            rejected: 2, reason: "not a valid date"),
        BadCase("decimal with too many digits", "p\n1.25\n1.255\n", schema: [Field("p", .decimal(precision: 5, scale: 2))],
            records: 2, rejected: 1, reason: "fraction digits"),
        BadCase("empty file", "", records: 0, rejected: 0, reason: ""),
        BadCase("header only", "a,b\n", records: 0, rejected: 0, reason: ""),
        BadCase("truncated last JSON line", "{\"a\": 1}\n{\"a\": 2", format: .jsonLines, records: 2, rejected: 1,
            reason: "truncated"),
        BadCase("JSON array, not an object", "{\"a\": 1}\n[1, 2]\n", format: .jsonLines, records: 2, rejected: 1,
            reason: "array"),
        BadCase("JSON duplicate key", "{\"a\": 1}\n{\"a\": 2, \"a\": 3}\n", format: .jsonLines, records: 2, rejected: 1,
            reason: "duplicate key"),
        BadCase("JSON key unseen in the sample", "{\"a\": 1}\n{\"a\": 2, \"b\": 3}\n", format: .jsonLines, sample: 1,
            records: 2, rejected: 1, reason: "not a column"),
        BadCase("JSON bad escape", "{\"a\": \"x\"}\n{\"a\": \"\\q\"}\n", format: .jsonLines, records: 2, rejected: 1,
            reason: "escape"),
        BadCase("JSON type mismatch", "{\"a\": 1}\n{\"a\": true}\n", format: .jsonLines, sample: 1, records: 2,
            rejected: 1, reason: "not an integer"),
    ]

    @Test("bad records are rejected with a reason, never dropped: accepted + rejected = input", arguments: badCases)
    func badRecords(_ badCase: BadCase) async throws {
        let read = try await TextRead.read(badCase.bytes, format: badCase.format, schema: badCase.schema) { options in
            options.sampleRecords = badCase.sample
        }
        Self.checkAccounting(read)
        #expect(read.records == badCase.records)
        #expect(read.rejects.count == badCase.rejected)
        for reject in read.rejects {
            #expect(reject.reason.contains(badCase.reason), "\(reject.reason)")
            #expect(reject.line >= 1)
        }
    }

    @Test("a rejected record reports its file line, column, value and raw text")
    func rejectDetails() async throws {
        let read = try await TextRead.read("a,b\n1,2\n\"x\ny\",3\n4,oops\n", schema: [Field("b", .int64)])
        #expect(read.rejects.count == 1)
        let reject = try #require(read.rejects.first)
        #expect(reject.line == 5)
        #expect(reject.column == "b")
        #expect(reject.value == "oops")
        #expect(reject.record == "4,oops")
    }

    @Test("header names: blanks become column_N, duplicates get suffixes")
    func headerNames() async throws {
        let read = try await TextRead.read("a,,A, b \n1,2,3,4\n")
        #expect(read.names == ["a", "column_2", "A_2", "b"])
        #expect(read.warnings.count == 2)
    }

    @Test("a huge field spans many blocks", arguments: [1, 4])
    func hugeField(threads: Int) async throws {
        let big = String(repeating: "x", count: 3 << 20)
        let read = try await TextRead.read("id,text\n1,\"\(big)\"\n2,small\n") { options in
            options.blockSize = 64 << 10
            options.threads = threads
        }
        Self.checkAccounting(read)
        #expect(read.rows.count == 2)
        #expect(read.rows[0][1] == .string(big))
        await #expect(throws: IngestError.self) {
            _ = try await TextRead.read("id,text\n1,\"\(big)\"\n") { options in
                options.blockSize = 64 << 10
                options.maxRecordBytes = 1 << 20
            }
        }
    }

    @Test("parallel parsing of small blocks gives the rows of a serial parse", arguments: [TextFormat.csv, .jsonLines])
    func parallelMatchesSerial(format: TextFormat) async throws {
        var generator = SystemRandomNumberGenerator()
        let seed = UInt64.random(in: 0...UInt64.max, using: &generator)
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        var text = format == .csv ? "id,text,value\n" : ""
        for row in 0..<3000 {
            let words = (0..<Int(next() % 4)).map { _ in ["a", "b,c", "q\"q", "line\nbreak", "é"][Int(next() % 5)] }
            let value = Double(next() % 10_000) / 100
            if format == .csv {
                let quoted = "\"" + words.joined(separator: " ").replacingOccurrences(of: "\"", with: "\"\"") + "\""
                text += "\(row),\(quoted),\(value)\n"
            } else {
                let escaped = words.joined(separator: " ").replacingOccurrences(of: "\"", with: "\\\"")
                    .replacingOccurrences(of: "\n", with: "\\n")
                text += "{\"id\": \(row), \"text\": \"\(escaped)\", \"value\": \(value)}\n"
            }
        }
        let serial = try await TextRead.read(text, format: format) { $0.blockSize = 1 << 30 }
        let parallel = try await TextRead.read(text, format: format) { options in
            options.blockSize = 4 << 10
            options.threads = 3
        }
        #expect(serial.rows.count == 3000, "seed \(seed)")
        #expect(serial.rows == parallel.rows, "seed \(seed)")
        #expect(parallel.rejects.isEmpty, "seed \(seed)")
    }

    @Test("JSON lines: nested values as JSON text, escapes decoded, missing keys null")
    func jsonLines() async throws {
        let text = "{\"id\": 1, \"tags\": [\"a\", {\"b\": 2}], \"name\": \"caf\\u00e9 \\ud83d\\ude00\"}\n\n{\"id\": 2}\n"
        let read = try await TextRead.read(text, format: .jsonLines)
        Self.checkAccounting(read)
        #expect(read.names == ["id", "tags", "name"])
        #expect(read.types == [.int64, .string, .string])
        #expect(read.rows[0] == [.integer(1), .string("[\"a\", {\"b\": 2}]"), .string("café 😀")])
        #expect(read.rows[1] == [.integer(2), .null, .null])
    }

    @Test("deeply nested JSON does not recurse")
    func deepNesting() async throws {
        let depth = 10_000
        let text = "{\"a\": " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}\n"
        let read = try await TextRead.read(text, format: .jsonLines)
        Self.checkAccounting(read)
        #expect(read.rows.count == 1)
    }

    @Test("field decoding edge cases")
    func decoding() {
        func timestamp(_ text: String) -> (Int64, Bool, DecodeFailure) {
            Array(text.utf8).withUnsafeBufferPointer { FieldDecoding.timestamp($0.baseAddress!, $0.count) }
        }
        #expect(timestamp("1970-01-01T00:00:01.5Z").0 == 1_500_000)
        #expect(timestamp("1970-01-01 01:00:00-01:30").0 == 9_000_000_000)
        #expect(timestamp("1970-01-01T00:00:00.1234567").0 == 123_456)
        #expect(timestamp("1970-01-01T24:00:00").2 == .invalidTimestamp)
        func double(_ text: String) -> Double? {
            let result = Array(text.utf8).withUnsafeBufferPointer { FieldDecoding.double($0.baseAddress!, $0.count) }
            return result.1 == .none ? result.0 : nil
        }
        for text in ["0.1", "1e-5", "123456789.123456789", "-2.5E+10", "1.7976931348623157e308", "5e-324"] {
            #expect(double(text) == Double(text), "\(text)")
        }
        #expect(double("1.2.3") == nil)
        #expect(double("") == nil)
        func int(_ text: String) -> (Int64, DecodeFailure) {
            Array(text.utf8).withUnsafeBufferPointer { FieldDecoding.int64($0.baseAddress!, $0.count) }
        }
        #expect(int("-9223372036854775808").0 == .min)
        #expect(int("9223372036854775808").1 == .integerOverflow)
        #expect(int("12a").1 == .notInteger)
    }
}

@Suite("Newline counting")
struct NewlineCountTests {
    @Test("matches a scalar count", arguments: [0, 1, 7, 8, 9, 63, 64, 65, 1000])
    func matchesScalar(size: Int) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<size).map { _ in [0x0A, 0x0B, 0x8A, 0x00, 0x41][Int.random(in: 0..<5, using: &generator)] as UInt8 }
        let expected = bytes.filter { $0 == 0x0A }.count
        #expect(bytes.withUnsafeBufferPointer { countNewlines($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, size) } == expected)
    }
}

@Suite("Text fuzzing path")
struct TextFuzzingTests {
    @Test("seeded random bytes and mutated fixtures never trap and keep the accounting")
    func randomInputs() throws {
        var generator = SystemRandomNumberGenerator()
        let seed = UInt64.random(in: 0...UInt64.max, using: &generator)
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let alphabet = Array("a1,\"\n\r{}[]:\\ .-eEtrufalsn0x|\t".utf8) + [0, 0xFF, 0xC3, 0xA9]
        for _ in 0..<300 {
            let count = Int(next() % 200)
            let bytes = (0..<count).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
            bytes.withUnsafeBufferPointer { TextFuzzing.run($0) }
        }
        let fixtures = try FileManager.default.contentsOfDirectory(atPath: TestPaths.fixtures + "/ingest")
        for name in fixtures where !name.hasSuffix(".md") && !name.hasSuffix(".gz") && !name.hasSuffix(".zst") {
            var bytes = [UInt8(next() & 0xFF)]
            bytes += try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestPaths.fixtures + "/ingest/" + name)))
            for _ in 0..<20 {
                var mutated = bytes
                if mutated.count > 1 { mutated[1 + Int(next() % UInt64(mutated.count - 1))] = alphabet[Int(next() % UInt64(alphabet.count))] }
                mutated.withUnsafeBufferPointer { TextFuzzing.run($0) }
            }
        }
        #expect(Bool(true), "seed \(seed)")
    }

    @Test("100,000 columns")
    func manyColumns() async throws {
        let columns = 100_000
        let header = (0..<columns).map { "c\($0)" }.joined(separator: ",")
        let row = (0..<columns).map { String($0 % 10) }.joined(separator: ",")
        let read = try await TextRead.read(header + "\n" + row + "\n" + row + "\n")
        #expect(read.names.count == columns)
        #expect(read.rows.count == 2 && read.rejects.isEmpty)
    }
}

@Suite("Wide JSON lines")
struct WideJSONTests {
    @Test("objects with 20,000 keys in changing order")
    func manyKeys() async throws {
        let keys = (0..<20_000).map { "k\($0)" }
        let forward = "{" + keys.map { "\"\($0)\": 1" }.joined(separator: ", ") + "}"
        let backward = "{" + keys.reversed().map { "\"\($0)\": 2" }.joined(separator: ", ") + "}"
        let read = try await TextRead.read(forward + "\n" + backward + "\n", format: .jsonLines)
        #expect(read.names.count == keys.count)
        #expect(read.rejects.isEmpty)
        #expect(read.rows.count == 2 && read.rows[1][0] == .integer(2))
    }

    @Test("the chunk text check and the field copy agree with byte-by-byte references")
    func textKernels() {
        var rng = SystemRandomNumberGenerator()
        for length in 0..<80 {
            let plain = (0..<length).map { _ in UInt8.random(in: 1...0x7F, using: &rng) }
            plain.withUnsafeBufferPointer { #expect(FieldDecoding.isPlainASCII($0.baseAddress!, length)) }
            var copy = [UInt8](repeating: 0, count: length + 1)
            copy.withUnsafeMutableBufferPointer { target in
                plain.withUnsafeBufferPointer { copyField(to: target.baseAddress!, from: $0.baseAddress!, count: length) }
            }
            #expect(Array(copy[..<length]) == plain && copy[length] == 0, "copy of \(length) bytes")
            for position in 0..<length {
                for bad: UInt8 in [0, 0x80, 0xC3, 0xFF] {
                    var text = plain
                    text[position] = bad
                    text.withUnsafeBufferPointer {
                        #expect(!FieldDecoding.isPlainASCII($0.baseAddress!, length), "\(bad) at \(position) of \(length)")
                    }
                }
            }
        }
    }
}
