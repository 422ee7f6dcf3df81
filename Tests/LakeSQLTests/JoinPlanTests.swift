import LakeColumnar
import Testing

@testable import LakeSQL

/// Join ordering, subquery decorrelation and their errors (SPEC.md §8.7).
@Suite("Joins and subqueries in plans")
struct JoinPlanTests {
    func bind(_ sql: String) throws -> LogicalPlan {
        Optimizer.optimize(try bindWithTestCatalog(sql))
    }

    func error(_ sql: String) -> SQLError? {
        sqlError { _ = try bind(sql) }
    }

    /// The tables of the inner-join inputs, left to right.
    func leaves(_ plan: LogicalPlan) -> [String] {
        switch plan {
        case .scan(let table): [table.name]
        case .join(let left, let right, _, _, _, _, _), .extendedJoin(let left, let right, _, _, _, _, _):
            leaves(left) + leaves(right)
        case .filter(let input, _), .project(let input, _, _), .aggregate(let input, _, _, _), .sort(let input, _),
            .limit(let input, _, _), .distinct(let input), .window(let input, _, _):
            leaves(input)
        case .union(let inputs, _): inputs.flatMap(leaves)
        case .setOperation(_, _, let left, let right, _): leaves(left) + leaves(right)
        case .singleRow: []
        }
    }

    func contains(_ plan: LogicalPlan, _ kind: LogicalJoinKind) -> Bool {
        switch plan {
        case .extendedJoin(let left, let right, let k, _, _, _, _): k == kind || contains(left, kind) || contains(right, kind)
        case .join(let left, let right, _, _, _, _, _): contains(left, kind) || contains(right, kind)
        case .filter(let input, _), .project(let input, _, _), .aggregate(let input, _, _, _), .sort(let input, _),
            .limit(let input, _, _), .distinct(let input), .window(let input, _, _):
            contains(input, kind)
        case .union(let inputs, _): inputs.contains { contains($0, kind) }
        case .setOperation(_, _, let left, let right, _): contains(left, kind) || contains(right, kind)
        case .scan, .singleRow: false
        }
    }

    @Test("a chain of inner joins starts from the smallest input and follows the join keys")
    func greedyOrder() throws {
        let plan = try bind(
            "SELECT o1.order_id, p.name FROM orders o1, orders o2, people p WHERE o1.person_id = p.id AND o2.order_id = o1.order_id")
        let rows: JoinOrder.TableRows = { $0.name == "people" ? 100 : 1_000_000 }
        let reordered = JoinOrder.reorder(plan, rows: rows)
        #expect(leaves(reordered) == ["people", "orders", "orders"])
        #expect(reordered.schema.fields.map(\.name) == plan.schema.fields.map(\.name))
    }

    @Test("a correlated scalar subquery with an aggregate becomes a join with a per-key aggregate")
    func decorrelatedAggregate() throws {
        let plan = try bind(
            "SELECT p.id FROM people p WHERE p.balance > (SELECT 0.2 * avg(o.amount) FROM orders o WHERE o.person_id = p.id)")
        #expect(contains(plan, .single))
        guard case .project(let filter, _, _) = plan, case .filter(let join, _) = filter,
            case .extendedJoin(_, let right, .single, let leftKeys, let rightKeys, nil, _) = join
        else {
            Issue.record("unexpected plan")
            return
        }
        #expect(leftKeys.count == 1 && rightKeys.count == 1)
        guard case .project(let aggregate, _, _) = right, case .aggregate(_, let groups, _, _) = aggregate else {
            Issue.record("the subquery is not grouped")
            return
        }
        #expect(groups.count == 1)
    }

    @Test("EXISTS and IN conjuncts are semi/anti joins; NOT IN keeps NULL semantics")
    func semiJoins() throws {
        #expect(contains(try bind("SELECT id FROM people p WHERE EXISTS (SELECT 1 FROM orders o WHERE o.person_id = p.id)"), .semi))
        #expect(contains(try bind("SELECT id FROM people p WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.person_id = p.id)"), .anti))
        #expect(contains(try bind("SELECT id FROM people WHERE id IN (SELECT person_id FROM orders)"), .semi))
        #expect(contains(try bind("SELECT id FROM people WHERE id NOT IN (SELECT person_id FROM orders)"), .nullAwareMark))
    }

    @Test("unsupported subqueries and bad joins are errors at their position")
    func errors() throws {
        let nonEqui = error("SELECT p.id, (SELECT max(o.amount) FROM orders o WHERE o.person_id < p.id) FROM people p")
        #expect(nonEqui?.message.contains("only compare the outer query with '='") == true)
        #expect(nonEqui?.position.column == 68)
        let noCondition = error("SELECT * FROM people p RIGHT JOIN orders o WHERE 1 = 1")
        #expect(noCondition != nil, "\(String(describing: noCondition))")
        let twoColumns = error("SELECT id FROM people WHERE id IN (SELECT order_id, amount FROM orders)")
        #expect(twoColumns?.message.contains("exactly one column") == true)
        #expect(twoColumns?.position.column == 32)
        let having = error("SELECT count(*) FROM people ORDER BY (SELECT 1)")
        #expect(having?.message.contains("subqueries are only supported in WHERE and the select list") == true)
    }
}
