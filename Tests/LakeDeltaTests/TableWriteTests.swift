import Foundation
import LakeColumnar
import LakeParquet
import Testing

@testable import LakeDelta

/// Writes tables with ``WriteSession`` and reads them back through replay and scans.
@Suite("Table writes")
struct TableWriteTests {
    static let schema = Schema([
        Field("id", .int64, isNullable: false), Field("region", .string), Field("day", .date),
        Field("amount", .decimal(precision: 10, scale: 2)), Field("ts", .timestamp), Field("note", .string),
    ])

    static func batch(_ range: Range<Int>, regions: [String?] = ["eu", "us", nil, "a/b=c %", ""]) -> RecordBatch {
        let count = range.count
        let ids = ContiguousArray(range.map { Int64($0) })
        let region = StringColumn(range.map { regions[$0 % regions.count] })
        let days = ContiguousArray(range.map { Int32(19_700 + $0 % 3) })
        let amounts = ContiguousArray(range.map { Int64($0 * 101 - 5_000) })
        let ts = ContiguousArray(range.map { Int64(1_704_067_200_000_000 + $0 * 1_234_567) })
        let notes = StringColumn(range.map { $0 % 7 == 0 ? nil : String(repeating: "n\($0)-", count: 1 + $0 % 12) })
        return RecordBatch(
            schema: schema,
            columns: [
                .int64(PrimitiveColumn(values: ids)), .string(region), .date(PrimitiveColumn(values: days)),
                .decimal64(PrimitiveColumn(values: amounts), precision: 10, scale: 2),
                .timestamp(PrimitiveColumn(values: ts)), .string(notes),
            ],
            rowCount: count)
    }

    /// The rows of batches as sorted text, for comparing tables whatever their file order.
    static func rowSet(_ batches: [RecordBatch]) -> [String] {
        batches.flatMap { batch in
            (0..<batch.rowCount).map { row in
                batch.schema.fields.indices.map { "\(batch.columns[$0].scalar(at: row))" }.joined(separator: "|")
            }
        }.sorted()
    }

    static func read(_ root: String, version: Int64? = nil) async throws -> [RecordBatch] {
        let snapshot = try Snapshot.load(table: root, version: version)
        return try await TableScan(snapshot: snapshot).read(threads: 2)
    }

    static func write(
        _ root: String, _ batches: [RecordBatch], _ request: WriteRequest = WriteRequest()
    ) async throws -> WriteOutcome {
        let session = try WriteSession(tableRoot: root, schema: schema, request: request)
        for batch in batches { try await session.write(batch) }
        return try await session.commit()
    }

