import LakeColumnar
import LakeEngine
import Testing

/// EXPLAIN of window queries: a WINDOW line, and column pruning through the window node.
@Suite("Window plans")
struct WindowPlanTests {
    func lines(_ sql: String) async throws -> [String] {
        let root = try await SQLLogicTests.lake.root()
        let result = try #require(try await QueryEngine(lakeRoot: root, threads: 2).run(sql).last)
        return result.batches.flatMap { batch in (0..<batch.rowCount).map { batch.columns[0].scalar(at: $0) } }
            .compactMap { if case .string(let text) = $0 { text } else { nil } }
    }

    @Test("EXPLAIN shows the window and the scan reads only the columns used")
    func explain() async throws {
        let plan = try await lines(
            "EXPLAIN SELECT id, sum(age) OVER (PARTITION BY city ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM core_people")
        #expect(plan.contains { $0.contains("WINDOW") && $0.contains("sum(") && $0.contains("OVER (PARTITION BY") }, "\(plan)")
        #expect(plan.contains { $0.contains("SCAN core_people") && $0.contains("columns=[id, age, city]") }, "\(plan)")
    }

    @Test("EXPLAIN ANALYZE counts the window's rows")
    func analyze() async throws {
        let plan = try await lines(
            "EXPLAIN ANALYZE SELECT id FROM core_people QUALIFY row_number() OVER (PARTITION BY city ORDER BY id) = 1")
        #expect(plan.contains { $0.contains("WINDOW") && $0.contains("rows=6") }, "\(plan)")
    }
}
