import Foundation
import LakeColumnar
import Testing

@testable import LakeDelta

/// T7 (corrupted logs) and T8 (path traversal) of `../shared/briefs/reliability.md` §4, on
/// tables lake wrote.
@Suite("Corrupt logs and hostile names")
struct HostileInputTests {
    typealias Writes = TableWriteTests

    /// A fresh two-version table.
    static func table(_ fixture: TableFixture) async throws -> String {
        let root = fixture.root + "/t"
        _ = try await Writes.write(root, [Writes.batch(0..<10)])
        _ = try await Writes.write(root, [Writes.batch(10..<20)])
        return root
    }

    /// Writes raw text as a file of `root`'s log.
    static func writeLog(_ root: String, _ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/_delta_log/" + name))
    }

    static func expectError(_ root: String, containing fragments: [String], sourceLocation: SourceLocation = #_sourceLocation)
        async
    {
        do {
            let batches = try await Writes.read(root)
            Issue.record("read \(batches.count) batches from a damaged table", sourceLocation: sourceLocation)
        } catch {
            let text = "\(error)"
            for fragment in fragments {
                #expect(text.contains(fragment), "\(text)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("T7: a truncated newest commit is an error naming the file and line, never a silent skip")
    func truncatedCommit() async throws {
        let fixture = try TableFixture()
        let root = try await Self.table(fixture)
        let path = root + "/_delta_log/" + Transaction.commitName(1)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        await Self.expectError(root, containing: [Transaction.commitName(1), "line"])
        // The earlier version is still readable.
        #expect(try Writes.rowSet(await Writes.read(root, version: 0)).count == 10)
    }

    @Test("T7: invalid JSON, a gap, an unknown reader feature and a missing data file are clear errors")
    func damagedLogs() async throws {
        do {
            let fixture = try TableFixture()
            let root = try await Self.table(fixture)
            try Self.writeLog(root, Transaction.commitName(2), "{\"add\":{\"path\":\n")
            await Self.expectError(root, containing: [Transaction.commitName(2)])
        }
        do {
            let fixture = try TableFixture()
            let root = try await Self.table(fixture)
            try FileManager.default.moveItem(
                atPath: root + "/_delta_log/" + Transaction.commitName(1),
                toPath: root + "/_delta_log/" + Transaction.commitName(2))
            await Self.expectError(root, containing: ["missing version 1"])
        }
        do {
            let fixture = try TableFixture()
            let root = try await Self.table(fixture)
            try Self.writeLog(root, 
                Transaction.commitName(2),
                #"{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["futureThing"],"writerFeatures":["futureThing"]}}"#
                    + "\n")
            await Self.expectError(root, containing: ["unsupported table feature futureThing"])
        }
        do {
            let fixture = try TableFixture()
            let root = try await Self.table(fixture)
            let snapshot = try Snapshot.load(table: root)
            try FileManager.default.removeItem(atPath: root + "/" + snapshot.files[0].path)
            await Self.expectError(root, containing: [snapshot.files[0].path, "missing"])
        }
    }

    @Test("T7: unknown actions are ignored; a stale _last_checkpoint and leftover temp files do not disturb readers")
    func harmlessLeftovers() async throws {
        let fixture = try TableFixture()
        let root = try await Self.table(fixture)
        try Self.writeLog(root, 
            Transaction.commitName(2), #"{"futureAction":{"x":1}}"# + "\n" + #"{"commitInfo":{"operation":"X"}}"# + "\n")
        try Self.writeLog(root, "_last_checkpoint", #"{"version":1,"size":3}"#)
        try Self.writeLog(root, ".00000000000000000003.json.abc.tmp", "garbage")
        try Self.writeLog(root, "00000000000000000003.json.tmp", "garbage")
        #expect(try Writes.rowSet(await Writes.read(root)).count == 20)
        #expect(try Snapshot.load(table: root).version == 2)
        // And writing goes on at the next version.
        #expect(try await Writes.write(root, [Writes.batch(20..<21)]).version == 3)
    }

    @Test("T7: lake refuses to write to a table with writer features it does not implement")
    func unknownWriterFeature() async throws {
        let fixture = try TableFixture()
        let root = try await Self.table(fixture)
        try Self.writeLog(root, 
            Transaction.commitName(2),
            #"{"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["rowTracking"]}}"# + "\n")
        #expect(try Writes.rowSet(await Writes.read(root)).count == 20)
        do {
            _ = try await Writes.write(root, [Writes.batch(0..<1)])
            Issue.record("wrote to a table with an unknown writer feature")
        } catch {
            #expect("\(error)".contains("rowTracking"))
        }
        #expect(try Snapshot.load(table: root).version == 2)
    }

    /// Every regular file under `directory`, as paths relative to it.
    static func allFiles(_ directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []).filter { path in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory)
            return exists && !isDirectory.boolValue
        }
    }

    @Test("T8: partition values that look like paths stay inside the table root and round-trip exactly")
    func pathTraversal() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/inner/table"
        let hostile: [String?] = [
            "../../etc", "a/b", "%2e%2e%2f", "=", "\n", "x\u{0}y", "..", ".", "/abs", "__HIVE_DEFAULT_PARTITION__x",
            "émoji 🎉", "back\\slash", "quote\"'", nil,
        ]
        let batch = Writes.batch(0..<hostile.count, regions: hostile)
        let before = Set(Self.allFiles(fixture.root))
        _ = try await Writes.write(root, [batch], WriteRequest(partitionColumns: ["region"]))
        let created = Set(Self.allFiles(fixture.root)).subtracting(before)
        #expect(!created.isEmpty)
        for path in created {
            #expect(path.hasPrefix("inner/table/"), "\(path) was created outside the table root")
            #expect(!path.split(separator: "/").contains(".."), "\(path)")
        }
        // 14 values, one directory each.
        let directories = Set(created.filter { $0.hasSuffix(".parquet") }.map { $0.split(separator: "/")[2] })
        #expect(directories.count == hostile.count)
        #expect(try Writes.rowSet(await Writes.read(root)) == Writes.rowSet([batch]))
        let snapshot = try Snapshot.load(table: root)
        let values = Set(snapshot.files.map { $0.partitionValues["region"] ?? nil })
        #expect(values == Set(hostile))
    }
}
