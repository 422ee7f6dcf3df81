import Foundation
import LakeColumnar
import LakeTestSupport
import Testing

@testable import LakeDelta

/// The table `Tools/interop/delta_checkpoint.py` gives to `deltalake` (delta-rs): lake checkpoints
/// it at version 5, commits 6 and 7 follow, and the commits before 5 are deleted, so only lake's
/// checkpoint can rebuild the state. Deterministic: the same files, rows and log every run.
///
/// With `LAKE_INTEROP_DIR` set (Tools/test.sh), the table is written to `$LAKE_INTEROP_DIR/table`
/// with `$LAKE_INTEROP_DIR/expected.json` (version, checkpoint, live files, canonical rows at the
/// latest version and at the checkpoint, txns); otherwise it is built in a temporary directory and
/// only lake's own reading is checked.
@Suite("Checkpoint interop table")
struct CheckpointInteropTable {
    static let schema = Schema([
        Field("id", .int64), Field("name", .string), Field("score", .float64), Field("day", .date),
        Field("region", .string),
    ])
    static let dataSchema = Schema(schema.fields.filter { $0.name != "region" })
    /// Deletion and modification times: 2026-01-01T00:00:00Z; the checkpoint is written one day later.
    static let time: Int64 = 1_767_225_600_000

    static func rows(file: Int) -> RecordBatch {
        let ids = (0..<3).map { Int64(file * 10 + $0) }
        return RecordBatch(
            schema: dataSchema,
            columns: [
                .int64(PrimitiveColumn(values: ContiguousArray(ids))),
                .string(StringColumn(ids.map { $0 % 4 == 1 ? nil : "n\($0)" })),
                .float64(PrimitiveColumn(values: ContiguousArray(ids.map { Double($0) * 0.5 + 0.25 }))),
                .date(PrimitiveColumn(values: ContiguousArray(ids.map { 19_723 + Int32($0) }))),
            ])
    }

    static func build(at root: String) async throws {
        let fixture = try TableFixture(root: root)
        let regions: [String?] = [
            "eu west/1", nil, "us=east%2", "plain", "eu west/1", "plain", nil, "us=east%2", "plain",
        ]
        var adds: [AddFile] = []
        for (file, region) in regions.enumerated() {
            let directory = "region=" + (region.map(DeltaPath.escapePartitionValue) ?? "__HIVE_DEFAULT_PARTITION__")
            var add = try await fixture.dataFile(
                directory + "/part-0000\(file)-c000.snappy.parquet", rows(file: file),
                partitionValues: ["region": region])
            add.modificationTime = time + Int64(file)
            adds.append(add)
        }
        func remove(_ file: Int) -> Action {
            .remove(
                RemoveFile(
                    path: adds[file].path, deletionTimestamp: time, dataChange: true, extendedFileMetadata: true,
                    partitionValues: adds[file].partitionValues, size: adds[file].size))
        }
        let metadata = TableMetadata(
            id: "2f6b0c8e-4f55-4b1e-9a34-6c1d7f0e5a10", name: "interop", description: "checkpointed by lake",
            schemaString: try DeltaSchema(schema).jsonString, partitionColumns: ["region"],
            configuration: ["delta.checkpointInterval": "5"], createdTime: time)
        let info = { (version: Int64, operation: String) in
            Action.commitInfo(CommitInfo(timestamp: time + version, operation: operation, engineInfo: "lake-tests"))
        }
        try fixture.commit(
            0, [info(0, "CREATE TABLE"), TableFixture.protocol12, .metadata(metadata), .add(adds[0]), .add(adds[1])])
        try fixture.commit(
            1, [info(1, "WRITE"), .add(adds[2]), .txn(TransactionAction(appId: "ingest-job", version: 1))])
        try fixture.commit(2, [info(2, "WRITE"), .add(adds[3])])
        try fixture.commit(
            3,
            [
                info(3, "DELETE"), remove(0), .add(adds[4]),
                .txn(TransactionAction(appId: "ingest-job", version: 3, lastUpdated: time)),
            ])
        try fixture.commit(4, [info(4, "WRITE"), .add(adds[5])])
        try fixture.commit(5, [info(5, "WRITE"), .add(adds[6])])
        let log = DeltaLog(tableRoot: root)
        let at5 = try log.snapshot(version: 5)
        #expect(DeltaLog.isCheckpointDue(after: 5, metadata: at5.metadata))
        let summary = try await CheckpointWriter.write(snapshot: at5, now: time + 86_400_000)
        #expect(summary.addFileCount == 6 && summary.tombstoneCount == 1 && summary.transactionCount == 1)
        try fixture.commit(6, [info(6, "WRITE"), .add(adds[7])])
        try fixture.commit(7, [info(7, "DELETE"), remove(3), .add(adds[8])])
        for version: Int64 in 0..<5 {
            try FileManager.default.removeItem(atPath: fixture.logPath + "/" + TableFixture.fileName(version))
        }
    }

    static func canonicalRows(_ snapshot: Snapshot) async throws -> [String] {
        CanonicalRows.lines(try await TableScan(snapshot: snapshot).read()).sorted()
    }

    @Test("lake checkpoints a partitioned table with removes and txns; the checkpoint alone rebuilds it")
    func table() async throws {
        let directory = ProcessInfo.processInfo.environment["LAKE_INTEROP_DIR"]
        let scratch = FileManager.default.temporaryDirectory.path + "/lake-interop-\(UInt64.random(in: 0...UInt64.max))"
        let base = directory ?? scratch
        defer { if directory == nil { try? FileManager.default.removeItem(atPath: scratch) } }
        let root = base + "/table"
        try? FileManager.default.removeItem(atPath: root)
        try await Self.build(at: root)

        let log = DeltaLog(tableRoot: root)
        let latest = try log.snapshot()
        #expect(latest.version == 7 && latest.checkpointVersion == 5)
        #expect(latest.files.count == 7)
        #expect(latest.transactionVersion(appId: "ingest-job") == 3)
        let rows = try await Self.canonicalRows(latest)
        #expect(rows.count == 21)
        let at5 = try log.snapshot(version: 5)
        #expect(at5.checkpointVersion == 5)
        let rowsAt5 = try await Self.canonicalRows(at5)
        #expect(rowsAt5.count == 18)
        #expect(try log.lastCheckpoint()?.version == 5)
        #expect(rows.first == #"{"day": "2024-01-11", "id": 10, "name": "n10", "region": null, "score": "5.25"}"#)

        guard directory != nil else { return }
        let expected = JSONValue.object([
            ("version", .integer(latest.version)), ("checkpoint", .integer(5)),
            ("files", .array(latest.files.map { .string($0.path) })), ("rows", .array(rows.map { .string($0) })),
            ("rowsAtCheckpoint", .array(rowsAt5.map { .string($0) })),
            ("transactions", .object([("ingest-job", .integer(3))])),
        ])
        try Data(JSONWriter.encode(expected).utf8).write(to: URL(fileURLWithPath: base + "/expected.json"))
    }
}
