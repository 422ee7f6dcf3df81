import LakeSQL
import Testing

@Suite("SQL parser")
struct ParserTests {
    /// (SQL, canonical form): the canonical form parenthesises every operator application.
    static let expressions: [(String, String)] = [
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("(1 + 2) * 3", "((1 + 2) * 3)"),
        ("a - b - c", "((a - b) - c)"),
        ("-a * b", "((-a) * b)"),
        ("a OR b AND NOT c", "(a OR (b AND (NOT c)))"),
        ("a = 1 AND b <> 2 OR c != 3", "(((a = 1) AND (b <> 2)) OR (c <> 3))"),
        ("a || b || 'x'", "((a || b) || 'x')"),
        ("x BETWEEN 1 AND 10 AND y", "((x BETWEEN 1 AND 10) AND y)"),
        ("x NOT BETWEEN a + 1 AND b", "(x NOT BETWEEN (a + 1) AND b)"),
        ("x IN (1, 2, 3)", "(x IN (1, 2, 3))"),
        ("x NOT IN ('a')", "(x NOT IN ('a'))"),
        ("name LIKE 'a%' ESCAPE '!'", "(name LIKE 'a%' ESCAPE '!')"),
        ("name NOT ILIKE '%X'", "(name NOT ILIKE '%X')"),
        ("a IS NULL OR b IS NOT NULL", "((a IS NULL) OR (b IS NOT NULL))"),
        ("a IS NOT DISTINCT FROM b", "(a IS NOT DISTINCT FROM b)"),
        ("flag IS TRUE", "(flag IS TRUE)"),
        ("t.a + \"Mixed Case\".b", "(t.a + \"Mixed Case\".b)"),
        ("'it''s'", "'it''s'"),
        ("1.5e3 + .5 + 7.", "((1.5e3 + .5) + 7.)"),
        ("CAST(x AS DECIMAL(10, 2))", "CAST(x AS DECIMAL(10, 2))"),
        ("x::bigint + 1", "(CAST(x AS BIGINT) + 1)"),
        ("TRY_CAST(s AS timestamp with time zone)", "TRY_CAST(s AS TIMESTAMP WITH TIME ZONE)"),
        ("CASE WHEN a > 0 THEN 'p' WHEN a < 0 THEN 'n' ELSE 'z' END", "CASE WHEN (a > 0) THEN 'p' WHEN (a < 0) THEN 'n' ELSE 'z' END"),
        ("CASE kind WHEN 1 THEN 'one' END", "CASE kind WHEN 1 THEN 'one' END"),
        ("count(*)", "count(*)"),
        ("count(DISTINCT user_id)", "count(DISTINCT user_id)"),
        ("sum(x) FILTER (WHERE x > 0)", "sum(x) FILTER (WHERE (x > 0))"),
        ("string_agg(name, ',' ORDER BY name DESC)", "string_agg(name, ',' ORDER BY name DESC)"),
        (
            "sum(x) OVER (PARTITION BY k ORDER BY t ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)",
            "sum(x) OVER (PARTITION BY k ORDER BY t ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)"
        ),
        ("row_number() OVER (ORDER BY t NULLS FIRST)", "row_number() OVER (ORDER BY t NULLS FIRST)"),
        ("avg(x) OVER (ROWS UNBOUNDED PRECEDING)", "avg(x) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"),
        ("EXTRACT(YEAR FROM ts)", "EXTRACT(year FROM ts)"),
        ("DATE '2024-01-05' + INTERVAL 3 DAY", "(DATE '2024-01-05' + INTERVAL '3' DAY)"),
        ("ts - INTERVAL '1 hour'", "(ts - INTERVAL '1 hour')"),
        ("TIMESTAMP '2024-01-01 10:00:00'", "TIMESTAMP '2024-01-01 10:00:00'"),
        ("EXISTS (SELECT 1) AND NOT EXISTS (SELECT 2)", "((EXISTS (SELECT 1)) AND (NOT EXISTS (SELECT 2)))"),
        ("x IN (SELECT id FROM t)", "(x IN (SELECT id FROM t))"),
        ("(SELECT max(v) FROM t) * 2", "((SELECT max(v) FROM t) * 2)"),
        ("a /* comment */ + -- line\n b", "(a + b)"),
        ("lower(\"Name\") = 'x'", "(lower(\"Name\") = 'x')"),
        ("date_trunc('month', ts)", "date_trunc('month', ts)"),
        ("coalesce(a, b, 0) % 7", "(coalesce(a, b, 0) % 7)"),
    ]

