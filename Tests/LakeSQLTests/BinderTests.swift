import LakeColumnar
import Testing

@testable import LakeSQL

/// A catalog with two in-memory tables for binding tests.
struct TestCatalog: SQLCatalog {
    static let people = Schema([
        Field("id", .int64), Field("name", .string), Field("age", .int32), Field("balance", .decimal(precision: 10, scale: 2)),
        Field("born", .date),
    ])
    static let orders = Schema([Field("order_id", .int64), Field("person_id", .int64), Field("amount", .float64)])

    func table(_ source: SQLTableSource, timeTravel: TimeTravelSpec?) throws -> CatalogTable? {
        guard case .name(let name) = source else { return nil }
        switch name.name.text.lowercased() {
        case "people": return CatalogTable(name: "people", schema: Self.people, handle: 0)
        case "orders": return CatalogTable(name: "orders", schema: Self.orders, handle: 1)
        default: return nil
        }
    }

    func tableFunction(_ name: String, arguments: [ScalarValue]) throws -> CatalogTable? { nil }
}

/// `sql` bound against ``TestCatalog``.
func bindWithTestCatalog(_ sql: String) throws -> LogicalPlan {
    try Binder(catalog: TestCatalog()).bind(try Parser.parseStatement(sql)).plan
}

/// The SQLError `body` throws, or `nil` when it throws none (or another error).
func sqlError(_ body: () throws -> Void) -> SQLError? {
    do {
        try body()
        return nil
    } catch let error as SQLError {
        return error
    } catch {
        return nil
    }
}

@Suite("Binder")
struct BinderTests {
    func bind(_ sql: String) throws -> LogicalPlan {
        try bindWithTestCatalog(sql)
    }

    func bindError(_ sql: String) -> SQLError? {
        sqlError { _ = try bind(sql) }
    }

    @Test("result types follow SQL widening", arguments: [
        ("SELECT 1", DataType.int32),
        ("SELECT 2147483648", .int64),
        ("SELECT 1.5", .decimal(precision: 2, scale: 1)),
        ("SELECT 1.5 * 2", .decimal(precision: 12, scale: 1)),
        ("SELECT 1.50 + 2", .decimal(precision: 13, scale: 2)),
        ("SELECT 7 / 2", .float64),
        ("SELECT age + id FROM people", .int64),
        ("SELECT balance * balance FROM people", .decimal(precision: 18, scale: 4)),
        ("SELECT sum(balance) FROM people", .decimal(precision: 38, scale: 2)),
        ("SELECT sum(age) FROM people", .int64),
        ("SELECT avg(age) FROM people", .float64),
        ("SELECT count(*) FROM people", .int64),
        ("SELECT min(name) FROM people", .string),
        ("SELECT born + INTERVAL '1' DAY FROM people", .timestampNTZ),
        ("SELECT born + 1 FROM people", .date),
        ("SELECT year(born) FROM people", .int64),
        ("SELECT CASE WHEN age > 1 THEN 1 ELSE 2.5 END FROM people", .decimal(precision: 11, scale: 1)),
        ("SELECT coalesce(age, id) FROM people", .int64),
        ("SELECT age + amount FROM people, orders", .float64),
    ])
    func types(sql: String, type: DataType) throws {
        let plan = try bind(sql)
        #expect(plan.schema.fields.first?.type == type, "\(sql)")
    }

    @Test("unknown column: position and the closest candidate")
    func unknownColumn() throws {
        let error = try #require(bindError("SELECT nme FROM people"))
        #expect(error.message == "column \"nme\" not found")
        #expect(error.position.line == 1 && error.position.column == 8)
        #expect(error.help == "did you mean \"name\"?")
        let far = try #require(bindError("SELECT\n  zzzzzz FROM people"))
        #expect(far.position.line == 2 && far.position.column == 3)
        #expect(far.help?.contains("\"born\"") == true)
    }

    @Test("errors name what is wrong", arguments: [
        ("SELECT * FROM nowhere", "table \"nowhere\" not found"),
        ("SELECT nosuch(1)", "function \"nosuch\" not found"),
        ("SELECT name, count(*) FROM people GROUP BY age", "must appear in the GROUP BY clause or be used in an aggregate function"),
        ("SELECT id FROM people, orders WHERE sum(age) > 1", "aggregate functions are not allowed in WHERE"),
        ("SELECT sum(count(*)) FROM people", "cannot be nested"),
        ("SELECT id FROM people p JOIN people q ON p.id = q.id", "ambiguous"),
        ("SELECT name + 1 FROM people", "does not apply"),
        ("SELECT * FROM people ORDER BY 9", "ORDER BY position 9"),
        ("SELECT lower(42)", "expects a string"),
        ("SELECT id FROM people WHERE age", "BOOLEAN"),
    ])
    func errors(sql: String, message: String) throws {
        let error = try #require(bindError(sql), "\(sql) should fail")
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test("GROUP BY by alias and ordinal, HAVING, hidden ORDER BY columns")
    func grouping() throws {
        let plan = try bind("SELECT age AS a, count(*) AS n FROM people GROUP BY a HAVING count(*) > 1 ORDER BY max(id)")
        #expect(plan.schema.fields.map(\.name) == ["a", "n"])
        _ = try bind("SELECT age, count(*) FROM people GROUP BY 1")
    }

    @Test("join keys are found in ON and in WHERE equalities")
    func joinKeys() throws {
        let plan = Optimizer.optimize(try bind("SELECT name FROM people, orders WHERE id = person_id AND age > 3"))
        func findJoin(_ plan: LogicalPlan) -> (Int, Bool)? {
            switch plan {
            case .join(let left, _, _, let keys, _, _, _):
                if case .filter = left { return (keys.count, true) }
                return (keys.count, false)
            case .project(let input, _, _), .filter(let input, _), .sort(let input, _), .limit(let input, _, _),
                .distinct(let input), .aggregate(let input, _, _, _):
                return findJoin(input)
            default: return nil
            }
        }
        let found = try #require(findJoin(plan))
        #expect(found.0 == 1)
        #expect(found.1, "age > 3 moves below the join")
    }
}
