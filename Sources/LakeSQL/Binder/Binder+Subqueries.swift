import LakeColumnar

/// Subqueries in expressions, decorrelated into joins (SPEC.md §8.7).
///
/// Each subquery of a WHERE clause or select list is joined to the FROM plan before the clause is
/// bound, and the clause then reads the join's result column:
/// - `[NOT] EXISTS` and `IN` as WHERE conjuncts are SEMI/ANTI joins;
/// - `x [NOT] IN (SELECT y …)` elsewhere is a MARK_IN join (a BOOLEAN with SQL's NULL semantics);
///   correlated `x NOT IN` as a WHERE conjunct is an ANTI join matching `x = y OR x IS NULL OR
///   y IS NULL`;
/// - `EXISTS` elsewhere is a MARK join;
/// - a scalar subquery is a SINGLE join (an error when a row finds two matches); a correlated one
///   with aggregates is grouped by its correlation keys first, so it runs once per key, not once
///   per row.
/// A subquery is correlated when it does not bind alone: then the conjuncts of its WHERE that
/// read the enclosing query's columns become join conditions (equalities become hash keys).
extension Binder {
    /// Bound values of subquery expressions, by the subquery's position in the SQL text.
    typealias SubqueryValues = [SourcePosition: BoundExpression]

    /// A subquery bound alone, or split into its FROM (with its own WHERE conjuncts applied) and
    /// the conjuncts that read the enclosing query.
    enum BoundSubquery {
        case uncorrelated(LogicalPlan)
        case correlated(CorrelatedSubquery)
    }

    struct CorrelatedSubquery {
        /// The subquery's FROM with its uncorrelated WHERE conjuncts.
        var plan: LogicalPlan
        var innerScope: Scope
        /// Correlated conjuncts over inner ++ outer columns, with their SQL.
        var correlated: [(sql: SQLExpression, bound: BoundExpression)]
        var local: [SQLExpression]
        var select: SelectStatement
        var query: SQLQuery
    }

    // MARK: - AST helpers

    func conjunctsAST(_ expression: SQLExpression) -> [SQLExpression] {
        if case .binary(let left, .and, let right, _) = expression { return conjunctsAST(left) + conjunctsAST(right) }
        return [expression]
    }

    func andAST(_ expressions: [SQLExpression]) -> SQLExpression? {
        guard var result = expressions.first else { return nil }
        for next in expressions.dropFirst() { result = .binary(result, .and, next, result.position) }
        return result
    }

    /// The direct sub-expressions (not looking into subqueries).
    func children(_ expression: SQLExpression) -> [SQLExpression] {
        switch expression {
        case .literal, .column, .star, .interval, .exists, .subquery: return []
        case .unary(_, let operand, _), .isNull(let operand, _, _), .isBoolean(let operand, _, _, _),
            .cast(let operand, _, _, _), .extract(_, let operand, _), .inSubquery(let operand, _, _, _):
            return [operand]
        case .binary(let left, _, let right, _), .isDistinctFrom(let left, let right, _, _): return [left, right]
        case .between(let a, let b, let c, _, _): return [a, b, c]
        case .inList(let a, let list, _, _): return [a] + list
        case .like(let a, let b, let c, _, _, _): return [a, b] + (c.map { [$0] } ?? [])
        case .caseWhen(let operand, let branches, let otherwise, _):
            return (operand.map { [$0] } ?? []) + branches.flatMap { [$0.condition, $0.result] }
                + (otherwise.map { [$0] } ?? [])
        case .function(let call): return call.arguments + (call.filter.map { [$0] } ?? [])
        }
    }

    func containsSubquery(_ expression: SQLExpression) -> Bool {
        switch expression {
        case .exists, .subquery, .inSubquery: return true
        default: return children(expression).contains(where: containsSubquery)
        }
    }

    // MARK: - Binding a subquery