    @Test("expressions parse with SQL precedence", arguments: expressions)
    func expression(_ sql: String, _ expected: String) throws {
        let parsed = try Parser.parseExpression(sql)
        #expect(parsed.description == expected)
        // The canonical form parses back to the same canonical form.
        #expect(try Parser.parseExpression(parsed.description).description == expected)
    }

    static let queries: [(String, String)] = [
        ("select 1", "SELECT 1"),
        ("SELECT DISTINCT a, b AS bee, c cee FROM t", "SELECT DISTINCT a, b AS bee, c AS cee FROM t"),
        ("SELECT * EXCLUDE (a, b) FROM t", "SELECT * EXCLUDE (a, b) FROM t"),
        ("SELECT t.*, u.x FROM t, u", "SELECT t.*, u.x FROM t, u"),
        (
            "SELECT site, avg(temperature) FROM sensors WHERE ts >= DATE '2024-01-02' GROUP BY site HAVING count(*) > 10 ORDER BY 2 DESC NULLS LAST LIMIT 5 OFFSET 1",
            "SELECT site, avg(temperature) FROM sensors WHERE (ts >= DATE '2024-01-02') GROUP BY site HAVING (count(*) > 10) ORDER BY 2 DESC NULLS LAST LIMIT 5 OFFSET 1"
        ),
        ("SELECT * FROM 'data/events' VERSION AS OF 3", "SELECT * FROM 'data/events' VERSION AS OF 3"),
        (
            "SELECT * FROM events TIMESTAMP AS OF '2024-01-01T00:00:00Z' e",
            "SELECT * FROM events TIMESTAMP AS OF '2024-01-01T00:00:00Z' AS e"
        ),
        ("SELECT * FROM read_parquet('x/*.parquet') AS p", "SELECT * FROM read_parquet('x/*.parquet') AS p"),
        (
            "SELECT * FROM a JOIN b ON a.id = b.id LEFT OUTER JOIN c USING (k) CROSS JOIN d",
            "SELECT * FROM (((a INNER JOIN b ON (a.id = b.id)) LEFT JOIN c USING (k)) CROSS JOIN d)"
        ),
        ("SELECT * FROM a FULL JOIN b ON TRUE", "SELECT * FROM (a FULL JOIN b ON TRUE)"),
        ("SELECT x FROM (SELECT 1 AS x) AS s(y)", "SELECT x FROM (SELECT 1 AS x) AS s(y)"),
        ("SELECT 1 UNION SELECT 2 UNION ALL SELECT 3", "((SELECT 1 UNION SELECT 2) UNION ALL SELECT 3)"),
        ("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3", "(SELECT 1 UNION (SELECT 2 INTERSECT SELECT 3))"),
        ("SELECT 1 EXCEPT SELECT 2 ORDER BY 1", "(SELECT 1 EXCEPT SELECT 2) ORDER BY 1"),
        ("(SELECT 1 LIMIT 1) UNION ALL (SELECT 2)", "((SELECT 1 LIMIT 1) UNION ALL SELECT 2)"),
        (
            "WITH a AS (SELECT 1 AS x), b(y) AS (SELECT x FROM a) SELECT * FROM a, b",
            "WITH a AS (SELECT 1 AS x), b(y) AS (SELECT x FROM a) SELECT * FROM a, b"
        ),
        ("SELECT a, sum(b) FROM t GROUP BY ALL ORDER BY ALL DESC", "SELECT a, sum(b) FROM t GROUP BY ALL ORDER BY ALL DESC"),
        (
            "SELECT k, row_number() OVER (PARTITION BY k ORDER BY v) AS rn FROM t QUALIFY rn = 1",
            "SELECT k, row_number() OVER (PARTITION BY k ORDER BY v) AS rn FROM t QUALIFY (rn = 1)"
        ),
        ("SELECT 1 LIMIT 10, 5", "SELECT 1 LIMIT 5 OFFSET 10"),
    ]

    @Test("queries parse into the expected tree", arguments: queries)
    func query(_ sql: String, _ expected: String) throws {
        let statement = try Parser.parseStatement(sql)
        #expect(statement.description == expected)
        #expect(try Parser.parseStatement(statement.description).description == expected)
    }