    @Test("an unpartitioned table reads back exactly, with stats, protocol and commitInfo")
    func unpartitioned() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/t"
        let outcome = try await Self.write(root, [Self.batch(0..<1000), Self.batch(1000..<1500)])
        #expect(outcome.version == 0 && outcome.filesAdded == 1 && outcome.rowsAdded == 1500)
        let snapshot = try Snapshot.load(table: root)
        #expect(snapshot.version == 0)
        #expect(snapshot.schema == Self.schema)
        #expect(snapshot.protocolAction == ProtocolAction(minReaderVersion: 1, minWriterVersion: 2))
        #expect(snapshot.rowCountFromStatistics == 1500)
        let file = try #require(snapshot.files.first)
        #expect(file.path.hasPrefix("part-00000-") && file.path.hasSuffix("-c000.zstd.parquet"))
        let stats = try #require(file.statistics(schema: Self.schema))
        #expect(stats.numRecords == 1500)
        #expect(stats.column("id")?.min == .integer(0) && stats.column("id")?.max == .integer(1499))
        #expect(stats.column("amount")?.min == .decimal(-5000, scale: 2))
        #expect(stats.column("note")?.nullCount == 215)
        #expect(try Self.rowSet(await Self.read(root)) == Self.rowSet([Self.batch(0..<1500)]))
        let log = try String(contentsOfFile: root + "/_delta_log/" + Transaction.commitName(0), encoding: .utf8)
        #expect(log.hasPrefix(#"{"commitInfo":{"timestamp":"#))
        #expect(log.contains(#""operation":"CREATE TABLE AS SELECT""#))
        #expect(log.contains(#""engineInfo":"lake/0.1.0""#))
    }

    @Test("partitions: Hive directories with escaped values, null and empty string as the default partition")
    func partitioned() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/parts"
        let request = WriteRequest(partitionColumns: ["region", "day"])
        let outcome = try await Self.write(root, [Self.batch(0..<600), Self.batch(600..<900)], request)
        // 4 region values (null and "" merge) × 3 days.
        #expect(outcome.filesAdded == 12)
        let snapshot = try Snapshot.load(table: root)
        #expect(snapshot.partitionColumns == ["region", "day"])
        let paths = Set(snapshot.files.map { $0.path.split(separator: "/").dropLast().joined(separator: "/") })
        #expect(paths.contains("region=eu/day=2023-12-09"))
        #expect(paths.contains("region=__HIVE_DEFAULT_PARTITION__/day=2023-12-11"))
        #expect(paths.contains("region=a%2Fb%3Dc %25/day=2023-12-10") || paths.contains("region=a%2Fb%3Dc%20%25/day=2023-12-10"))
        for file in snapshot.files {
            #expect(FileManager.default.fileExists(atPath: try TableScan(snapshot: snapshot).resolvedPath(of: file)))
            #expect(file.partitionValues.keys.sorted() == ["day", "region"])
        }
        let nullRegion = snapshot.files.filter { $0.partitionValues["region"] == .some(nil) }
        #expect(nullRegion.count == 3)
        // Empty strings read back as null, as in Spark and delta-rs.
        let expected = Self.batch(0..<900, regions: ["eu", "us", nil, "a/b=c %", nil])
        #expect(try Self.rowSet(await Self.read(root)) == Self.rowSet([expected]))
        // The log itself encodes the directory once more.
        let log = try String(contentsOfFile: root + "/_delta_log/" + Transaction.commitName(0), encoding: .utf8)
        #expect(log.contains("region=a%252Fb%253Dc"))
    }

    @Test("files roll at the target size; every file has exact row counts")
    func rolling() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/roll"
        var options = TableWriteOptions(targetFileSize: 40_000)
        options.parquet.maxRowGroupRows = 2_000
        let batches = (0..<10).map { Self.batch($0 * 2_000..<($0 + 1) * 2_000) }
        let outcome = try await Self.write(root, batches, WriteRequest(options: options))
        #expect(outcome.filesAdded > 2)
        let snapshot = try Snapshot.load(table: root)
        #expect(snapshot.files.count == outcome.filesAdded)
        #expect(snapshot.rowCountFromStatistics == 20_000)
        #expect(Set(snapshot.files.map(\.path)).count == snapshot.files.count)
        #expect(try Self.rowSet(await Self.read(root)) == Self.rowSet(batches))
    }

    @Test("append, overwrite and time travel; modes error and ignore")
    func modes() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/modes"
        _ = try await Self.write(root, [Self.batch(0..<10)])
        let appended = try await Self.write(root, [Self.batch(10..<20)])
        #expect(appended.version == 1)
        let overwritten = try await Self.write(root, [Self.batch(100..<105)], WriteRequest(mode: .overwrite))
        #expect(overwritten.version == 2 && overwritten.filesRemoved == 2)
        #expect(try Self.rowSet(await Self.read(root)) == Self.rowSet([Self.batch(100..<105)]))
        #expect(try Self.rowSet(await Self.read(root, version: 1)) == Self.rowSet([Self.batch(0..<20)]))
        await #expect(throws: DeltaError.tableExists(path: root)) {
            _ = try await Self.write(root, [Self.batch(0..<1)], WriteRequest(mode: .error))
        }
        let ignored = try await Self.write(root, [Self.batch(0..<1)], WriteRequest(mode: .ignore))
        #expect(ignored.version == nil && ignored.skipped != nil)
        #expect(try Snapshot.load(table: root).version == 2)
        let history = try String(contentsOfFile: root + "/_delta_log/" + Transaction.commitName(2), encoding: .utf8)
        #expect(history.contains(#""mode":"Overwrite""#) && history.contains(#""remove":{"#))
    }

    @Test("exactly once: a transaction version already applied commits nothing")
    func exactlyOnce() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/txn"
        let first = WriteRequest(transaction: (appId: "job", version: 1))
        #expect(try await Self.write(root, [Self.batch(0..<5)], first).version == 0)
        let again = try await Self.write(root, [Self.batch(0..<5)], first)
        #expect(again.version == nil && again.skipped?.contains("already committed version 1") == true)
        let next = WriteRequest(transaction: (appId: "job", version: 2))
        #expect(try await Self.write(root, [Self.batch(5..<10)], next).version == 1)
        #expect(try Snapshot.load(table: root).transactionVersion(appId: "job") == 2)
        #expect(try Self.rowSet(await Self.read(root)).count == 10)
        // No data file of the skipped write is left behind.
        let files = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasSuffix(".parquet") }
        #expect(files.count == 2)
    }

    @Test("schema mismatches name the column and both types; nothing is written")
    func schemaMismatch() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/schema"
        _ = try await Self.write(root, [Self.batch(0..<3)])
        var fields = Self.schema.fields
        fields[2] = Field("day", .string)
        do {
            _ = try WriteSession(tableRoot: root, schema: Schema(fields), request: WriteRequest())
            Issue.record("accepted a mismatching schema")
        } catch {
            #expect(error.description.contains("column 'day' is DATE in the table but STRING in the rows"))
        }
        await #expect(throws: DeltaError.self) {
            _ = try await Self.write(root, [Self.batch(0..<1)], WriteRequest(partitionColumns: ["region"]))
        }
        #expect(try Snapshot.load(table: root).version == 0)
    }

    @Test("a checkpoint follows every 10th commit; replay from it gives the same table")
    func checkpoints() async throws {
        let fixture = try TableFixture()
        let root = fixture.root + "/cp"
        var last: WriteOutcome?
        for index in 0..<12 {
            last = try await Self.write(root, [Self.batch(index * 5..<(index + 1) * 5)])
            #expect(last?.checkpointVersion == (index == 10 ? 10 : nil))
        }
        #expect(last?.version == 11)
        let log = try FileManager.default.contentsOfDirectory(atPath: root + "/_delta_log")
        #expect(log.contains("00000000000000000010.checkpoint.parquet") && log.contains("_last_checkpoint"))
        let snapshot = try Snapshot.load(table: root)
        #expect(snapshot.checkpointVersion == 10 && snapshot.files.count == 12)
        #expect(try Self.rowSet(await Self.read(root)) == Self.rowSet([Self.batch(0..<60)]))
    }
}