    /// Binds `query` alone; when a name is not found, again with the enclosing `outer` scope
    /// visible to its WHERE clause (a correlated subquery).
    func bindSubquery(_ query: SQLQuery, outer: Scope) throws -> BoundSubquery {
        do {
            return .uncorrelated(try bind(query).plan)
        } catch let error as SQLError where error.message.contains("not found") && !outer.columns.isEmpty {
            guard case .select(let select) = query.body, let condition = select.whereClause else {
                throw outsideWhere(error, outer)
            }
            var binder = self
            for cte in query.with { binder.ctes[cte.name.text.lowercased()] = cte.query }
            let (fromPlan, fromScope) = try binder.bindFrom(select.from)
            let innerCount = fromScope.columns.count
            let merged = Scope(columns: fromScope.columns + outer.columns, outerStart: innerCount)
            var local: [SQLExpression] = []
            var localBound: [BoundExpression] = []
            var correlated: [(sql: SQLExpression, bound: BoundExpression)] = []
            for conjunct in conjunctsAST(condition) {
                if containsSubquery(conjunct) {
                    throw SQLError("subqueries inside a correlated subquery are not supported yet", at: conjunct.position)
                }
                let bound = try binder.bindPredicate(conjunct, Context(scope: merged), clause: "WHERE")
                if bound.columns.contains(where: { $0 >= innerCount }) {
                    correlated.append((conjunct, bound))
                } else {
                    local.append(conjunct)
                    localBound.append(bound)
                }
            }
            // The outer reference was somewhere else (select list, GROUP BY …): not supported.
            guard !correlated.isEmpty else { throw outsideWhere(error, outer) }
            let plan = andAll(localBound).map { LogicalPlan.filter(fromPlan, $0) } ?? fromPlan
            return .correlated(
                CorrelatedSubquery(
                    plan: plan, innerScope: fromScope, correlated: correlated, local: local, select: select, query: query))
        }
    }

    /// `error` (an unknown column), reworded when the column belongs to the enclosing query: outer
    /// references are only supported in a subquery's WHERE clause.
    func outsideWhere(_ error: SQLError, _ outer: Scope) -> SQLError {
        let prefix = "column \""
        let suffix = "\" not found"
        guard error.message.hasPrefix(prefix), error.message.hasSuffix(suffix) else { return error }
        let text = String(error.message.dropFirst(prefix.count).dropLast(suffix.count))
        let name = SQLName(text.split(separator: ".").map { SQLIdentifier(String($0)) })
        guard (try? resolve(name, outer, position: error.position)) != nil else { return error }
        return SQLError(
            "the outer column \"\(text)\" is used outside the subquery's WHERE clause, which is not supported yet",
            at: error.position, help: "Move the comparison with the outer query into the subquery's WHERE clause.")
    }

    /// Splits correlated conjuncts (over inner ++ outer) into hash keys and a residual over
    /// outer ++ inner (the join's left ++ right).
    func correlationJoin(_ correlated: [BoundExpression], innerCount: Int, outerCount: Int)
        -> (leftKeys: [BoundExpression], rightKeys: [BoundExpression], residual: [BoundExpression])
    {
        var leftKeys: [BoundExpression] = []
        var rightKeys: [BoundExpression] = []
        var residual: [BoundExpression] = []
        for conjunct in correlated {
            let pair = conjunct.remapped { $0 < innerCount ? outerCount + $0 : $0 - innerCount }
            if case .call(.equal, let sides, _) = pair {
                let a = sides[0].columns
                let b = sides[1].columns
                if !a.isEmpty, !b.isEmpty, a.allSatisfy({ $0 < outerCount }), b.allSatisfy({ $0 >= outerCount }) {
                    leftKeys.append(sides[0])
                    rightKeys.append(sides[1].remapped { $0 - outerCount })
                    continue
                }
                if !a.isEmpty, !b.isEmpty, b.allSatisfy({ $0 < outerCount }), a.allSatisfy({ $0 >= outerCount }) {
                    leftKeys.append(sides[1])
                    rightKeys.append(sides[0].remapped { $0 - outerCount })
                    continue
                }
            }
            residual.append(pair)
        }
        return (leftKeys, rightKeys, residual)
    }

    func isPlainSelect(_ subquery: CorrelatedSubquery) -> Bool {
        let select = subquery.select
        return select.groupBy.isEmpty && !select.groupByAll && select.having == nil && !select.isDistinct
            && subquery.query.limit == nil && subquery.query.offset == nil
            && !select.items.contains { item in
                if case .expression(let expression, _) = item { return containsAggregate(expression) }
                return false
            }
    }

    // MARK: - WHERE

