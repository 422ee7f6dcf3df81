import LakeColumnar
import Testing

@testable import LakeSQL

/// Binding of window functions, QUALIFY and named windows (SPEC.md §8.6).
@Suite("Window binding")
struct WindowBinderTests {
    func bind(_ sql: String) throws -> LogicalPlan {
        try bindWithTestCatalog(sql)
    }

    func error(_ sql: String) -> SQLError? {
        sqlError { _ = try bind(sql) }
    }

    /// The window nodes of a plan, top down.
    func windows(_ plan: LogicalPlan) -> [[BoundWindow]] {
        switch plan {
        case .window(let input, let windows, _): [windows] + self.windows(input)
        case .project(let input, _, _), .filter(let input, _), .sort(let input, _), .limit(let input, _, _),
            .distinct(let input), .aggregate(let input, _, _, _):
            self.windows(input)
        default: []
        }
    }

    @Test("one window node; equal calls are computed once; types follow the function")
    func windowNode() throws {
        let plan = try bind(
            "SELECT row_number() OVER (ORDER BY id), row_number() OVER (ORDER BY id), sum(age) OVER (), lag(name) OVER (ORDER BY id), avg(balance) OVER () FROM people"
        )
        let nodes = windows(plan)
        #expect(nodes.count == 1)
        #expect(nodes.first?.map(\.type) == [.int64, .int64, .string, .float64])
        #expect(plan.schema.fields.map(\.type) == [.int64, .int64, .int64, .string, .float64])
    }

    @Test("the default frame, and frames with offsets")
    func frames() throws {
        let plan = try bind(
            "SELECT sum(age) OVER (ORDER BY id), sum(age) OVER (ORDER BY age RANGE BETWEEN 5 PRECEDING AND 2 FOLLOWING), count(*) OVER (ORDER BY born RANGE INTERVAL 7 DAYS PRECEDING) FROM people"
        )
        let frames = windows(plan).first?.map(\.frame)
        #expect(frames?[0] == .default)
        #expect(frames?[1] == BoundWindowFrame(unit: .range, start: .preceding(.integer(5)), end: .following(.integer(2))))
        #expect(frames?[2] == BoundWindowFrame(unit: .range, start: .preceding(.integer(7)), end: .currentRow))
    }

    @Test("QUALIFY filters above the window node and may use select aliases")
    func qualify() throws {
        let plan = try bind("SELECT id, row_number() OVER (ORDER BY age) AS rn FROM people QUALIFY rn = 1")
        guard case .project(.filter(.window, _), _, _) = plan else {
            Issue.record("expected project(filter(window)), got \(plan)")
            return
        }
    }

    @Test("named windows resolve to their definitions")
    func namedWindows() throws {
        let named = try bind("SELECT rank() OVER w FROM people WINDOW w AS (PARTITION BY name ORDER BY age)")
        let inline = try bind("SELECT rank() OVER (PARTITION BY name ORDER BY age) FROM people")
        #expect(windows(named).first == windows(inline).first)
        let statement = try Parser.parseStatement("SELECT rank() OVER w FROM t WINDOW w AS (PARTITION BY a ORDER BY b)")
        #expect("\(statement)".contains("WINDOW w AS (PARTITION BY a ORDER BY b)"))
    }

    @Test(
        "errors name the construct and its position",
        arguments: [
            ("SELECT id FROM people WHERE row_number() OVER () > 1", "not allowed in WHERE", 29),
            ("SELECT count(*) FROM people GROUP BY rank() OVER (ORDER BY id)", "not allowed in GROUP BY", 38),
            ("SELECT nope() OVER () FROM people", "function \"nope\" not found", 8),
            ("SELECT sum(rank() OVER ()) OVER () FROM people", "cannot be nested", 12),
            ("SELECT sum(id) OVER (ROWS BETWEEN 'a' PRECEDING AND CURRENT ROW) FROM people", "non-negative integer", 35),
            ("SELECT sum(id) OVER (ORDER BY name RANGE 1 PRECEDING) FROM people", "numeric, DATE or TIMESTAMP", 42),
            ("SELECT ntile(0) OVER () FROM people", "greater than zero", 14),
            ("SELECT id FROM people QUALIFY id = 1", "QUALIFY needs a window function", 34),
            ("SELECT rank() OVER w FROM people", "window \"w\" not found", 8),
            ("SELECT rank() OVER w FROM people WINDOW w AS (v), v AS (w)", "cycle", 8),
        ])
    func errors(sql: String, message: String, column: Int) {
        let found = error(sql)
        #expect(found?.message.contains(message) == true, "\(String(describing: found))")
        #expect(found?.position.column == column, "\(String(describing: found))")
    }
}
