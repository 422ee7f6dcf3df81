import Foundation
import LakeColumnar
import LakeParquet
import Testing

@testable import LakeDelta

/// Checkpoints lake writes: replay from them equals replay from the JSON commits, commits after them
/// replay on top, `_last_checkpoint` points at them, nothing temporary is left behind.
@Suite("Checkpoint writer")
struct CheckpointWriterTests {
    /// A fixed "now" for expiry decisions: 2026-01-01T00:00:00Z.
    static let now: Int64 = 1_767_225_600_000
    static let day: Int64 = 86_400_000

    static let schema = Schema([
        Field("id", .int64), Field("name", .string), Field("region", .string),
        Field("point", .struct([Field("x", .float64), Field("y", .float64)])),
        Field("tags", .list(Field("element", .string))),
        Field("attributes", .map(key: Field("key", .string, isNullable: false), value: Field("value", .int32))),
    ])

    /// A table with every kind of state: metadata with name, description, creation time, a nested
    /// schema and properties; partitioned files with stats, tags and null or escaped partition values;
    /// recent and expired tombstones; txns with and without `lastUpdated`; domain metadata; commitInfo.
    static func richTable(_ fixture: TableFixture, configuration: [String: String] = [:]) throws {
        var config = ["delta.appendOnly": "false", "owner.team": "data eng", "delta.checkpointInterval": "3"]
        config.merge(configuration) { $1 }
        let metadata = TableMetadata(
            id: "5f0c3a8e-0d8e-4b4c-9a54-2b0e6c1d7f00", name: "events", description: "nested \"metadata\" ✓",
            format: TableMetadata.FileFormat(provider: "parquet", options: ["compression": "zstd"]),
            schemaString: try DeltaSchema(schema).jsonString, partitionColumns: ["region"], configuration: config,
            createdTime: now - 30 * day)
        func add(_ path: String, _ region: String?, records: Int, tags: [String: String?]? = nil) -> Action {
            .add(
                AddFile(
                    path: path, partitionValues: ["region": region], size: Int64(1000 + records),
                    modificationTime: now - 20 * day + Int64(records), dataChange: true,
                    stats: #"{"numRecords":\#(records),"minValues":{"id":0},"maxValues":{"id":\#(records)},"#
                        + #""nullCount":{"id":0}}"#,
                    tags: tags))
        }
        try fixture.commit(
            0,
            [
                .commitInfo(CommitInfo(timestamp: now - 20 * day, operation: "CREATE TABLE")),
                .protocol(ProtocolAction(minReaderVersion: 1, minWriterVersion: 2)), .metadata(metadata),
                add("region=eu%20west%2F1/part-00000-a.parquet", "eu west/1", records: 10, tags: ["origin": "x"]),
                add("region=__HIVE_DEFAULT_PARTITION__/part-00000-b.parquet", nil, records: 20),
                add("region=us%3Deast%252/part-00000-c.parquet", "us=east%2", records: 30),
            ])
        try fixture.commit(
            1,
            [
                add("region=plain/part-00001-d.parquet", "plain", records: 40, tags: ["empty": nil]),
                .txn(TransactionAction(appId: "ingest-job", version: 1, lastUpdated: now - 10 * day)),
                .txn(TransactionAction(appId: "legacy-job", version: 9)),
            ])
        try fixture.commit(
            2,
            [
                // Recent: kept. Expired (older than a week): dropped. No timestamp: dropped (Delta's rule).
                .remove(
                    RemoveFile(
                        path: "region=eu%20west%2F1/part-00000-a.parquet", deletionTimestamp: now - day,
                        dataChange: true,
                        extendedFileMetadata: true, partitionValues: ["region": "eu west/1"], size: 1010)),
                .remove(RemoveFile(path: "gone-long-ago.parquet", deletionTimestamp: now - 8 * day, dataChange: true)),
                .remove(RemoveFile(path: "gone-without-time.parquet", dataChange: false)),
                .domainMetadata(
                    DomainMetadata(domain: "delta.clustering", configuration: #"{"c":["id"]}"#, removed: false)),
                .domainMetadata(DomainMetadata(domain: "lake.test", configuration: "", removed: false)),
            ])
        try fixture.commit(
            3,
            [
                .txn(TransactionAction(appId: "ingest-job", version: 2, lastUpdated: now - 2 * day)),
                .domainMetadata(DomainMetadata(domain: "lake.test", configuration: "", removed: true)),
                add("region=plain/part-00003-e.parquet", "plain", records: 50),
                .remove(
                    RemoveFile(
                        path: "region=plain/part-00001-d.parquet", deletionTimestamp: now - 3 * day, dataChange: false,
                        extendedFileMetadata: true, partitionValues: ["region": "plain"], size: 1040,
                        tags: ["empty": nil])),
            ])
    }

    /// Checks that `actual` (replayed from a checkpoint) holds the state of `expected` (replayed from
    /// JSON), with the tombstones that expire at ``now`` left out.
    static func expectSameState(
        _ actual: Snapshot, _ expected: Snapshot, retention: Int64 = 7 * day,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(actual.version == expected.version, sourceLocation: sourceLocation)
        #expect(actual.protocolAction == expected.protocolAction, sourceLocation: sourceLocation)
        #expect(actual.metadata == expected.metadata, sourceLocation: sourceLocation)
        #expect(actual.schema == expected.schema, sourceLocation: sourceLocation)
        #expect(actual.files == expected.files, sourceLocation: sourceLocation)
        let kept = expected.tombstones.filter { ($0.deletionTimestamp ?? 0) > now - retention }
        #expect(actual.tombstones == kept, sourceLocation: sourceLocation)
        #expect(actual.transactions == expected.transactions, sourceLocation: sourceLocation)
        #expect(actual.domainMetadata == expected.domainMetadata, sourceLocation: sourceLocation)
    }

    static func logEntries(_ fixture: TableFixture) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: fixture.logPath).sorted()
    }

