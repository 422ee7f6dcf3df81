import Foundation
import LakeColumnar
import LakeTestSupport
import Testing

@testable import LakeIngest

/// The checked-in text fixtures (`Fixtures/ingest/README.md`): records, rejects, names, values.
@Suite("Ingest fixtures")
struct FixtureTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        let file: String
        let records: Int
        let rejected: Int
        var testDescription: String { file }
    }

    static let expectations = [
        Expectation(file: "quoting.csv", records: 4, rejected: 0),
        Expectation(file: "ragged.csv", records: 4, rejected: 2),
        Expectation(file: "bad_bytes.csv", records: 3, rejected: 2),
        Expectation(file: "unterminated.csv", records: 2, rejected: 1),
        Expectation(file: "headers.csv", records: 1, rejected: 0),
        Expectation(file: "types.csv", records: 2, rejected: 0),
        Expectation(file: "events.jsonl", records: 3, rejected: 0),
        Expectation(file: "bad.jsonl", records: 4, rejected: 3),
        Expectation(file: "small.csv.gz", records: 2, rejected: 0),
        Expectation(file: "small.csv.zst", records: 2, rejected: 0),
    ]

    static func read(_ file: String) async throws -> TextRead {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestPaths.fixtures + "/ingest/" + file)))
        return try await TextRead.read(bytes, format: file.contains(".jsonl") ? .jsonLines : .csv)
    }

    @Test("records and rejects; accepted + rejected = input", arguments: expectations)
    func counts(_ expectation: Expectation) async throws {
        let read = try await Self.read(expectation.file)
        #expect(read.records == expectation.records)
        #expect(read.rejects.count == expectation.rejected)
        #expect(read.accepted + read.rejects.count == read.records)
    }

    @Test("values of the clean fixtures")
    func values() async throws {
        let quoting = try await Self.read("quoting.csv")
        #expect(quoting.names == ["id", "text", "amount"])
        #expect(quoting.rows[2] == [.integer(3), .string("two\r\nlines"), .null])
        let headers = try await Self.read("headers.csv")
        #expect(headers.names == ["id", "column_2", "ID_2", "name"])
        let events = try await Self.read("events.jsonl")
        #expect(events.names == ["id", "user", "ok", "note"])
        #expect(events.types == [.int64, .string, .boolean, .string])
        #expect(events.rows[0][1] == .string("{\"name\": \"ann\", \"tags\": [\"a\", \"b\"]}"))
        #expect(events.rows[2][3] == .string("café"))
        let small = try await Self.read("small.csv.gz")
        #expect(small.rows == [[.integer(1), .string("a")], [.integer(2), .string("b")]])
    }
}