    /// Joins the subqueries of a WHERE clause to `plan`. Top-level `[NOT] EXISTS` and `IN`
    /// conjuncts become SEMI/ANTI joins and leave the predicate; the other subqueries become
    /// joins whose result columns the remaining predicate reads through `values`.
    func attachWhereSubqueries(_ condition: SQLExpression, _ plan: LogicalPlan, _ scope: Scope) throws
        -> (plan: LogicalPlan, scope: Scope, remaining: SQLExpression?, values: SubqueryValues)
    {
        var plan = plan
        var scope = scope
        var remaining: [SQLExpression] = []
        for conjunct in conjunctsAST(condition) {
            switch conjunct {
            case .exists(let query, let negated, let position):
                plan = try existsJoin(query, negated ? .anti : .semi, position, plan, scope)
            case .inSubquery(let operand, let query, let negated, let position) where !containsSubquery(operand):
                if let joined = try inJoinAsFilter(operand, query, negated: negated, position, plan, scope) {
                    plan = joined
                } else {
                    remaining.append(conjunct)
                }
            default:
                remaining.append(conjunct)
            }
        }
        var values: SubqueryValues = [:]
        for expression in remaining where containsSubquery(expression) {
            (plan, scope) = try attachExpressionSubqueries(expression, plan, scope, &values)
        }
        return (plan, scope, andAST(remaining), values)
    }

    /// `[NOT] EXISTS (…)` as a SEMI, ANTI or MARK join of `plan` with the subquery.
    func existsJoin(_ query: SQLQuery, _ kind: LogicalJoinKind, _ position: SourcePosition, _ plan: LogicalPlan, _ scope: Scope)
        throws -> LogicalPlan
    {
        let left = plan.schema.fields
        let schema = kind == .mark ? Schema(left + [Field("exists", .boolean)]) : Schema(left)
        switch try bindSubquery(query, outer: scope) {
        case .uncorrelated(let subquery):
            // Only whether a row exists matters.
            return .extendedJoin(
                plan, .limit(subquery, limit: 1, offset: 0), kind, leftKeys: [], rightKeys: [], residual: nil, schema)
        case .correlated(let subquery):
            guard isPlainSelect(subquery) else {
                throw SQLError(
                    "correlated EXISTS subqueries with aggregates, DISTINCT or LIMIT are not supported yet", at: position)
            }
            let join = correlationJoin(
                subquery.correlated.map(\.bound), innerCount: subquery.innerScope.columns.count, outerCount: left.count)
            return .extendedJoin(
                plan, subquery.plan, kind, leftKeys: join.leftKeys, rightKeys: join.rightKeys,
                residual: andAll(join.residual), schema)
        }
    }

    /// A correlated subquery's FROM with its single select item appended as the last column.
    func withItem(_ subquery: CorrelatedSubquery, _ position: SourcePosition, outer: Scope) throws
        -> (LogicalPlan, BoundExpression)
    {
        guard subquery.select.items.count == 1, case .expression(let item, _) = subquery.select.items[0] else {
            throw SQLError("the subquery must return exactly one column", at: position)
        }
        let value: BoundExpression
        do {
            value = try bindExpression(item, Context(scope: subquery.innerScope))
        } catch let error as SQLError {
            throw outsideWhere(error, outer)
        }
        let inner = subquery.innerScope.columns
        let expressions = inner.enumerated().map { BoundExpression.column($0.offset, $0.element.type) } + [value]
        let schema = Schema(inner.map { Field($0.name, $0.type) } + [Field("value", value.type)])
        return (.project(subquery.plan, expressions, schema), .column(inner.count, value.type))
    }

    /// `x [NOT] IN (SELECT …)` as a WHERE conjunct: a SEMI join (IN), an ANTI join (correlated
    /// NOT IN) or `nil` when it has to stay an expression (uncorrelated NOT IN: MARK_IN).
    func inJoinAsFilter(
        _ operand: SQLExpression, _ query: SQLQuery, negated: Bool, _ position: SourcePosition, _ plan: LogicalPlan,
        _ scope: Scope
    ) throws -> LogicalPlan? {
        let outerCount = scope.columns.count
        let x = try bindExpression(operand, Context(scope: scope))
        switch try bindSubquery(query, outer: scope) {
        case .uncorrelated(let subquery):
            if negated { return nil }
            let fields = subquery.schema.fields
            guard fields.count == 1 else {
                throw SQLError("the subquery must return exactly one column, not \(fields.count)", at: position)
            }
            let (xc, yc) = try coercePair(x, .column(0, fields[0].type), position)
            return .extendedJoin(plan, subquery, .semi, leftKeys: [xc], rightKeys: [yc], residual: nil, plan.schema)
        case .correlated(let subquery):
            guard isPlainSelect(subquery) else {
                throw SQLError("correlated IN subqueries with aggregates, DISTINCT or LIMIT are not supported yet", at: position)
            }
            let (right, y) = try withItem(subquery, position, outer: scope)
            var join = correlationJoin(
                subquery.correlated.map(\.bound), innerCount: subquery.innerScope.columns.count, outerCount: outerCount)
            let (xc, yc) = try coercePair(x, y, position)
            if negated {
                let yPair = yc.remapped { $0 + outerCount }
                join.residual.append(
                    .call(
                        .or,
                        [.call(.equal, [xc, yPair], .boolean), .call(.isNull, [xc], .boolean), .call(.isNull, [yPair], .boolean)],
                        .boolean))
            } else {
                join.leftKeys.append(xc)
                join.rightKeys.append(yc)
            }
            return .extendedJoin(
                plan, right, negated ? .anti : .semi, leftKeys: join.leftKeys, rightKeys: join.rightKeys,
                residual: andAll(join.residual), plan.schema)
        }
    }