    @Test("replay from the checkpoint equals replay from the JSON commits")
    func roundTrip() async throws {
        let fixture = try TableFixture()
        try Self.richTable(fixture)
        let log = DeltaLog(tableRoot: fixture.root)
        let fromJSON = try log.snapshot()
        #expect(fromJSON.tombstones.count == 4)

        let summary = try await CheckpointWriter.write(snapshot: fromJSON, now: Self.now)
        #expect(summary.version == 3)
        #expect(summary.path == fixture.logPath + "/00000000000000000003.checkpoint.parquet")
        #expect(summary.addFileCount == 3)
        #expect(summary.tombstoneCount == 2 && summary.expiredTombstoneCount == 2)
        #expect(summary.transactionCount == 2 && summary.domainMetadataCount == 1)
        #expect(summary.actionCount == 2 + 2 + 1 + 3 + 2)
        #expect(Int64(FileManager.default.fileSize(summary.path)) == summary.sizeInBytes)

        let fromCheckpoint = try log.snapshot()
        #expect(fromCheckpoint.checkpointVersion == 3)
        Self.expectSameState(fromCheckpoint, fromJSON)
        #expect(fromCheckpoint.rowCountFromStatistics == Int64(20 + 30 + 50))

        // Only the checkpoint can serve once the commits before it are gone.
        for version: Int64 in 0...3 {
            try FileManager.default.removeItem(atPath: fixture.logPath + "/" + TableFixture.fileName(version))
        }
        let onlyCheckpoint = try DeltaLog(tableRoot: fixture.root).snapshot()
        #expect(onlyCheckpoint.checkpointVersion == 3)
        Self.expectSameState(onlyCheckpoint, fromJSON)
        #expect(try Self.logEntries(fixture) == ["00000000000000000003.checkpoint.parquet", "_last_checkpoint"])
    }

