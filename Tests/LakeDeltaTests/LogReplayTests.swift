import Foundation
import LakeColumnar
import Testing

@testable import LakeDelta

@Suite("Log replay and snapshots")
struct LogReplayTests {
    static let schema = Schema([Field("id", .int64), Field("name", .string)])

    /// v0: protocol, metadata, a, b; v1: c, remove a; v2: txn and commitInfo only.
    static func threeVersions(_ fixture: TableFixture) throws {
        try fixture.commit(
            0,
            [TableFixture.protocol12, try TableFixture.metadata(schema), TableFixture.add("a"), TableFixture.add("b")])
        try fixture.commit(1, [TableFixture.add("c"), TableFixture.remove("a")])
        try fixture.commit(
            2,
            [
                .commitInfo(CommitInfo(timestamp: 1, operation: "WRITE")),
                .txn(TransactionAction(appId: "job", version: 7)), .txn(TransactionAction(appId: "other", version: 1)),
            ])
    }

    @Test("replays commits: live files, tombstones, txns, per version")
    func replaysCommits() throws {
        let fixture = try TableFixture()
        try Self.threeVersions(fixture)
        let latest = try Snapshot.load(table: fixture.root)
        #expect(latest.version == 2)
        #expect(latest.files.map(\.path) == ["b", "c"])
        #expect(latest.tombstones.map(\.path) == ["a"])
        #expect(latest.transactionVersion(appId: "job") == 7)
        #expect(latest.transactionVersion(appId: "nobody") == nil)
        #expect(latest.schema == Self.schema)
        #expect(latest.checkpointVersion == nil)
        let first = try Snapshot.load(table: fixture.root, version: 0)
        #expect(first.files.map(\.path) == ["a", "b"])
        #expect(first.transactions.isEmpty)
        #expect(try DeltaLog(tableRoot: fixture.root + "/").latestVersion() == 2)
    }

    @Test("live files keep log order; a re-added file moves to its newest position")
    func logOrder() {
        var replay = LogReplay()
        for path in ["c", "a", "b"] { replay.apply(TableFixture.add(path)) }
        replay.apply(TableFixture.add("c"))
        replay.apply(TableFixture.remove("a"))
        #expect(replay.files.map(\.path) == ["b", "c"])
        #expect(replay.tombstones.map(\.path) == ["a"])
        replay.apply(TableFixture.add("a"))
        #expect(replay.files.map(\.path) == ["b", "c", "a"])
        #expect(replay.tombstones.isEmpty)
    }

    @Test("checkpoint adds skip the key index until a later action needs it; a repeated key keeps the later add")
    func checkpointAdds() {
        var replay = LogReplay()
        for path in ["x", "y", "x"] {
            guard case .add(let file) = TableFixture.add(path) else { return }
            replay.apply(checkpointAdd: file)
        }
        #expect(replay.files.map(\.path) == ["x", "y", "x"])  // trusted as written until indexed
        replay.apply(TableFixture.remove("y"))
        #expect(replay.files.map(\.path) == ["x"])
        #expect(replay.fileCount == 1)
        replay.apply(TableFixture.add("z"))
        #expect(replay.files.map(\.path) == ["x", "z"])
    }

    @Test("a remove cancels only the add with the same path and deletion vector")
    func fileKeys() {
        var replay = LogReplay()
        replay.apply(TableFixture.add("p", vector: "dv1"))
        replay.apply(TableFixture.add("q"))
        replay.apply(TableFixture.remove("p"))  // no vector: does not match (p, dv1)
        #expect(replay.files.map(\.key) == [FileKey(path: "p", deletionVectorID: "idv1"), FileKey(path: "q")])
        replay.apply(TableFixture.remove("p", vector: "dv1"))
        replay.apply(TableFixture.add("p", vector: "dv2"))
        #expect(replay.files.map(\.key) == [FileKey(path: "q"), FileKey(path: "p", deletionVectorID: "idv2")])
        // Re-adding a tombstoned file revives it and drops the tombstone.
        replay.apply(TableFixture.add("p", vector: "dv1"))
        #expect(!replay.tombstones.contains { $0.key == FileKey(path: "p", deletionVectorID: "idv1") })
        #expect(replay.files.count == 3)
        #expect(replay.fileCount == 3)
        replay.apply(.domainMetadata(DomainMetadata(domain: "d", configuration: "{}", removed: false)))
        #expect(replay.domains["d"] != nil)
        replay.apply(.domainMetadata(DomainMetadata(domain: "d", configuration: "", removed: true)))
        #expect(replay.domains["d"] == nil)
    }

