import LakeColumnar
import LakeTestSupport
import Testing

@testable import LakeDelta

/// Checkpoints written by Spark, Databricks and delta-rs (../shared/conformance/delta): classic,
/// multi-part, V2 JSON and Parquet with sidecars, struct-only statistics.
@Suite("Checkpoints")
struct CheckpointTests {
    static let root = TestPaths.conformance + "/delta/"

    @Test("replay starts at the newest checkpoint at or before the version")
    func classic() throws {
        let log = DeltaLog(tableRoot: Self.root + "delta-rs/simple_table_with_checkpoint")
        let latest = try log.snapshot()
        #expect(latest.version == 10)
        #expect(latest.checkpointVersion == 10)
        #expect(latest.files.count == 11)
        let before = try log.snapshot(version: 9)
        #expect(before.checkpointVersion == nil)
        #expect(before.files.count == 10)
        // Commits after the checkpoint are replayed on top of it.
        let later = try Snapshot.load(table: Self.root + "delta-rs/latest_not_checkpointed")
        #expect(later.version == 3 && later.checkpointVersion == 2)
        #expect(later.files.count == 1)
        // Commits 0-4 were cleaned up: versions from the checkpoint at 5 on can be rebuilt.
        let vacuumed = DeltaLog(tableRoot: Self.root + "delta-rs/checkpoints_vacuumed")
        #expect(try vacuumed.snapshot().checkpointVersion == 10)
        #expect(try vacuumed.snapshot(version: 7).checkpointVersion == 5)
        #expect(try vacuumed.snapshot(version: 5).checkpointVersion == 5)
        #expect(throws: DeltaError.self) { try vacuumed.snapshot(version: 4) }
    }

    @Test("a multi-part checkpoint is read when all parts are present; struct-only stats survive")
    func multiPart() throws {
        let path = Self.root + "delta-kernel-rs/v1-multi-part-partitioned-struct-stats-only"
        let listing = try DeltaLog(tableRoot: path).listing()
        let checkpoint = try #require(listing.checkpoints.last)
        #expect(checkpoint.kind == .multiPart(parts: 3) && checkpoint.paths.count == 3)
        var replay = LogReplay()
        try CheckpointReader.read(checkpoint, logPath: listing.logPath, into: &replay)
        #expect(replay.files.count == 5)
        #expect(replay.protocolAction?.readerFeatures == ["deletionVectors"])
        let schema = try DeltaSchema(parsing: try #require(replay.metadata).schemaString).schema
        for file in replay.files {
            #expect(file.statistics(schema: schema)?.numRecords == 1, "\(file.path): \(file.stats ?? "no stats")")
        }
        // The table lists deletionVectors, which lake does not read.
        #expect(throws: DeltaError.unsupportedFeature(table: path, feature: "deletionVectors")) {
            try Snapshot.load(table: path)
        }
    }

    @Test("a checkpoint with only stats_parsed keeps its statistics as JSON")
    func structOnlyStatistics() throws {
        let snapshot = try Snapshot.load(table: Self.root + "delta-rs/delta-1.2.1-only-struct-stats")
        #expect(snapshot.checkpointVersion == 10)
        #expect(snapshot.rowCountFromStatistics == 12)
        let fromCheckpoint = try #require(snapshot.files.first { $0.stats?.contains("minValues") ?? false })
        #expect(fromCheckpoint.statistics(schema: snapshot.schema)?.columns.isEmpty == false)
    }

    @Test(
        "V2 checkpoints: JSON and Parquet, with sidecars",
        arguments: [
            ("delta-golden/v2-checkpoint-json/delta", 2, 4),
            ("delta-golden/v2-checkpoint-parquet/delta", 2, 4),
            ("delta-kernel-rs/v2-checkpoints-json-with-sidecars", 6, 101),
            ("delta-kernel-rs/v2-classic-checkpoint-parquet", 1, 4),
        ])
    func v2(table: String, checkpoint: Int64, files: Int) throws {
        let snapshot = try Snapshot.load(table: Self.root + table)
        #expect(snapshot.checkpointVersion == checkpoint)
        #expect(snapshot.files.count == files)
        #expect(snapshot.protocolAction.readerFeatures?.contains("v2Checkpoint") == true)
    }
}