    @Test("the file has the columns and types Delta readers expect, snappy-compressed, one row per action")
    func fileLayout() async throws {
        let fixture = try TableFixture()
        try Self.richTable(fixture)
        let summary = try await DeltaLog(tableRoot: fixture.root).checkpoint(now: Self.now)
        let reader = try ParquetFileReader(path: summary.path)
        #expect(reader.schema == CheckpointSchema.schema)
        #expect(reader.rowCount == summary.actionCount)
        #expect(reader.schema.fields.map(\.name) == ["protocol", "metaData", "txn", "add", "remove", "domainMetadata"])
        let inspection = try reader.inspection()
        for group in inspection.rowGroups {
            for chunk in group.chunks { #expect(chunk.codec == "SNAPPY", "\(chunk.path)") }
        }
        // Each row holds exactly one action.
        let batch = try reader.readRowGroup(0, columns: nil)
        for row in 0..<batch.rowCount {
            #expect(batch.columns.filter { $0.isValid(row) }.count == 1, "row \(row)")
        }
        guard case .struct(let add) = batch.column(named: "add") else {
            Issue.record("no add column")
            return
        }
        let paths = add.children[0]
        let encoded = (0..<batch.rowCount).compactMap { StructReader.string(paths, $0) }
        #expect(encoded.contains("region=us%253Deast%25252/part-00000-c.parquet"))
    }

    @Test("a commit after the checkpoint replays on top of it")
    func commitAfterCheckpoint() async throws {
        let fixture = try TableFixture()
        try Self.richTable(fixture)
        let log = DeltaLog(tableRoot: fixture.root)
        try fixture.commit(
            4,
            [
                .add(
                    AddFile(
                        path: "region=plain/part-00004-f.parquet", partitionValues: ["region": "plain"], size: 7,
                        modificationTime: Self.now, stats: #"{"numRecords":5}"#)),
                .remove(
                    RemoveFile(path: "region=plain/part-00003-e.parquet", deletionTimestamp: Self.now, dataChange: true)
                ),
                .txn(TransactionAction(appId: "legacy-job", version: 10)),
                TableFixture.protocol12,
            ])
        let expected3 = try log.snapshot(version: 3)
        let expected4 = try log.snapshot(version: 4)
        try await log.checkpoint(version: 3, now: Self.now)
        let actual4 = try log.snapshot()
        #expect(actual4.checkpointVersion == 3)
        Self.expectSameState(actual4, expected4)
        #expect(
            actual4.files.map(\.path) == [
                // Log order: the checkpoint's files, then commit 4's add.
                "region=__HIVE_DEFAULT_PARTITION__/part-00000-b.parquet", "region=us%3Deast%252/part-00000-c.parquet",
                "region=plain/part-00004-f.parquet",
            ])
        #expect(actual4.transactionVersion(appId: "legacy-job") == 10)
        Self.expectSameState(try log.snapshot(version: 3), expected3)
        // Time travel before the checkpoint still replays the JSON commits.
        #expect(try log.snapshot(version: 2).checkpointVersion == nil)
    }

    @Test("_last_checkpoint names the newest checkpoint and never moves back")
    func lastCheckpoint() async throws {
        let fixture = try TableFixture()
        try Self.richTable(fixture)
        let log = DeltaLog(tableRoot: fixture.root)
        #expect(try log.lastCheckpoint() == nil)
        let summary = try await log.checkpoint(version: 3, now: Self.now)
        let hint = try #require(try log.lastCheckpoint())
        #expect(
            hint
                == LastCheckpoint(
                    version: 3, size: Int64(summary.actionCount), sizeInBytes: summary.sizeInBytes,
                    numOfAddFiles: 3))
        let text = try String(contentsOfFile: fixture.logPath + "/_last_checkpoint", encoding: .utf8)
        #expect(text == #"{"version":3,"size":10,"sizeInBytes":\#(summary.sizeInBytes),"numOfAddFiles":3}"#)

        try await log.checkpoint(version: 1, now: Self.now)
        #expect(try log.lastCheckpoint()?.version == 3)
        #expect(try log.listing().checkpoints.map(\.version) == [1, 3])
        // Writing the same version again replaces the file with the same content.
        let again = try await log.checkpoint(version: 3, now: Self.now)
        #expect(again.sizeInBytes == summary.sizeInBytes)
        // A corrupt hint is reported when asked for, and replaced by the next checkpoint.
        try fixture.writeLog("_last_checkpoint", "{not json")
        #expect(throws: DeltaError.self) { try log.lastCheckpoint() }
        try await log.checkpoint(version: 1, now: Self.now)
        #expect(try log.lastCheckpoint()?.version == 1)
    }

    @Test("no temporary file is left behind, on success or failure")
    func noTemporaryFiles() async throws {
        let fixture = try TableFixture()
        try Self.richTable(fixture)
        let log = DeltaLog(tableRoot: fixture.root)
        // The final name is taken by a non-empty directory: the rename fails after the file was written.
        let blocker = fixture.logPath + "/00000000000000000002.checkpoint.parquet"
        try FileManager.default.createDirectory(atPath: blocker + "/inside", withIntermediateDirectories: true)
        await #expect(throws: DeltaError.self) { try await log.checkpoint(version: 2, now: Self.now) }
        #expect(try Self.logEntries(fixture).allSatisfy { !$0.hasPrefix(".") })
        #expect(try log.lastCheckpoint() == nil)
        try FileManager.default.removeItem(atPath: blocker)

        // A malformed retention property fails before anything is written.
        let bad = try TableFixture()
        try Self.richTable(bad, configuration: ["delta.deletedFileRetentionDuration": "interval 1 month"])
        await #expect(
            throws: DeltaError.invalidTableProperty(
                table: bad.root, key: "delta.deletedFileRetentionDuration", value: "interval 1 month",
                expected: "an interval such as 'interval 7 days' (units: weeks, days, hours, minutes, seconds, "
                    + "milliseconds, microseconds)")
        ) { try await DeltaLog(tableRoot: bad.root).checkpoint(now: Self.now) }
        #expect(try Self.logEntries(bad) == (0...3).map { TableFixture.fileName($0) })

        try await log.checkpoint(now: Self.now)
        #expect(try Self.logEntries(fixture).allSatisfy { !$0.hasPrefix(".") })
    }