    @Test("EXPLAIN and several statements")
    func statements() throws {
        let statements = try Parser.parseStatements("EXPLAIN SELECT 1; ; EXPLAIN ANALYZE SELECT 2;\nSELECT 3")
        #expect(statements.map(\.description) == ["EXPLAIN SELECT 1", "EXPLAIN ANALYZE SELECT 2", "SELECT 3"])
        #expect(try Parser.parseStatements("  -- nothing\n").isEmpty)
    }

    /// (SQL, message, line, column).
    static let errors: [(String, String, Int, Int)] = [
        ("SELECT", "expected an expression, found the end of the query", 1, 7),
        ("SELECT 1 +", "expected an expression, found the end of the query", 1, 11),
        ("SELECT a FROM", "expected a table name or a quoted path, found the end of the query", 1, 14),
        ("SELECT a\nFROM t WHERE", "expected an expression, found the end of the query", 2, 13),
        ("SELECT 'abc", "unterminated string: expected a closing quote", 1, 8),
        ("SELECT \"\"", "empty quoted identifier", 1, 8),
        ("SELECT 1 2", "expected \";\" or the end of the query, found 2", 1, 10),
        ("SELECT a FROM t JOIN u", "expected ON or USING after the joined table, found the end of the query", 1, 23),
        ("SELECT CASE END", "expected an expression, found \"END\"", 1, 13),
        ("SELECT CASE x END", "expected WHEN in CASE, found \"END\"", 1, 15),
        ("SELECT a IS 5", "expected NULL, TRUE, FALSE or DISTINCT FROM after IS, found 5", 1, 13),
        ("SELECT 12abc", "unexpected character after the number 12", 1, 10),
        ("SELECT é FROM t WHERE x = #", "unexpected character '#'", 1, 27),
        ("SELECT /* open", "unterminated /* comment: expected */", 1, 8),
        ("UPDATE t SET a = 1", "expected a statement (SELECT, WITH, EXPLAIN, OPTIMIZE or SET), found \"UPDATE\"", 1, 1),
        ("SELECT CAST(a AS DECIMAL(x))", "expected a number, found \"x\"", 1, 26),
        ("SELECT sum(x) OVER (ROWS 1)", "expected PRECEDING or FOLLOWING, found \")\"", 1, 27),
    ]

    @Test("errors name what was expected, what was found, and where", arguments: errors)
    func error(_ sql: String, _ message: String, _ line: Int, _ column: Int) {
        do {
            _ = try Parser.parseStatements(sql)
            Issue.record("parsed: \(sql)")
        } catch {
            #expect(error.message == message)
            #expect(error.position.line == line && error.position.column == column, "\(error.position)")
            #expect(error.excerpt?.hasSuffix("^") == true)
        }
    }

    @Test("the excerpt puts a caret under the offending token")
    func excerpt() {
        do {
            _ = try Parser.parseStatement("SELECT a,\n       b +\nFROM t")
            Issue.record("parsed")
        } catch {
            #expect(error.description == "expected an expression, found \"FROM\" at line 3, column 1\n  FROM t\n  ^")
        }
    }
}

@Suite("SQL parser on hostile input")
struct ParserHostileInputTests {
    @Test("deep nesting is an error, not a stack overflow")
    func deepNesting() throws {
        for piece in ["(", "-", "NOT ", "(SELECT "] {
            let sql = "SELECT " + String(repeating: piece, count: 100_000) + "1"
            #expect(throws: SQLError.self) { try Parser.parseStatement(sql) }
        }
        // Reasonable nesting still parses.
        _ = try Parser.parseStatement("SELECT " + String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100))
    }

    @Test("random token soup never traps")
    func tokenSoup() {
        let pieces = [
            "SELECT", "FROM", "WHERE", "(", ")", ",", "a", "1", "'x'", "+", "*", "AND", "JOIN", "ON", "GROUP", "BY",
            "ORDER", "CASE", "WHEN", "THEN", "END", "OVER", "PARTITION", "UNION", "::", "IN", "NOT", "BETWEEN", ";",
            "\"q\"", "1.5", "CAST", "AS", "INTERVAL", "EXISTS", "WITH", ".", "*", "LIMIT", "--", "/*", "'",
        ]
        var state: UInt64 = 0x5EED
        for _ in 0..<3000 {
            var words: [String] = []
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            for _ in 0..<(1 + Int(state >> 59)) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                words.append(pieces[Int(state >> 33) % pieces.count])
            }
            _ = try? Parser.parseStatements(words.joined(separator: " "))
        }
    }
}

