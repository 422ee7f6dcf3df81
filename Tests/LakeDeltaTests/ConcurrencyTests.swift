import Foundation
import LakeColumnar
import Testing

@testable import LakeDelta

/// Optimistic concurrency: racing writers, and Delta's conflict rules (SPEC.md §7.3).
@Suite("Commits under concurrency")
struct ConcurrencyTests {
    typealias Writes = TableWriteTests

    @Test("8 writers × 10 appends from stale snapshots: 80 contiguous versions, every row exactly once")
    func racingAppends() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/race"
        _ = try await Writes.write(root, [Writes.batch(0..<1)])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for round in 0..<10 {
                        let start = 1 + (writer * 10 + round) * 3
                        let outcome = try await Writes.write(root, [Writes.batch(start..<start + 3)])
                        #expect(outcome.version != nil)
                    }
                }
            }
            try await group.waitForAll()
        }
        let snapshot = try Snapshot.load(table: root)
        #expect(snapshot.version == 80)
        let log = try FileManager.default.contentsOfDirectory(atPath: root + "/_delta_log")
        #expect(log.filter { $0.hasSuffix(".json") }.count == 81)
        #expect(log.allSatisfy { !$0.hasSuffix(".tmp") })
        let ids = try await Writes.read(root).flatMap { batch -> [Int64] in
            guard case .int64(let column) = batch.columns[0] else { return [] }
            return Array(column.values)
        }
        #expect(ids.sorted() == (0..<241).map(Int64.init))
    }

    /// Adds a file of rows `range` through the lower-level API and returns its add action.
    static func addFile(_ root: String, _ range: Range<Int>) async throws -> AddFile {
        let writer = try TableWriter(tableRoot: root, schema: Writes.schema, partitionColumns: [])
        try await writer.write(Writes.batch(range))
        return try #require(try await writer.finish().first)
    }

    static func remove(_ file: AddFile, dataChange: Bool) -> Action {
        .remove(RemoveFile(path: file.path, deletionTimestamp: 1, dataChange: dataChange, size: file.size))
    }

    @Test("two compactions of the same file: the second fails with ConcurrentDeleteDelete, rows never double")
    func doubleCompaction() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/compact"
        _ = try await Writes.write(root, [Writes.batch(0..<40)])
        let base = try Snapshot.load(table: root)
        let old = try #require(base.files.first)
        let first = try await Self.addFile(root, 0..<40)
        let second = try await Self.addFile(root, 0..<40)
        let compaction = CommitOperation(name: "OPTIMIZE")
        let winner = Transaction(tableRoot: root, snapshot: base, readSet: ReadSet(scope: .files([old.path])))
        #expect(try winner.commit([Self.remove(old, dataChange: false), .add(first)], operation: compaction).version == 1)
        let loser = Transaction(tableRoot: root, snapshot: base, readSet: ReadSet(scope: .files([old.path])))
        do {
            _ = try loser.commit([Self.remove(old, dataChange: false), .add(second)], operation: compaction)
            Issue.record("the second compaction committed")
        } catch {
            guard case .conflict(_, let version, let kind, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(version == 1 && kind == "ConcurrentDeleteDelete")
            #expect(error.description.contains("nothing was committed"))
        }
        #expect(try Writes.rowSet(await Writes.read(root)).count == 40)
    }

    @Test("a blind append and a compaction from the same snapshot both commit, in either order")
    func appendAndCompaction() async throws {
        for compactionFirst in [true, false] {
            let fixture = try TableFixture()
            let root = fixture.root + "/mix"
            _ = try await Writes.write(root, [Writes.batch(0..<10)])
            let base = try Snapshot.load(table: root)
            let old = try #require(base.files.first)
            let compacted = try await Self.addFile(root, 0..<10)
            let appended = try await Self.addFile(root, 10..<20)
            let compaction = Transaction(tableRoot: root, snapshot: base, readSet: ReadSet(scope: .files([old.path])))
            let append = Transaction(tableRoot: root, snapshot: base)
            let compactionActions: [Action] = [Self.remove(old, dataChange: false), .add(compacted)]
            if compactionFirst {
                _ = try compaction.commit(compactionActions, operation: CommitOperation(name: "OPTIMIZE"))
                #expect(try append.commit([.add(appended)], operation: CommitOperation(name: "WRITE")).version == 2)
            } else {
                _ = try append.commit([.add(appended)], operation: CommitOperation(name: "WRITE"))
                #expect(try compaction.commit(compactionActions, operation: CommitOperation(name: "OPTIMIZE")).version == 2)
            }
            #expect(try Writes.rowSet(await Writes.read(root)) == Writes.rowSet([Writes.batch(0..<20)]))
        }
    }

    @Test("a delete that read a file the winner compacted away fails with ConcurrentDeleteRead")
    func deleteAfterCompaction() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/delete"
        _ = try await Writes.write(root, [Writes.batch(0..<10)])
        _ = try await Writes.write(root, [Writes.batch(10..<20)])
        let base = try Snapshot.load(table: root)
        let files = base.files.sorted { $0.path < $1.path }
        let compacted = try await Self.addFile(root, 0..<20)
        let compaction = Transaction(tableRoot: root, snapshot: base, readSet: ReadSet(scope: .files(Set(files.map(\.path)))))
        _ = try compaction.commit(
            files.map { Self.remove($0, dataChange: false) } + [.add(compacted)], operation: CommitOperation(name: "OPTIMIZE"))
        let delete = Transaction(tableRoot: root, snapshot: base, readSet: ReadSet(scope: .wholeTable))
        #expect {
            _ = try delete.commit([Self.remove(files[0], dataChange: true)], operation: CommitOperation(name: "DELETE"))
        } throws: { error in
            if case .conflict(_, _, let kind, _) = error as! DeltaError { return kind == "ConcurrentDeleteDelete" || kind == "ConcurrentDeleteRead" }
            return false
        }
    }

    @Test("the same application transaction from two writers commits once")
    func duplicateTransaction() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/txn"
        _ = try await Writes.write(root, [Writes.batch(0..<1)])
        let request = WriteRequest(transaction: (appId: "stream", version: 7))
        let first = try WriteSession(tableRoot: root, schema: Writes.schema, request: request)
        let second = try WriteSession(tableRoot: root, schema: Writes.schema, request: request)
        try await first.write(Writes.batch(1..<4))
        try await second.write(Writes.batch(1..<4))
        #expect(try await first.commit().version == 1)
        await #expect {
            _ = try await second.commit()
        } throws: { error in
            if case .conflict(_, _, let kind, _) = error as! DeltaError { return kind == "ConcurrentTransaction" }
            return false
        }
        #expect(try Writes.rowSet(await Writes.read(root)).count == 4)
        // The loser's data files were deleted.
        let files = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasSuffix(".parquet") }
        #expect(files.count == 2)
    }

    @Test("a protocol change by another writer is a conflict; tables lake cannot write are refused")
    func protocolRules() async throws {
        #expect(throws: Never.self) {
            try Transaction.checkWritable(ProtocolAction(minReaderVersion: 1, minWriterVersion: 2), table: "t")
        }
        #expect(throws: DeltaError.self) {
            try Transaction.checkWritable(ProtocolAction(minReaderVersion: 1, minWriterVersion: 4), table: "t")
        }
        #expect(throws: DeltaError.self) {
            try Transaction.checkWritable(
                ProtocolAction(minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors"],
                    writerFeatures: ["deletionVectors", "appendOnly"]), table: "t")
        }
        let winner: [Action] = [.protocol(ProtocolAction(minReaderVersion: 1, minWriterVersion: 3))]
        #expect(throws: ConflictChecker.Conflict.self) {
            try ConflictChecker.check(ours: [], readSet: ReadSet(), winner: winner)
        }
    }

    @Test("a blind append that read the table 150 commits ago still commits, without spending retries")
    func staleAppend() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/stale"
        _ = try await Writes.write(root, [Writes.batch(0..<1)])
        let stale = try Snapshot.load(table: root)
        for index in 0..<150 {
            let add = AddFile(path: "other-\(index).parquet", size: 1, modificationTime: 0)
            _ = try Transaction(tableRoot: root, snapshot: try Snapshot.load(table: root))
                .commit([.add(add)], operation: CommitOperation(name: "WRITE"))
        }
        let ours = AddFile(path: "ours.parquet", size: 1, modificationTime: 0)
        let result = try Transaction(tableRoot: root, snapshot: stale).commit([.add(ours)], operation: CommitOperation(name: "WRITE"))
        #expect(result.version == 151 && result.retries == 0)
    }

    @Test("a table with TIMESTAMP_NTZ columns is created at protocol (3, 7) with the timestampNtz feature")
    func timestampNTZProtocol() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/ntz"
        let schema = Schema([Field("id", .int64), Field("local", .timestampNTZ)])
        let batch = RecordBatch(
            schema: schema,
            columns: [.int64(PrimitiveColumn(values: [1, 2])), .timestampNTZ(PrimitiveColumn(values: [0, 86_400_000_000]))])
        let session = try WriteSession(tableRoot: root, schema: schema, request: WriteRequest())
        try await session.write(batch)
        _ = try await session.commit()
        let snapshot = try Snapshot.load(table: root)
        #expect(
            snapshot.protocolAction
                == ProtocolAction(
                    minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["timestampNtz"],
                    writerFeatures: ["timestampNtz"]))
        // lake appends to its own NTZ tables.
        let again = try WriteSession(tableRoot: root, schema: schema, request: WriteRequest())
        try await again.write(batch)
        #expect(try await again.commit().version == 1)
        #expect(Transaction.protocolForNewTable(Writes.schema) == Transaction.writerProtocol)
    }
}