    // MARK: - Subqueries inside expressions

    /// Joins every subquery inside `expression` to `plan` (MARK, MARK_IN or SINGLE joins) and
    /// records the value each stands for in `values`.
    func attachExpressionSubqueries(
        _ expression: SQLExpression, _ plan: LogicalPlan, _ scope: Scope, _ values: inout SubqueryValues
    ) throws -> (LogicalPlan, Scope) {
        var plan = plan
        var scope = scope
        switch expression {
        case .exists(let query, _, let position):
            plan = try existsJoin(query, .mark, position, plan, scope)
            values[position] = .column(scope.columns.count, .boolean)
            scope.columns.append(ScopeColumn(qualifier: nil, name: "__exists", type: .boolean, hidden: true))
            return (plan, scope)
        case .inSubquery(let operand, let query, _, let position):
            (plan, scope) = try attachExpressionSubqueries(operand, plan, scope, &values)
            var context = Context(scope: scope)
            context.subqueries = values
            let x = try bindExpression(operand, context)
            guard case .uncorrelated(let subquery) = try bindSubquery(query, outer: scope) else {
                throw SQLError(
                    "a correlated IN subquery is only supported as a WHERE condition (… AND x IN (SELECT …))",
                    at: position)
            }
            let fields = subquery.schema.fields
            guard fields.count == 1 else {
                throw SQLError("the subquery must return exactly one column, not \(fields.count)", at: position)
            }
            let (xc, yc) = try coercePair(x, .column(0, fields[0].type), position)
            plan = .extendedJoin(
                plan, subquery, .nullAwareMark, leftKeys: [xc], rightKeys: [yc], residual: nil,
                Schema(plan.schema.fields + [Field("in", .boolean)]))
            values[position] = .column(scope.columns.count, .boolean)
            scope.columns.append(ScopeColumn(qualifier: nil, name: "__in", type: .boolean, hidden: true))
            return (plan, scope)
        case .subquery(let query, let position):
            return try scalarJoin(query, position, plan, scope, &values)
        default:
            for child in children(expression) where containsSubquery(child) {
                (plan, scope) = try attachExpressionSubqueries(child, plan, scope, &values)
            }
            return (plan, scope)
        }
    }

