import Foundation
import LakeColumnar
import Testing

@testable import LakeDelta

/// Vacuum (SPEC.md §7.7) and restore (§7.8).
@Suite("Vacuum and restore")
struct VacuumRestoreTests {
    typealias Writes = TableWriteTests
    static let day: Int64 = 86_400_000

    static func compactedTable(_ root: String, configuration: [String: String] = [:]) async throws {
        for index in 0..<4 {
            var request = WriteRequest(partitionColumns: ["region"])
            request.configuration = configuration
            _ = try await Writes.write(root, [Writes.batch(index * 50..<(index + 1) * 50)], request)
        }
        _ = try await Compaction.run(tableRoot: root, request: CompactionRequest(targetFileSize: 1 << 20))
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test("deletes compacted-away files and orphans once past the retention; hidden files and the log stay; rows unchanged")
    func deletesUnreferenced() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/t"
        try await Self.compactedTable(root)
        let removed = try Snapshot.load(table: root, version: 3).files.map(\.path)
        try Self.write("orphan", to: root + "/region=eu/part-orphan.parquet")
        try Self.write("hidden", to: root + "/_scratch")
        try Self.write("hidden", to: root + "/region=eu/.part-x.crc")
        let rows = Writes.rowSet(try await Writes.read(root))
        let live = Set(try Snapshot.load(table: root).files.map(\.path))
        let now = Int64(Date().timeIntervalSince1970 * 1000) + 8 * Self.day

        let dry = try await Vacuum.run(tableRoot: root, request: VacuumRequest(dryRun: true, now: now))
        #expect(dry.deletedFiles.count == removed.count + 1)
        #expect(dry.orphanFiles == 1)
        #expect(FileManager.default.fileExists(atPath: root + "/region=eu/part-orphan.parquet"))
        #expect(try Snapshot.load(table: root).version == 4)

        let outcome = try await Vacuum.run(tableRoot: root, request: VacuumRequest(now: now))
        #expect(Set(outcome.deletedFiles) == Set(removed + ["region=eu/part-orphan.parquet"]))
        #expect(outcome.startVersion == 5 && outcome.endVersion == 6)
        #expect(!FileManager.default.fileExists(atPath: root + "/region=eu/part-orphan.parquet"))
        #expect(FileManager.default.fileExists(atPath: root + "/_scratch"))
        #expect(FileManager.default.fileExists(atPath: root + "/region=eu/.part-x.crc"))
        for path in live { #expect(FileManager.default.fileExists(atPath: root + "/" + path)) }
        #expect(Writes.rowSet(try await Writes.read(root)) == rows)
        let history = try DeltaLog(tableRoot: root).history().map { $0.commitInfo?.operation }
        #expect(history.prefix(2) == ["VACUUM END", "VACUUM START"])
        // Nothing left to delete the second time.
        #expect(try await Vacuum.run(tableRoot: root, request: VacuumRequest(now: now)).deletedFiles.isEmpty)
    }

    @Test("files removed inside the retention window, and new files, are kept")
    func keepsRecent() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/t"
        try await Self.compactedTable(root)
        try Self.write("in flight", to: root + "/region=eu/part-new.parquet")
        let outcome = try await Vacuum.run(tableRoot: root, request: VacuumRequest(dryRun: true))
        #expect(outcome.deletedFiles.isEmpty)
        // A short retention with --force: the compacted-away files are an hour old by `now`, so
        // they go, but the file written "just now" relative to a 2-hour retention stays.
        let now = Int64(Date().timeIntervalSince1970 * 1000) + 3_600_000
        let forced = try await Vacuum.run(
            tableRoot: root, request: VacuumRequest(retention: 2 * 3_600_000, force: true, dryRun: true, now: now))
        #expect(forced.deletedFiles.isEmpty)
    }

    @Test("a retention under a week needs force")
    func safety() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/t"
        try await Self.compactedTable(root)
        await #expect {
            _ = try await Vacuum.run(tableRoot: root, request: VacuumRequest(retention: 0))
        } throws: { error in
            guard case DeltaError.invalidRequest(_, let reason) = error else { return false }
            return reason.contains("--force")
        }
    }

    @Test("log files behind the newest checkpoint older than delta.logRetentionDuration are deleted; the table still opens")
    func logCleanup() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/t"
        try await Self.compactedTable(
            root, configuration: ["delta.checkpointInterval": "2", "delta.logRetentionDuration": "interval 1 hour"])
        _ = try await Writes.write(root, [Writes.batch(500..<510)])  // version 5
        let rows = Writes.rowSet(try await Writes.read(root))
        let now = Int64(Date().timeIntervalSince1970 * 1000) + 2 * 3_600_000
        let outcome = try await Vacuum.run(
            tableRoot: root, request: VacuumRequest(retention: 0, force: true, now: now))
        // Checkpoints at 2 and 4: everything before version 4 goes.
        #expect(Set(outcome.deletedLogFiles) == Set((0..<4).map { LogFileName.commitName($0) } + [
            LogFileName.classicCheckpointName(2)
        ]))
        let snapshot = try Snapshot.load(table: root)
        #expect(snapshot.version == 7)
        #expect(Writes.rowSet(try await Writes.read(root)) == rows)
        #expect(throws: DeltaError.self) { _ = try Snapshot.load(table: root, version: 2) }
    }

    @Test("restore brings back an older version's files as a new version; history stays")
    func restores() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/t"
        try await Self.compactedTable(root)
        let rowsAt1 = Writes.rowSet(try await Writes.read(root, version: 1))
        let outcome = try await Restore.run(tableRoot: root, version: 1)
        #expect(outcome.version == 5)
        let filesAt1 = try Snapshot.load(table: root, version: 1).files.count
        #expect(outcome.filesAfter == filesAt1)
        #expect(Writes.rowSet(try await Writes.read(root)) == rowsAt1)
        #expect(Writes.rowSet(try await Writes.read(root, version: 4)).count == 200)
        // Restoring the version the table already holds commits nothing.
        #expect(try await Restore.run(tableRoot: root, version: 5).version == nil)
    }

    @Test("restore refuses when the old files were vacuumed, and commits nothing")
    func restoreAfterVacuum() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/t"
        try await Self.compactedTable(root)
        let now = Int64(Date().timeIntervalSince1970 * 1000) + 8 * Self.day
        _ = try await Vacuum.run(tableRoot: root, request: VacuumRequest(now: now))
        let before = try Snapshot.load(table: root).version
        await #expect {
            _ = try await Restore.run(tableRoot: root, version: 2)
        } throws: { error in
            guard case DeltaError.invalidRequest(_, let reason) = error else { return false }
            return reason.contains("no longer exist") && reason.contains("nothing was committed")
        }
        #expect(try Snapshot.load(table: root).version == before)
    }
}
