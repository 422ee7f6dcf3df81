import Foundation
import LakeColumnar
import LakeDelta
import LakeEngine
import LakeIngest
import LakeParquet
import LakeTestSupport
import Testing

/// `lake ingest` of CSV and JSON lines end to end: into a table, one commit, read back
/// (SPEC.md §2.8).
@Suite("Text ingest")
struct TextIngestTests {
    /// A scratch directory removed when the test ends.
    final class Scratch {
        let root: String
        init() throws {
            root = FileManager.default.temporaryDirectory.path + "/lake-text-ingest-\(UInt64.random(in: 0...UInt64.max))"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: root) }

        func file(_ name: String, _ text: String) throws -> String {
            let path = root + "/" + name
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }

        var table: String { root + "/t" }
    }

    static func ingest(
        _ table: String, _ inputs: [String], mode: WriteMode = .append, configure: (inout IngestOptions) -> Void = { _ in },
        request configureRequest: (inout WriteRequest) -> Void = { _ in }
    ) async throws -> IngestReport {
        var options = IngestOptions()
        configure(&options)
        var request = WriteRequest(mode: mode)
        configureRequest(&request)
        return try await TextIngest.run(tableRoot: table, inputs: inputs, request: request, options: options, threads: 2)
    }

    static func rows(_ table: String) async throws -> (Schema, [[ScalarValue]]) {
        let read = try await TableRows.read(TableLocation.resolve(table, lakeRoot: "/nonexistent"), threads: 2)
        return (read.schema, read.batches.flatMap { batch in (0..<batch.rowCount).map { row in batch.columns.map { $0.scalar(at: row) } } })
    }

    @Test("CSV and gzip/zstd CSV into a new table, several files in one commit, read back")
    func csvRoundTrip() async throws {
        let scratch = try Scratch()
        let a = try scratch.file("a.csv", "id,name,price,day\n1,ann,1.50,2024-01-01\n2,\"b, b\",2.25,2024-01-02\n")
        let b = try scratch.file("b.csv", "id,name,price,day\n3,cat,,2024-01-03\n")
        let c = try scratch.file("c.csv", "id,name,price,day\n4,dog,4.00,2024-01-04\n")
        for tool in [["gzip", "-k", c], ["zstd", "-q", c]] {
            let process = try Process.run(URL(fileURLWithPath: "/usr/bin/env"), arguments: tool)
            process.waitUntilExit()
        }
        let report = try await Self.ingest(scratch.table, [a, b, c + ".gz", c + ".zst"])
        #expect(report.outcome.version == 0)
        #expect(report.rowsRead == 5 && report.rowsRejected == 0 && report.inputFiles == 4)
        let (schema, rows) = try await Self.rows(scratch.table)
        #expect(schema.fields.map(\.type) == [.int64, .string, .decimal(precision: 18, scale: 2), .date])
        #expect(rows.count == 5)
        #expect(rows.contains([.integer(2), .string("b, b"), .decimal(225, scale: 2), .date(19724)]))
        #expect(rows.contains([.integer(3), .string("cat"), .null, .date(19725)]))
        #expect(!FileManager.default.fileExists(atPath: scratch.table + "/_delta_log/00000000000000000001.json"))
    }

    @Test("append checks the table's schema: a mismatch names the column and both types")
    func appendMismatch() async throws {
        let scratch = try Scratch()
        _ = try await Self.ingest(scratch.table, [try scratch.file("a.csv", "id,v\n1,2\n")])
        let wide = try scratch.file("b.csv", "id,v\n1,2.5\n")
        // DOUBLE/DECIMAL text cannot be read as the table's INT64.
        await #expect(throws: IngestError.schemaMismatch(column: "v", tableType: .int64, inputType: .decimal(precision: 18, scale: 1))) {
            _ = try await Self.ingest(scratch.table, [wide])
        }
        let extra = try scratch.file("c.csv", "id,v,w\n1,2,x\n")
        await #expect(throws: IngestError.self) { _ = try await Self.ingest(scratch.table, [extra]) }
        // merge adds the new column; old rows read it as null.
        let merged = try await Self.ingest(scratch.table, [extra]) { $0.schemaMode = .merge }
        #expect(merged.outcome.version == 1)
        let (schema, rows) = try await Self.rows(scratch.table)
        #expect(schema.fields.map(\.name) == ["id", "v", "w"])
        #expect(Set(rows) == [[.integer(1), .integer(2), .null], [.integer(1), .integer(2), .string("x")]])
        // overwrite replaces the schema (only with mode overwrite).
        await #expect(throws: (any Error).self) {
            _ = try await Self.ingest(scratch.table, [wide]) { $0.schemaMode = .overwrite }
        }
        _ = try await Self.ingest(scratch.table, [wide], mode: .overwrite) { $0.schemaMode = .overwrite }
        let (replaced, replacedRows) = try await Self.rows(scratch.table)
        #expect(replaced.fields.map(\.type) == [.int64, .decimal(precision: 18, scale: 1)])
        #expect(replacedRows == [[.integer(1), .decimal(25, scale: 1)]])
        // An INT64 sample appends to a DOUBLE column.
        let doubles = scratch.root + "/d"
        _ = try await Self.ingest(doubles, [try scratch.file("d1.csv", "x\n1.5e0\n")])
        _ = try await Self.ingest(doubles, [try scratch.file("d2.csv", "x\n2\n")])
        #expect(Set(try await Self.rows(doubles).1) == [[.float(1.5)], [.float(2)]])
    }

    @Test("--on-error: fail commits nothing; skip counts; quarantine keeps rejects; accepted + rejected = input")
    func badRecordPolicies() async throws {
        let scratch = try Scratch()
        let input = try scratch.file("bad.csv", "id,v\n1,a\n2\n3,c\n4,d,e\n")
        await #expect(throws: IngestError.badRecord(file: input, line: 3, column: nil, value: nil, reason: "expected 2 fields, found 1")) {
            _ = try await Self.ingest(scratch.table, [input])
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.table + "/_delta_log/00000000000000000000.json"))
        let skipped = try await Self.ingest(scratch.table, [input]) { $0.onError = .skip }
        #expect(skipped.rowsRead == 2 && skipped.rowsRejected == 2)
        #expect(try await Self.rows(scratch.table).1.count == 2)
        let quarantined = try await Self.ingest(scratch.table, [input]) { $0.onError = .quarantine }
        #expect(quarantined.rowsRead + quarantined.rowsRejected == 4)
        #expect(quarantined.rejectsTable == scratch.table + "_rejects" && quarantined.rejectsVersion == 0)
        let (schema, rejects) = try await Self.rows(scratch.table + "_rejects")
        #expect(schema == TextIngest.rejectsSchema)
        #expect(rejects.count == 2)
        #expect(rejects.map { $0[2] }.sorted { "\($0)" < "\($1)" } == [.integer(3), .integer(5)])
        #expect(rejects.contains { $0[6] == .string("4,d,e") })
    }

    @Test("exactly once: a txn version already committed is skipped, also for the rejects table")
    func exactlyOnce() async throws {
        let scratch = try Scratch()
        let input = try scratch.file("a.jsonl", "{\"id\": 1}\n{\"id\": true}\n")
        func run() async throws -> IngestReport {
            try await Self.ingest(
                scratch.table, [input],
                configure: { options in
                    options.onError = .quarantine
                    options.sampleRecords = 1
                }
            ) { request in
                request.transaction = (appId: "loader", version: 7)
            }
        }
        let first = try await run()
        #expect(first.outcome.version == 0 && first.rowsRead == 1 && first.rowsRejected == 1)
        let second = try await run()
        #expect(second.outcome.version == nil)
        #expect(second.outcome.skipped?.contains("already committed") == true)
        #expect(try await Self.rows(scratch.table).1 == [[.integer(1)]])
        #expect(try await Self.rows(scratch.table + "_rejects").1.count == 1)
    }

    @Test("partitioned CSV ingest, directories and globs")
    func partitionedAndGlobs() async throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.root + "/in", withIntermediateDirectories: true)
        _ = try scratch.file("in/1.csv", "k,v\nx,1\ny,2\n")
        _ = try scratch.file("in/2.csv", "k,v\nx,3\n")
        let report = try await Self.ingest(scratch.table, [scratch.root + "/in"]) { _ in } request: { request in
            request.partitionColumns = ["k"]
        }
        #expect(report.outcome.version == 0 && report.outcome.filesAdded == 2 && report.rowsRead == 3)
        let again = try await Self.ingest(scratch.table, [scratch.root + "/in/*.csv"])
        #expect(again.inputFiles == 2 && again.outcome.version == 1)
        #expect(try await Self.rows(scratch.table).1.count == 6)
    }

    @Test("header-only and empty inputs")
    func emptyInputs() async throws {
        let scratch = try Scratch()
        let header = try scratch.file("h.csv", "a,b\n")
        let created = try await Self.ingest(scratch.table, [header])
        #expect(created.outcome.version == 0 && created.rowsRead == 0)
        #expect(try await Self.rows(scratch.table).0.fields.map(\.name) == ["a", "b"])
        let appended = try await Self.ingest(scratch.table, [header])
        #expect(appended.outcome.version == nil && appended.outcome.skipped == "no rows to add")
        let empty = try scratch.file("e.csv", "")
        await #expect(throws: IngestError.self) { _ = try await Self.ingest(scratch.root + "/new", [empty]) }
    }

    @Test("Parquet input with --schema-mode merge: columns by name, new ones added, missing ones null")
    func parquetMerge() async throws {
        let scratch = try Scratch()
        _ = try await Self.ingest(scratch.table, [try scratch.file("a.csv", "id,v\n1,x\n")])
        let path = scratch.root + "/b.parquet"
        let batch = RecordBatch(
            schema: Schema([Field("w", .float64), Field("id", .int64)]),
            columns: [.float64(PrimitiveColumn(values: [2.5])), .int64(PrimitiveColumn(values: [2]))])
        let writer = try ParquetFileWriter(path: path, schema: batch.schema)
        try await writer.write(batch)
        _ = try await writer.close()
        await #expect(throws: (any Error).self) { _ = try await Self.ingest(scratch.table, [path]) }
        let report = try await Self.ingest(scratch.table, [path]) { $0.schemaMode = .merge }
        #expect(report.outcome.version == 1)
        let (schema, rows) = try await Self.rows(scratch.table)
        #expect(schema.fields.map(\.name) == ["id", "v", "w"])
        #expect(Set(rows) == [[.integer(1), .string("x"), .null], [.integer(2), .null, .float(2.5)]])
    }
}
