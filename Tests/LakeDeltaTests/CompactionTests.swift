import Foundation
import LakeColumnar
import LakeParquet
import Testing

@testable import LakeDelta

/// Bin-packing compaction (SPEC.md §7.6): rows unchanged, idempotent, safe against concurrent commits.
@Suite("Compaction")
struct CompactionTests {
    typealias Writes = TableWriteTests

    /// A table partitioned by region with `appends` small appends of 50 rows each.
    static func smallFiles(_ root: String, appends: Int = 6) async throws {
        for index in 0..<appends {
            _ = try await Writes.write(
                root, [Writes.batch(index * 50..<(index + 1) * 50)], WriteRequest(partitionColumns: ["region"]))
        }
    }

    static let request = CompactionRequest(targetFileSize: 1 << 20)

    @Test("small files merge per partition; rows, schema and partitions unchanged; dataChange=false; OPTIMIZE in history")
    func compacts() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/t"
        try await Self.smallFiles(root)
        let before = try Snapshot.load(table: root)
        #expect(before.files.count == 24)  // 6 appends × 4 partitions (null and "" share the default one)
        let rowsBefore = Writes.rowSet(try await Writes.read(root))
        let outcome = try await Compaction.run(tableRoot: root, request: Self.request)
        #expect(outcome.version == 6)
        #expect(outcome.filesRemoved == 24)
        #expect(outcome.filesAdded == 4)
        #expect(outcome.partitionsCompacted == 4)
        #expect(outcome.rowsRewritten == 300)
        let after = try Snapshot.load(table: root)
        #expect(after.files.count == 4)
        #expect(Set(after.files.map { $0.partitionValues }) == Set(before.files.map { $0.partitionValues }))
        #expect(Writes.rowSet(try await Writes.read(root)) == rowsBefore)
        // Time travel to before the compaction still reads the old files.
        #expect(Writes.rowSet(try await Writes.read(root, version: 5)) == rowsBefore)
        let path = root + "/_delta_log/00000000000000000006.json"
        let actions = try CommitFile.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))), path: path)
        for action in actions {
            switch action {
            case .add(let add): #expect(!add.dataChange)
            case .remove(let remove): #expect(!remove.dataChange)
            case .commitInfo(let info): #expect(info.operation == "OPTIMIZE")
            default: break
            }
        }
    }

    @Test("running it twice changes nothing the second time; files near the target are left alone")
    func idempotent() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/t"
        try await Self.smallFiles(root)
        _ = try await Compaction.run(tableRoot: root, request: Self.request)
        let second = try await Compaction.run(tableRoot: root, request: Self.request)
        #expect(second.version == nil)
        #expect(second.partitionsConsidered == 4)
        #expect(try Snapshot.load(table: root).version == 6)
        // A target under every file's size: all files are "near the target"; nothing to do.
        let fixture2 = try TableFixture()
        let root2 = fixture2.root + "/t"
        try await Self.smallFiles(root2)
        let tiny = try await Compaction.run(tableRoot: root2, request: CompactionRequest(targetFileSize: 100))
        #expect(tiny.version == nil)
    }

    @Test("rolling at the target: every output file but one per partition reaches the target")
    func rolls() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/t"
        for index in 0..<8 {
            _ = try await Writes.write(root, [Writes.batch(index * 2_000..<(index + 1) * 2_000, regions: ["eu"])])
        }
        let sizes = try Snapshot.load(table: root).files.map(\.size)
        let target = Int(sizes.reduce(0, +) / 3)
        let outcome = try await Compaction.run(tableRoot: root, request: CompactionRequest(targetFileSize: target))
        #expect(outcome.filesRemoved == 8)
        let after = try Snapshot.load(table: root).files.map(\.size)
        #expect(after.count >= 2)
        #expect(after.filter { $0 < Int64(target) }.count <= 1)
        #expect(try await Compaction.run(tableRoot: root, request: CompactionRequest(targetFileSize: target)).version == nil)
    }

    @Test("row groups are copied without decoding when they qualify: same rows, merged statistics, readable files")
    func copiesRowGroups() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/t"
        try await Self.smallFiles(root)
        let rowsBefore = Writes.rowSet(try await Writes.read(root))
        var request = Self.request
        request.copyRowGroupsOfAtLeast = 1
        let outcome = try await Compaction.run(tableRoot: root, request: request)
        #expect(outcome.filesRemoved == 24)
        #expect(outcome.rowGroupsCopied == 24)
        #expect(outcome.rowsRewritten == 300)
        let snapshot = try Snapshot.load(table: root)
        #expect(snapshot.files.count == 4)
        #expect(Writes.rowSet(try await Writes.read(root)) == rowsBefore)
        for file in snapshot.files {
            let text = try #require(file.stats)
            let stats = try #require(FileStatistics(json: text, schema: snapshot.schema))
            let reader = try ParquetFileReader(path: root + "/" + file.path)
            #expect(reader.rowGroupCount == 6)
            #expect(stats.numRecords == Int64(reader.rowCount))
            let ids = try (0..<reader.rowGroupCount).flatMap { group -> [Int64] in
                guard case .int64(let column) = try reader.readRowGroup(group).columns[0] else { return [] }
                return Array(column.values)
            }
            #expect(stats.column("id")?.min == .integer(ids.min()!))
            #expect(stats.column("id")?.max == .integer(ids.max()!))
            let notes = try (0..<reader.rowGroupCount).reduce(0) { total, group in
                total + (try reader.readRowGroup(group).column(named: "note")?.nullCount ?? 0)
            }
            #expect(stats.column("note")?.nullCount == Int64(notes))
        }
        // Small row groups are decoded and re-encoded instead (the default threshold).
        let fixture2 = try TableFixture()
        let root2 = fixture2.root + "/t"
        try await Self.smallFiles(root2)
        #expect(try await Compaction.run(tableRoot: root2, request: Self.request).rowGroupsCopied == 0)
    }

    @Test("a partition filter limits compaction to matching partitions")
    func filtered() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/t"
        try await Self.smallFiles(root)
        var request = Self.request
        request.partitionFilter = { $0["region"] == .some("eu") }
        let outcome = try await Compaction.run(tableRoot: root, request: request)
        #expect(outcome.partitionsCompacted == 1)
        #expect(outcome.filesRemoved == 6)
        #expect(try Snapshot.load(table: root).files.count == 19)
    }

    @Test("a stale compaction whose files another compaction removed fails with a conflict and leaves no files; rows never double")
    func competingCompactions() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/t"
        try await Self.smallFiles(root)
        let rows = Writes.rowSet(try await Writes.read(root))
        let stale = try Snapshot.load(table: root)
        _ = try await Compaction.run(tableRoot: root, request: Self.request)
        let dataFiles = try Self.dataFiles(root)
        let plan = Compaction.plan(stale.files, targetFileSize: 1 << 20, filter: nil)
        await #expect {
            _ = try await Compaction.rewrite(
                plan.groups, snapshot: stale, target: 1 << 20, request: Self.request,
                outcome: CompactionOutcome(readVersion: stale.version, targetFileSize: 1 << 20))
        } throws: { error in
            guard case DeltaError.conflict(_, _, let kind, _) = error else { return false }
            return kind == "ConcurrentDeleteRead" || kind == "ConcurrentDeleteDelete"
        }
        #expect(try Self.dataFiles(root) == dataFiles)  // the loser's files were deleted
        #expect(Writes.rowSet(try await Writes.read(root)) == rows)
        #expect(try Snapshot.load(table: root).version == 6)
    }

    @Test("an append that lands while compaction rewrites does not conflict: both commit, every row once")
    func appendDuringCompaction() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/t"
        try await Self.smallFiles(root)
        let stale = try Snapshot.load(table: root)
        _ = try await Writes.write(root, [Writes.batch(1_000..<1_050)])
        let plan = Compaction.plan(stale.files, targetFileSize: 1 << 20, filter: nil)
        let outcome = try await Compaction.rewrite(
            plan.groups, snapshot: stale, target: 1 << 20, request: Self.request,
            outcome: CompactionOutcome(readVersion: stale.version, targetFileSize: 1 << 20))
        #expect(outcome.version == 7)  // the append took version 6; checked, no conflict
        let ids = try await Writes.read(root).flatMap { batch -> [Int64] in
            guard case .int64(let column) = batch.columns[0] else { return [] }
            return Array(column.values)
        }
        #expect(ids.sorted() == (0..<300).map(Int64.init) + (1_000..<1_050).map(Int64.init))
    }

    @Test("lake.autoCompact.minFiles: an append that leaves a partition with that many small files compacts it, in its own commit")
    func autoCompaction() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/t"
        var request = WriteRequest(partitionColumns: ["region"])
        request.configuration = ["lake.autoCompact.minFiles": "3"]
        let regions: [String?] = ["eu", "us"]
        var outcomes: [WriteOutcome] = []
        for index in 0..<2 {
            outcomes.append(try await Writes.write(root, [Writes.batch(index * 10..<(index + 1) * 10, regions: regions)], request))
        }
        #expect(outcomes.allSatisfy { $0.autoCompaction == nil })
        // Only "eu" gets a third file: only it is compacted.
        let third = try await Writes.write(root, [Writes.batch(20..<25, regions: ["eu"])], request)
        let auto = try #require(third.autoCompaction)
        #expect(third.version == 2)
        #expect(auto.version == 3)
        #expect(auto.filesRemoved == 3 && auto.partitionsCompacted == 1)
        let snapshot = try Snapshot.load(table: root)
        #expect(snapshot.files.filter { $0.partitionValues["region"] == .some("eu") }.count == 1)
        #expect(snapshot.files.filter { $0.partitionValues["region"] == .some("us") }.count == 2)
        let history = try DeltaLog(tableRoot: root).history(limit: 1)
        #expect(history.first?.commitInfo?.operation == "OPTIMIZE")
        #expect(history.first?.commitInfo?.operationParameters?.first { $0.0 == "auto" }?.1.stringValue == "true")
        let ids = try await Writes.read(root).flatMap { batch -> [Int64] in
            guard case .int64(let column) = batch.columns[0] else { return [] }
            return Array(column.values)
        }
        #expect(ids.sorted() == (0..<25).map(Int64.init))
    }

    @Test("the target size comes from delta.targetFileSize, with k/m/g suffixes")
    func targetProperty() throws {
        #expect(TableProperties.parseByteCount("134217728") == 134_217_728)
        #expect(TableProperties.parseByteCount("64m") == 64 << 20)
        #expect(TableProperties.parseByteCount("1GB") == 1 << 30)
        #expect(TableProperties.parseByteCount("0") == nil)
        #expect(TableProperties.parseByteCount("ten") == nil)
        let metadata = TableMetadata(id: "x", schemaString: "{}", configuration: ["delta.targetFileSize": "2k"])
        #expect(try TableProperties(metadata, table: "t").targetFileSize() == 2048)
    }

    static func dataFiles(_ root: String) throws -> Set<String> {
        let enumerator = FileManager.default.enumerator(atPath: root)
        var files = Set<String>()
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".parquet") && !path.hasPrefix("_delta_log") { files.insert(path) }
        }
        return files
    }
}