    @Test("a directory without a log is not a table")
    func notATable() throws {
        let fixture = try TableFixture()
        #expect(throws: DeltaError.notATable(path: fixture.root, reason: "_delta_log holds no commits or checkpoints"))
        {
            try Snapshot.load(table: fixture.root)
        }
        try fixture.writeLog("_last_checkpoint", #"{"version":3,"size":1}"#)
        try fixture.writeLog("00000000000000000000.crc", "{}")
        #expect(throws: DeltaError.self) { try Snapshot.load(table: fixture.root) }
        try FileManager.default.removeItem(atPath: fixture.logPath)
        #expect(throws: DeltaError.notATable(path: fixture.root, reason: "it has no _delta_log directory")) {
            try Snapshot.load(table: fixture.root)
        }
        #expect(throws: DeltaError.notATable(path: fixture.root + "/nope", reason: "the directory does not exist")) {
            try Snapshot.load(table: fixture.root + "/nope")
        }
    }

    @Test("missing versions, gaps and removed history are errors")
    func missingVersions() throws {
        let fixture = try TableFixture()
        try Self.threeVersions(fixture)
        #expect(throws: DeltaError.versionNotFound(table: fixture.root, version: 5, reason: "the latest version is 2"))
        {
            try Snapshot.load(table: fixture.root, version: 5)
        }
        #expect(throws: DeltaError.versionNotFound(table: fixture.root, version: -1, reason: "the latest version is 2"))
        {
            try Snapshot.load(table: fixture.root, version: -1)
        }
        try fixture.commit(4, [TableFixture.add("e")])
        #expect(throws: DeltaError.logGap(table: fixture.root, missing: 3, next: 4)) {
            try Snapshot.load(table: fixture.root)
        }
        #expect(try Snapshot.load(table: fixture.root, version: 2).files.count == 2)
        try FileManager.default.removeItem(atPath: fixture.logPath + "/" + TableFixture.fileName(0))
        #expect(
            throws: DeltaError.versionNotFound(
                table: fixture.root, version: 2,
                reason: "commits before version 1 were removed and no checkpoint covers it")
        ) {
            try Snapshot.load(table: fixture.root, version: 2)
        }
    }

    @Test("a snapshot needs a protocol and a metaData action")
    func missingActions() throws {
        let fixture = try TableFixture()
        try fixture.commit(0, [try TableFixture.metadata(Self.schema)])
        #expect(throws: DeltaError.missingAction(table: fixture.root, version: 0, action: "protocol")) {
            try Snapshot.load(table: fixture.root)
        }
        try fixture.commit(0, [TableFixture.protocol12])
        #expect(throws: DeltaError.missingAction(table: fixture.root, version: 0, action: "metaData")) {
            try Snapshot.load(table: fixture.root)
        }
    }

    @Test("a corrupt commit names the file and the line")
    func corruptCommit() throws {
        let fixture = try TableFixture()
        try Self.threeVersions(fixture)
        try fixture.writeLog(TableFixture.fileName(3), #"{"txn":{"appId":"a","version":1}}"# + "\n{\"add\":{\"path\"\n")
        let path = fixture.logPath + "/" + TableFixture.fileName(3)
        #expect(
            throws: DeltaError.corruptLog(
                path: path, line: 2, offset: 48, reason: "expected ':' after the key \"path\"")
        ) {
            try Snapshot.load(table: fixture.root)
        }
        let message = "\(DeltaError.corruptLog(path: path, line: 2, offset: 43, reason: "x"))"
        #expect(message == "\(path) is corrupt at line 2, byte 43: x")
    }

    @Test("refuses reader features lake does not implement, naming the table and the feature")
    func readerFeatures() throws {
        let fixture = try TableFixture()
        func open(_ protocolAction: ProtocolAction, configuration: [String: String] = [:]) throws -> Snapshot {
            try fixture.commit(
                0, [.protocol(protocolAction), try TableFixture.metadata(Self.schema, configuration: configuration)])
            return try Snapshot.load(table: fixture.root)
        }
        #expect(throws: DeltaError.unsupportedFeature(table: fixture.root, feature: "deletionVectors")) {
            try open(
                ProtocolAction(
                    minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["timestampNtz", "deletionVectors"]))
        }
        #expect(throws: DeltaError.unsupportedFeature(table: fixture.root, feature: "someFutureFeature")) {
            try open(ProtocolAction(minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["someFutureFeature"]))
        }
        #expect(throws: DeltaError.unsupportedFeature(table: fixture.root, feature: "columnMapping")) {
            try open(
                ProtocolAction(minReaderVersion: 2, minWriterVersion: 5),
                configuration: ["delta.columnMapping.mode": "name"])
        }
        #expect(throws: DeltaError.unsupportedReaderVersion(table: fixture.root, version: 4)) {
            try open(ProtocolAction(minReaderVersion: 4, minWriterVersion: 7))
        }
        let message = "\(DeltaError.unsupportedFeature(table: fixture.root, feature: "deletionVectors"))"
        #expect(message == "\(fixture.root) uses unsupported table feature deletionVectors")
        // Supported: timestampNtz, vacuumProtocolCheck, v2Checkpoint; writer-only features; reader 2 without mapping.
        let accepted = try open(
            ProtocolAction(
                minReaderVersion: 3, minWriterVersion: 7,
                readerFeatures: ["timestampNtz", "vacuumProtocolCheck", "v2Checkpoint"],
                writerFeatures: ["appendOnly", "inCommitTimestamp", "domainMetadata"]))
        #expect(accepted.protocolAction.minReaderVersion == 3)
        #expect(try open(ProtocolAction(minReaderVersion: 2, minWriterVersion: 5)).version == 0)
    }

    @Test("time travel by timestamp uses monotonic file times")
    func timeTravelByFileTime() throws {
        let fixture = try TableFixture()
        try Self.threeVersions(fixture)
        let times: [Int64] = [1_000_000, 2_000_000, 1_500_000]  // v2 is older on disk than v1
        for (version, time) in times.enumerated() {
            try fixture.setModificationTime(fixture.logPath + "/" + TableFixture.fileName(Int64(version)), time)
        }
        let log = DeltaLog(tableRoot: fixture.root)
        #expect(try log.snapshot(asOf: 1_000_000).version == 0)
        #expect(try log.snapshot(asOf: 1_999_999).version == 0)
        #expect(try log.snapshot(asOf: 2_000_000).version == 1)
        #expect(try log.snapshot(asOf: 2_000_001).version == 2)  // 1_500_000 counts as 2_000_001
        #expect(try log.snapshot(asOf: 9_000_000).version == 2)
        #expect(try log.snapshot(version: 2).timestamp == 2_000_001)
        #expect(try log.snapshot(version: 0).timestamp == 1_000_000)
        #expect(throws: DeltaError.timestampBeforeHistory(table: fixture.root, requested: 999_999, earliest: 1_000_000))
        {
            try log.snapshot(asOf: 999_999)
        }
    }

    @Test("time travel by timestamp uses in-commit timestamps when the table enables them")
    func timeTravelByInCommitTimestamp() throws {
        let fixture = try TableFixture()
        let configuration = ["delta.enableInCommitTimestamps": "true", "delta.inCommitTimestampEnablementVersion": "1"]
        try fixture.commit(
            0, [TableFixture.protocol12, try TableFixture.metadata(Self.schema)], modificationTime: 5_000)
        for version: Int64 in 1...4 {
            let info = CommitInfo(members: [
                ("inCommitTimestamp", .integer(version * 100_000)), ("operation", .string("WRITE")),
            ])
            var actions: [Action] = [.commitInfo(info), TableFixture.add("f\(version)")]
            if version == 1 { actions.append(try TableFixture.metadata(Self.schema, configuration: configuration)) }
            try fixture.commit(version, actions, modificationTime: 9_999_999)
        }
        let log = DeltaLog(tableRoot: fixture.root)
        #expect(try log.snapshot(version: 3).timestamp == 300_000)
        #expect(try log.snapshot(version: 0).timestamp == 5_000)
        #expect(try log.snapshot(asOf: 250_000).version == 2)
        #expect(try log.snapshot(asOf: 99_999).version == 0)
        #expect(try log.snapshot(asOf: 400_000).version == 4)
    }

    @Test("an unreadable checkpoint falls back to an older start; incomplete multi-part checkpoints are ignored")
    func checkpointFallback() throws {
        let fixture = try TableFixture()
        try Self.threeVersions(fixture)
        try fixture.writeLog(TableFixture.fileName(1, "checkpoint.parquet"), "not parquet")
        try fixture.writeLog(TableFixture.fileName(2, "checkpoint.0000000001.0000000002.parquet"), "part 1 of 2")
        try fixture.writeLog("_last_checkpoint", #"{"version":2,"size":3,"parts":2}"#)
        let listing = try DeltaLog(tableRoot: fixture.root).listing()
        #expect(listing.checkpoints.map(\.version) == [1])
        let snapshot = try Snapshot.load(table: fixture.root)
        #expect(snapshot.files.map(\.path) == ["b", "c"])
        #expect(snapshot.checkpointVersion == nil)
        // Without commit 0 the broken checkpoint is the only way in: its error is reported.
        try FileManager.default.removeItem(atPath: fixture.logPath + "/" + TableFixture.fileName(0))
        #expect {
            try Snapshot.load(table: fixture.root)
        } throws: { error in
            guard case DeltaError.parquet(let parquet) = error else { return false }
            return "\(parquet)".contains("checkpoint.parquet")
        }
    }

    @Test("classifies log file names")
    func fileNames() {
        #expect(LogFileName("00000000000000000010.json")?.kind == .commit)
        #expect(LogFileName("00000000000000000010.json")?.version == 10)
        #expect(LogFileName("00000000000000000010.checkpoint.parquet")?.kind == .classicCheckpoint)
        #expect(
            LogFileName("00000000000000000010.checkpoint.0000000002.0000000003.parquet")?.kind
                == .checkpointPart(part: 2, count: 3))
        #expect(
            LogFileName("00000000000000000002.checkpoint.e8fa2696-9728-4e9c-b285-634743fdd4fb.parquet")?.kind
                == .v2Checkpoint(isJSON: false))
        #expect(
            LogFileName("00000000000000000002.checkpoint.e8fa2696-9728-4e9c-b285-634743fdd4fb.json")?.kind
                == .v2Checkpoint(isJSON: true))
        for ignored in [
            "00000000000000000010.crc", "00000000000000000004.00000000000000000006.compacted.json", "_last_checkpoint",
            ".00000000000000000010.json.tmp", "0000000000000000010.json", "00000000000000000010.json.tmp",
            "00000000000000000010.checkpoint.0000000004.0000000003.parquet",
        ] {
            #expect(LogFileName(ignored) == nil, "\(ignored)")
        }
    }

    /// 1000 commits without a checkpoint: the worst case of JSON-only replay. Prints the open time.
    @Test("opens a table of 1000 commits")
    func thousandCommits() throws {
        let fixture = try TableFixture()
        let schema = Schema([Field("id", .int64), Field("day", .date)])
        try fixture.commit(0, [TableFixture.protocol12, try TableFixture.metadata(schema, partitionColumns: ["day"])])
        for version: Int64 in 1...999 {
            let add = AddFile(
                path: "day=2024-01-01/part-\(version).parquet", partitionValues: ["day": "2024-01-01"], size: 1000,
                modificationTime: 1_700_000_000_000,
                stats:
                    #"{"numRecords":10,"minValues":{"id":\#(version)},"maxValues":{"id":\#(version + 9)},"nullCount":{"id":0}}"#
            )
            var actions: [Action] = [
                .commitInfo(CommitInfo(timestamp: 1_700_000_000_000 + version, operation: "WRITE", engineInfo: "lake")),
                .add(add),
            ]
            if version % 10 == 0 { actions.append(TableFixture.remove("day=2024-01-01/part-\(version - 5).parquet")) }
            try fixture.commit(version, actions)
        }
        let clock = ContinuousClock()
        var snapshot: Snapshot?
        let elapsed = try clock.measure { snapshot = try Snapshot.load(table: fixture.root) }
        #expect(snapshot?.version == 999)
        #expect(snapshot?.files.count == 999 - 99)
        print("1000-commit table opened in \(elapsed)")
    }
}
