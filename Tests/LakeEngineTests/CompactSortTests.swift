import Foundation
import LakeColumnar
import LakeDelta
import LakeEngine
import LakeParquet
import Testing

/// `lake compact --sort-by` (SPEC.md §2.10, §7.6).
@Suite("Compaction with sorting")
struct CompactSortTests {
    static let schema = Schema([Field("id", .int64, isNullable: false), Field("part", .string), Field("score", .float64)])

    static func batch(_ ids: [Int64], part: String) -> RecordBatch {
        RecordBatch(
            schema: schema,
            columns: [
                .int64(PrimitiveColumn(values: ContiguousArray(ids))), .string(StringColumn(ids.map { _ in part })),
                .float64(PrimitiveColumn(values: ContiguousArray(ids.map { Double($0 % 7) }))),
            ],
            rowCount: ids.count)
    }

    @Test("rewrites each partition sorted, tags the files, and a second run changes nothing")
    func sorts() async throws {
        let lake = FileManager.default.temporaryDirectory.path + "/lake-sort-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let root = lake + "/t"
        var generator = SystemRandomNumberGenerator()
        var all: [Int64] = []
        for round in 0..<5 {
            let ids = (0..<40).map { _ in Int64.random(in: 0..<1_000_000, using: &generator) }
            all += ids
            let session = try WriteSession(
                tableRoot: root, schema: Self.schema, request: WriteRequest(partitionColumns: ["part"]))
            try await session.write(Self.batch(ids, part: round % 2 == 0 ? "a" : "b"))
            _ = try await session.commit()
        }
        let location = try TableLocation.resolve(root, lakeRoot: lake)
        var request = CompactionRequest(targetFileSize: 1 << 20)
        request.sortColumns = ["id"]
        let report = try await TableCompaction.run(location, predicate: nil, request: request)
        #expect(report.outcome.filesRemoved == 5)
        #expect(report.outcome.filesAdded == 2)
        let snapshot = try Snapshot.load(table: root)
        var read: [Int64] = []
        for file in snapshot.files {
            #expect(file.tags?[Compaction.sortedByTag] == .some("id"))
            let reader = try ParquetFileReader(path: root + "/" + file.path)
            let ids = try (0..<reader.rowGroupCount).flatMap { group -> [Int64] in
                guard case .int64(let column) = try reader.readRowGroup(group).columns[0] else { return [] }
                return Array(column.values)
            }
            #expect(ids == ids.sorted())
            read += ids
        }
        #expect(read.sorted() == all.sorted())
        let again = try await TableCompaction.run(location, predicate: nil, request: request)
        #expect(again.outcome.version == nil)
        // An unknown sort column is refused before anything is written.
        request.sortColumns = ["nope"]
        await #expect(throws: DeltaError.self) { _ = try await TableCompaction.run(location, predicate: nil, request: request) }
    }

    @Test("--zorder-by clusters on two columns: each output file spans a narrower range of both than the table")
    func zOrders() async throws {
        let lake = FileManager.default.temporaryDirectory.path + "/lake-zorder-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let root = lake + "/t"
        let schema = Schema([Field("x", .int64, isNullable: false), Field("y", .int64, isNullable: false)])
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<4 {
            let xs = (0..<5_000).map { _ in Int64.random(in: 0..<1_000, using: &generator) }
            let ys = (0..<5_000).map { _ in Int64.random(in: 0..<1_000, using: &generator) }
            let batch = RecordBatch(
                schema: schema,
                columns: [.int64(PrimitiveColumn(values: ContiguousArray(xs))), .int64(PrimitiveColumn(values: ContiguousArray(ys)))],
                rowCount: 5_000)
            let session = try WriteSession(tableRoot: root, schema: schema, request: WriteRequest())
            try await session.write(batch)
            _ = try await session.commit()
        }
        let location = try TableLocation.resolve(root, lakeRoot: lake)
        let size = try Snapshot.load(table: root).files.reduce(0) { $0 + Int($1.size) }
        var request = CompactionRequest(targetFileSize: size / 4)
        request.sortColumns = ["x", "y"]
        request.zOrder = true
        let report = try await TableCompaction.run(location, predicate: nil, request: request)
        #expect(report.outcome.rowsRewritten == 20_000)
        let snapshot = try Snapshot.load(table: root)
        #expect(snapshot.files.count >= 3)
        for file in snapshot.files {
            #expect(file.tags?[Compaction.zOrderedByTag] == .some("x,y"))
            let text = try #require(file.stats)
            let stats = try #require(FileStatistics(json: text, schema: schema))
            guard case .integer(let xMin)? = stats.column("x")?.min, case .integer(let xMax)? = stats.column("x")?.max,
                case .integer(let yMin)? = stats.column("y")?.min, case .integer(let yMax)? = stats.column("y")?.max
            else {
                Issue.record("no bounds")
                continue
            }
            // A quarter of the rows along the curve covers about half of one axis; never the whole square.
            #expect((xMax - xMin) * (yMax - yMin) < 900 * 900)
        }
        #expect(try await TableCompaction.run(location, predicate: nil, request: request).outcome.version == nil)
    }
}

/// `OPTIMIZE` in SQL (SPEC.md §8.1).
@Suite("OPTIMIZE statement")
struct OptimizeStatementTests {
    @Test("OPTIMIZE t [WHERE partition filter] [ZORDER BY (…)] compacts and returns one row of metrics")
    func optimize() async throws {
        let lake = FileManager.default.temporaryDirectory.path + "/lake-optimize-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: lake) }
        for round in 0..<6 {
            let session = try WriteSession(
                tableRoot: lake + "/t", schema: CompactSortTests.schema, request: WriteRequest(partitionColumns: ["part"]))
            try await session.write(
                CompactSortTests.batch((0..<10).map { Int64(round * 10 + $0) }, part: round % 2 == 0 ? "a" : "b"))
            _ = try await session.commit()
        }
        let engine = QueryEngine(lakeRoot: lake, threads: 2)
        let first = try #require(try await engine.run("OPTIMIZE t WHERE part = 'a'").last)
        #expect(first.schema.fields.map(\.name).prefix(4) == ["table", "version", "files_removed", "files_added"])
        #expect(first.batches[0].columns[2].scalar(at: 0) == .integer(3))
        #expect(try Snapshot.load(table: lake + "/t").files.count == 4)
        let second = try #require(try await engine.run("optimize 't' zorder by (id, score)").last)
        _ = second
        #expect(try Snapshot.load(table: lake + "/t").files.count == 2)
        let none = try #require(try await engine.run("OPTIMIZE t").last)
        #expect(none.batches[0].columns[1].scalar(at: 0) == .null)
        await #expect(throws: EngineError.self) { _ = try await engine.run("OPTIMIZE t WHERE id > 3") }
        await #expect(throws: (any Error).self) { _ = try await engine.run("OPTIMIZE t ZORDER BY") }
        #expect(try Snapshot.load(table: lake + "/t").files.count == 2)
    }
}
