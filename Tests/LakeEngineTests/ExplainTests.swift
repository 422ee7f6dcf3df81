import LakeColumnar
import LakeEngine
import Testing

/// EXPLAIN shows files and row groups kept and skipped; EXPLAIN ANALYZE adds rows per operator.
@Suite("EXPLAIN")
struct ExplainTests {
    func lines(_ sql: String) async throws -> [String] {
        let root = try await SQLLogicTests.lake.root()
        let result = try #require(try await QueryEngine(lakeRoot: root, threads: 2).run(sql).last)
        return result.batches.flatMap { batch in (0..<batch.rowCount).map { batch.columns[0].scalar(at: $0) } }
            .compactMap { if case .string(let text) = $0 { text } else { nil } }
    }

    @Test("file statistics skip files whose min/max exclude the constant")
    func fileSkipping() async throws {
        let plan = try await lines("EXPLAIN SELECT name FROM core_people WHERE id = 100")
        #expect(plan.contains { $0.contains("SCAN core_people") && $0.contains("files: 0 kept, 1 skipped") }, "\(plan)")
        let kept = try await lines("EXPLAIN SELECT name FROM core_people WHERE id = 3")
        #expect(kept.contains { $0.contains("files: 1 kept, 0 skipped") }, "\(kept)")
    }

    @Test("projection pushdown reads only the columns used")
    func projection() async throws {
        let plan = try await lines("EXPLAIN SELECT count(*) FROM core_people WHERE age > 3")
        #expect(plan.contains { $0.contains("columns=[age]") }, "\(plan)")
    }

    @Test("EXPLAIN ANALYZE reports rows per operator")
    func analyze() async throws {
        let plan = try await lines("EXPLAIN ANALYZE SELECT id FROM core_people WHERE age > 30")
        #expect(plan.contains { $0.contains("FILTER") && $0.contains("rows=2") }, "\(plan)")
        #expect(plan.contains { $0.contains("SCAN") && $0.contains("rows=6") }, "\(plan)")
    }

    @Test("ORDER BY + LIMIT becomes top-N")
    func topN() async throws {
        let plan = try await lines("EXPLAIN SELECT id FROM core_people ORDER BY age DESC LIMIT 3")
        #expect(plan.contains { $0.contains("TOP_N 3") }, "\(plan)")
    }
}