    @Test("the retention properties decide which tombstones and txns stay")
    func retention() async throws {
        let fixture = try TableFixture()
        try Self.richTable(
            fixture,
            configuration: [
                "delta.deletedFileRetentionDuration": "interval 2 days",
                "delta.setTransactionRetentionDuration": "interval 5 days",
            ])
        let log = DeltaLog(tableRoot: fixture.root)
        let fromJSON = try log.snapshot()
        let summary = try await log.checkpoint(now: Self.now)
        #expect(summary.tombstoneCount == 1 && summary.expiredTombstoneCount == 3)
        let fromCheckpoint = try log.snapshot()
        #expect(fromCheckpoint.tombstones.map(\.path) == ["region=eu%20west%2F1/part-00000-a.parquet"])
        // ingest-job was updated 2 days ago (kept); legacy-job records no time, so it never expires.
        #expect(Set(fromCheckpoint.transactions.keys) == ["ingest-job", "legacy-job"])
        #expect(fromCheckpoint.files == fromJSON.files)
    }

    @Test("tables with data: partitioned and not, nested columns; scans read the same rows")
    func scansAfterCheckpoint() async throws {
        for partitioned in [false, true] {
            let fixture = try TableFixture("scans\(partitioned)")
            let dataSchema = Schema(Self.schema.fields.filter { !partitioned || $0.name != "region" })
            var actions: [Action] = [
                TableFixture.protocol12,
                try TableFixture.metadata(Self.schema, partitionColumns: partitioned ? ["region"] : []),
            ]
            for file in 0..<3 {
                let batch = Self.nestedBatch(first: Int64(file * 4), count: 4, schema: dataSchema)
                let region = ["eu west/1", "us", nil][file]
                let directory =
                    partitioned
                    ? "region=" + (region.map(DeltaPath.escapePartitionValue) ?? "__HIVE_DEFAULT_PARTITION__") + "/"
                    : ""
                actions.append(
                    .add(
                        try await fixture.dataFile(
                            directory + "part-\(file).parquet", batch,
                            partitionValues: partitioned ? ["region": region] : [:])))
            }
            try fixture.commit(0, actions)
            let log = DeltaLog(tableRoot: fixture.root)
            let expected = try await TableScan(snapshot: try log.snapshot()).read()
            try await log.checkpoint(now: Self.now)
            try FileManager.default.removeItem(atPath: fixture.logPath + "/" + TableFixture.fileName(0))
            let snapshot = try log.snapshot()
            #expect(snapshot.checkpointVersion == 0)
            let actual = try await TableScan(snapshot: snapshot).read()
            #expect(TableScanTests.rows(actual) == TableScanTests.rows(expected))
            #expect(actual.reduce(0) { $0 + $1.rowCount } == 12)
        }
    }