    /// A scalar subquery as a SINGLE join; correlated ones must compare the outer query by
    /// equalities only, and are grouped by those keys when they aggregate.
    func scalarJoin(
        _ query: SQLQuery, _ position: SourcePosition, _ plan: LogicalPlan, _ scope: Scope, _ values: inout SubqueryValues
    ) throws -> (LogicalPlan, Scope) {
        var scope = scope
        let leftCount = scope.columns.count
        let right: LogicalPlan
        var leftKeys: [BoundExpression] = []
        var rightKeys: [BoundExpression] = []
        var value: BoundExpression
        switch try bindSubquery(query, outer: scope) {
        case .uncorrelated(let subquery):
            let fields = subquery.schema.fields
            guard fields.count == 1 else {
                throw SQLError("a scalar subquery must return exactly one column, not \(fields.count)", at: position)
            }
            right = subquery
            value = .column(leftCount, fields[0].type)
        case .correlated(let subquery):
            let select = subquery.select
            guard select.items.count == 1, case .expression(let item, _) = select.items[0] else {
                throw SQLError("a scalar subquery must return exactly one column", at: position)
            }
            guard select.groupBy.isEmpty, !select.groupByAll, !select.isDistinct, subquery.query.limit == nil,
                subquery.query.offset == nil
            else {
                throw SQLError(
                    "correlated scalar subqueries with GROUP BY, DISTINCT or LIMIT are not supported yet", at: position)
            }
            let innerCount = subquery.innerScope.columns.count
            let merged = Scope(columns: subquery.innerScope.columns + scope.columns, outerStart: innerCount)
            var innerKeys: [SQLExpression] = []
            for (sql, _) in subquery.correlated {
                guard case .binary(let a, .equal, let b, _) = sql else {
                    throw SQLError(
                        "a correlated scalar subquery can only compare the outer query with '=' (not supported yet: \(sql))",
                        at: sql.position)
                }
                let boundA = try bindExpression(a, Context(scope: merged))
                let boundB = try bindExpression(b, Context(scope: merged))
                let aInner = !boundA.columns.isEmpty && boundA.columns.allSatisfy { $0 < innerCount }
                let bInner = !boundB.columns.isEmpty && boundB.columns.allSatisfy { $0 < innerCount }
                let aOuter = !boundA.columns.isEmpty && boundA.columns.allSatisfy { $0 >= innerCount }
                let bOuter = !boundB.columns.isEmpty && boundB.columns.allSatisfy { $0 >= innerCount }
                let (inner, outer): (SQLExpression, BoundExpression)
                if aInner && bOuter {
                    (inner, outer) = (a, boundB.remapped { $0 - innerCount })
                } else if bInner && aOuter {
                    (inner, outer) = (b, boundA.remapped { $0 - innerCount })
                } else {
                    throw SQLError(
                        "a correlated scalar subquery can only compare the outer query with '=' (not supported yet: \(sql))",
                        at: sql.position)
                }
                innerKeys.append(inner)
                leftKeys.append(outer)
            }
            let aggregates = containsAggregate(item) || select.having != nil
            var isBareCount = false
            if case .function(let call) = item, call.name.name.text.lowercased() == "count", call.window == nil {
                isBareCount = true
            } else if containsCount(item) {
                throw SQLError(
                    "count inside an expression in a correlated scalar subquery is not supported yet", at: item.position)
            }
            var items: [SQLSelectItem] = [.expression(item, alias: nil)]
            for (index, key) in innerKeys.enumerated() {
                items.append(.expression(key, alias: SQLIdentifier("__key\(index)", isQuoted: true)))
            }
            let rewritten = SelectStatement(
                items: items, from: select.from, whereClause: andAST(subquery.local),
                groupBy: aggregates ? innerKeys : [], having: select.having, position: select.position)
            let bound: LogicalPlan
            do {
                bound = try bind(SQLQuery(with: subquery.query.with, body: .select(rewritten))).plan
            } catch let error as SQLError {
                throw outsideWhere(error, scope)
            }
            let fields = bound.schema.fields
            for index in leftKeys.indices {
                let (l, r) = try coercePair(leftKeys[index], .column(index + 1, fields[index + 1].type), position)
                leftKeys[index] = l
                rightKeys.append(r)
            }
            right = bound
            value = .column(leftCount, fields[0].type)
            // count over no rows is 0, not NULL.
            if isBareCount { value = .call(.coalesce, [value, .literal(.integer(0), .int64)], .int64) }
        }
        let plan = LogicalPlan.extendedJoin(
            plan, right, .single, leftKeys: leftKeys, rightKeys: rightKeys, residual: nil,
            Schema(plan.schema.fields + right.schema.fields))
        for field in right.schema.fields {
            scope.columns.append(ScopeColumn(qualifier: nil, name: "__subquery_" + field.name, type: field.type, hidden: true))
        }
        values[position] = value
        return (plan, scope)
    }

    /// The uncorrelated scalar subqueries of an aggregating query's select list and HAVING (not
    /// inside aggregate calls), bound; they are joined to the aggregate's output.
    func aggregateSubqueries(_ expressions: [SQLExpression]) throws
        -> [(position: SourcePosition, plan: LogicalPlan, type: DataType)]
    {
        var result: [(position: SourcePosition, plan: LogicalPlan, type: DataType)] = []
        func visit(_ expression: SQLExpression) throws {
            switch expression {
            case .subquery(let query, let position):
                let plan = try bind(query).plan
                guard plan.schema.count == 1 else {
                    throw SQLError("a scalar subquery must return exactly one column, not \(plan.schema.count)", at: position)
                }
                result.append((position, plan, plan.schema.fields[0].type))
            case .exists(_, _, let position), .inSubquery(_, _, _, let position):
                throw SQLError(
                    "EXISTS and IN subqueries in an aggregating query's select list or HAVING are not supported yet",
                    at: position)
            case .function(let call) where Self.aggregateNames.contains(call.name.name.text.lowercased()):
                return
            default:
                for child in children(expression) { try visit(child) }
            }
        }
        for expression in expressions { try visit(expression) }
        return result
    }

    func containsCount(_ expression: SQLExpression) -> Bool {
        if case .function(let call) = expression, call.name.name.text.lowercased() == "count" { return true }
        return children(expression).contains(where: containsCount)
    }
}
