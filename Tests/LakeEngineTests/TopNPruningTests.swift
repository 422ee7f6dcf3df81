import Foundation
import LakeColumnar
import LakeDelta
import LakeEngine
import LakeParquet
import Testing

/// ORDER BY … LIMIT skips row groups by a running bound (SPEC.md §8.4): the answers equal those of
/// the same query with the key hidden in an expression (which is never pruned), for ASC/DESC,
/// NULLS FIRST/LAST, NaN, ties and filters; and row groups are really skipped.
@Suite("Top-N row-group pruning")
struct TopNPruningTests {
    static let rows = 3_000

    /// A table `t(id, v, x)` of 30 row groups of 100 rows in several files: `v` double with NULLs
    /// and one NaN, `x` an integer with many ties.
    static func makeLake() async throws -> String {
        let root = NSTemporaryDirectory() + "lake-topn-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let ids = (0..<Int64(rows)).map { $0 }
        let values = ids.map { $0 == 1234 ? Double.nan : Double(($0 * 7919) % 1000) / 10 }
        let schema = Schema([Field("id", .int64), Field("v", .float64), Field("x", .int64)])
        let batch = RecordBatch(
            schema: schema,
            columns: [
                .int64(PrimitiveColumn(values: ContiguousArray(ids))),
                .float64(PrimitiveColumn(values: ContiguousArray(values), validity: ValidityBitmap(ids.map { $0 % 37 != 0 }))),
                .int64(PrimitiveColumn(values: ContiguousArray(ids.map { $0 % 50 }))),
            ], rowCount: rows)
        let input = root + "/input.parquet"
        let writer = try ParquetFileWriter(path: input, schema: schema)
        try await writer.write(batch)
        _ = try await writer.close()
        var options = TableWriteOptions(targetFileSize: 8 << 10)
        options.parquet.maxRowGroupRows = 100
        _ = try await FileIngest.run(
            tableRoot: root + "/t", inputs: [input], request: WriteRequest(options: options), threads: 1)
        return root
    }

    func rows(_ engine: QueryEngine, _ sql: String) async throws -> [[ScalarValue]] {
        let result = try #require(try await engine.run(sql).last)
        return result.batches.flatMap { batch in
            (0..<batch.rowCount).map { row in batch.columns.map { $0.scalar(at: row) } }
        }
    }

    @Test("answers equal the unpruned query's", arguments: [1, 2])
    func sameAnswers(threads: Int) async throws {
        let root = try await Self.makeLake()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let engine = QueryEngine(lakeRoot: root, threads: threads)
        let orders = [
            ("v DESC", "v + 0 DESC"), ("v", "v + 0"), ("v DESC NULLS LAST", "v + 0 DESC NULLS LAST"),
            ("v NULLS FIRST", "v + 0 NULLS FIRST"), ("x DESC", "x + 0 DESC"), ("x", "x + 0"), ("id DESC", "id + 0 DESC"),
        ]
        for (pruned, plain) in orders {
            for filter in ["", "WHERE id % 3 = 0"] {
                for limit in [1, 5, 40, 150] {
                    let a = try await rows(engine, "SELECT id, v FROM t \(filter) ORDER BY \(pruned), id LIMIT \(limit)")
                    let b = try await rows(engine, "SELECT id, v FROM t \(filter) ORDER BY \(plain), id LIMIT \(limit)")
                    #expect(a.count == limit)
                    #expect(a.map { "\($0)" } == b.map { "\($0)" }, "ORDER BY \(pruned) \(filter) LIMIT \(limit)")
                }
            }
        }
    }

    @Test("row groups whose statistics lie past the bound are not read")
    func skips() async throws {
        let root = try await Self.makeLake()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let engine = QueryEngine(lakeRoot: root, threads: 1)
        let plan = try await rows(engine, "EXPLAIN ANALYZE SELECT id FROM t ORDER BY id DESC LIMIT 5")
        let scan = try #require(plan.compactMap { row -> String? in
            if case .string(let text) = row[0], text.contains("SCAN t") { text } else { nil }
        }.first)
        // The last row group holds the answer; every other is skipped by its max(id).
        #expect(scan.contains("[rows=100 "), "\(scan)")
    }
}