    static func nestedBatch(first: Int64, count: Int, schema: Schema) -> RecordBatch {
        let ids = (0..<count).map { first + Int64($0) }
        var columns: [Column] = []
        for field in schema.fields {
            switch field.name {
            case "id": columns.append(.int64(PrimitiveColumn(values: ContiguousArray(ids))))
            case "name": columns.append(.string(StringColumn(ids.map { $0 % 3 == 0 ? nil : "n\($0)" })))
            case "region": columns.append(.string(StringColumn(ids.map { _ in "inline" })))
            case "point":
                columns.append(
                    .struct(
                        StructColumn(
                            fields: [Field("x", .float64), Field("y", .float64)],
                            children: [
                                .float64(PrimitiveColumn(values: ContiguousArray(ids.map { Double($0) / 2 }))),
                                .float64(PrimitiveColumn(values: ContiguousArray(ids.map { -Double($0) }))),
                            ], count: count)))
            case "tags":
                var offsets: ContiguousArray<Int32> = [0]
                var values: [String?] = []
                for id in ids {
                    for tag in 0..<Int(id % 3) { values.append("t\(tag)") }
                    offsets.append(Int32(values.count))
                }
                columns.append(
                    .list(
                        ListColumn(
                            element: Field("element", .string), offsets: offsets,
                            elements: .string(StringColumn(values)))))
            default:
                var offsets: ContiguousArray<Int32> = [0]
                var keys: [String?] = []
                var values: [Int32] = []
                for id in ids {
                    if id % 2 == 0 {
                        keys.append("k\(id)")
                        values.append(Int32(id))
                    }
                    offsets.append(Int32(keys.count))
                }
                columns.append(
                    .map(
                        MapColumn(
                            key: Field("key", .string, isNullable: false), value: Field("value", .int32),
                            offsets: offsets, keys: .string(StringColumn(keys)),
                            values: .int32(PrimitiveColumn(values: ContiguousArray(values))))))
            }
        }
        return RecordBatch(schema: schema, columns: columns)
    }

    @Test("tens of thousands of files: batches of 8192 rows, every file and its stats survive")
    func manyFiles() async throws {
        let fixture = try TableFixture()
        let count = 20_000
        var actions: [Action] = [
            TableFixture.protocol12, try TableFixture.metadata(Self.schema, partitionColumns: ["region"]),
        ]
        actions.reserveCapacity(count + 2)
        for index in 0..<count {
            actions.append(
                .add(
                    AddFile(
                        path: "region=r\(index % 37)/part-\(index)-0f0e0d0c.zstd.parquet",
                        partitionValues: ["region": "r\(index % 37)"], size: Int64(index), modificationTime: Self.now,
                        stats: #"{"numRecords":\#(index),"minValues":{"id":\#(index)},"maxValues":{"id":\#(index)}}"#)))
        }
        try fixture.commit(0, actions)
        for version in 1...3 {
            try fixture.commit(
                Int64(version),
                [
                    .remove(
                        RemoveFile(
                            path: "region=r\(version % 37)/part-\(version)-0f0e0d0c.zstd.parquet",
                            deletionTimestamp: Self.now - Int64(version)))
                ])
        }
        let log = DeltaLog(tableRoot: fixture.root)
        let fromJSON = try log.snapshot()
        let content = try CheckpointContent(fromJSON, now: Self.now)
        let ranges = content.batchRanges()
        #expect(ranges.count == 3 && ranges.map(\.count).max() == CheckpointWriter.rowsPerBatch)
        let clock = ContinuousClock()
        let start = clock.now
        let summary = try await CheckpointWriter.write(snapshot: fromJSON, now: Self.now)
        let elapsed = clock.now - start
        #expect(summary.addFileCount == count - 3 && summary.tombstoneCount == 3)
        let fromCheckpoint = try log.snapshot()
        Self.expectSameState(fromCheckpoint, fromJSON)
        print("checkpoint of \(count - 3) files: \(elapsed), \(summary.sizeInBytes) bytes")
    }

    @Test("deletion vectors, row tracking and clustering fields survive the checkpoint")
    func fileIdentityFields() async throws {
        let fixture = try TableFixture()
        try fixture.commit(0, [TableFixture.protocol12, try TableFixture.metadata(Self.schema)])
        let base = try DeltaLog(tableRoot: fixture.root).snapshot()
        let vector = DeletionVectorDescriptor(
            storageType: "u", pathOrInlineDv: "ab^-aqEH.-t@S}K{vb[*k^", offset: 4, sizeInBytes: 40, cardinality: 6)
        var replay = LogReplay()
        replay.apply(.protocol(base.protocolAction))
        replay.apply(.metadata(base.metadata))
        replay.apply(
            .add(
                AddFile(
                    path: "a b.parquet", partitionValues: [:], size: 10, modificationTime: 5, dataChange: false,
                    stats: nil, tags: nil, deletionVector: vector, baseRowId: 100, defaultRowCommitVersion: 3,
                    clusteringProvider: "liquid")))
        replay.apply(
            .remove(
                RemoveFile(
                    path: "a b.parquet", deletionTimestamp: Self.now, dataChange: true, extendedFileMetadata: false,
                    partitionValues: [:], size: 10, tags: ["t": "v"], deletionVector: nil, baseRowId: 100,
                    defaultRowCommitVersion: 2)))
        let snapshot = Snapshot(
            tableRoot: fixture.root, version: 0, timestamp: 0, protocolAction: base.protocolAction,
            metadata: base.metadata, deltaSchema: base.deltaSchema, replay: replay, checkpointVersion: nil)
        let summary = try await CheckpointWriter.write(snapshot: snapshot, now: Self.now)
        var readBack = LogReplay()
        try CheckpointReader.readParquet(summary.path, into: &readBack)
        #expect(readBack.files == replay.files)
        #expect(readBack.tombstones == replay.tombstones)
    }

    @Test("checkpoints are due every delta.checkpointInterval commits")
    func due() throws {
        let metadata = TableMetadata(id: "t", schemaString: "{}")
        #expect(!DeltaLog.isCheckpointDue(after: 0, metadata: metadata))
        #expect(!DeltaLog.isCheckpointDue(after: 9, metadata: metadata))
        #expect(DeltaLog.isCheckpointDue(after: 10, metadata: metadata))
        #expect(DeltaLog.isCheckpointDue(after: 20, metadata: metadata))
        var every3 = metadata
        every3.configuration["delta.checkpointInterval"] = "3"
        #expect((1...9).filter { DeltaLog.isCheckpointDue(after: Int64($0), metadata: every3) } == [3, 6, 9])
        var broken = metadata
        broken.configuration["delta.checkpointInterval"] = "0"
        #expect(DeltaLog.isCheckpointDue(after: 10, metadata: broken))
        #expect(throws: DeltaError.self) { try TableProperties(broken, table: "t").checkpointInterval() }
    }

    @Test(
        "interval properties in Spark's syntax",
        arguments: [
            ("interval 1 week", 604_800_000), ("interval 7 days", 604_800_000), ("168 hours", 604_800_000),
            ("INTERVAL 1 DAY 12 HOURS", 129_600_000), ("interval 30 seconds", 30_000), ("interval 0 days", 0),
            ("interval 1500 microseconds", 1), ("interval 2 minutes 500 milliseconds", 120_500),
        ] as [(String, Int64)])
    func intervals(text: String, millis: Int64) {
        #expect(TableProperties.parseInterval(text) == millis)
    }

    @Test(
        "malformed intervals are refused",
        arguments: [
            "", "interval", "1 month", "interval 1 year", "7", "x days",
            "interval -1 days", "interval 1 fortnight",
        ])
    func badIntervals(text: String) {
        #expect(TableProperties.parseInterval(text) == nil)
    }
}

extension FileManager {
    fileprivate func fileSize(_ path: String) -> Int {
        ((try? attributesOfItem(atPath: path))?[.size] as? Int) ?? -1
    }
}
