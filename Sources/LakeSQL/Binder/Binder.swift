import LakeColumnar

/// Resolves names and types in a parsed statement and builds a ``LogicalPlan``.
///
/// Errors carry the position of the offending name or expression and, for unknown names, the
/// closest candidates (SPEC.md §8).
public struct Binder {
    let catalog: any SQLCatalog
    var ctes: [String: SQLQuery] = [:]
    /// `current_timestamp` of the statement, read once (SPEC.md §8.8).
    let statementTime: Int64 = Binder.wallClockMicroseconds()
    /// The column lists of `WITH name (a, b) AS (…)`, by lowercased name.
    var cteColumns: [String: [SQLIdentifier]] = [:]

    public init(catalog: any SQLCatalog) {
        self.catalog = catalog
    }

    /// A column visible in a FROM clause.
    struct ScopeColumn {
        var qualifier: String?
        var name: String
        var type: DataType
        /// Left out of an unqualified `*` and not found by an unqualified name: the right copy of
        /// a USING column, subquery results (SPEC.md §8.7).
        var hidden = false
    }

    struct Scope {
        var columns: [ScopeColumn]
        /// Where the columns of an enclosing query start (a correlated subquery's WHERE): names
        /// are looked up there only when no column before it matches.
        var outerStart: Int? = nil
    }

    public func bind(_ statement: SQLStatement) throws -> BoundStatement {
        switch statement {
        case .query(let query): BoundStatement(plan: try bind(query).plan, explain: false, analyze: false)
        case .explain(let query, let analyze): BoundStatement(plan: try bind(query).plan, explain: true, analyze: analyze)
        case .optimize(let optimize):
            // Maintenance, not a query: the engine runs it (SPEC.md §8.1).
            throw SQLError("OPTIMIZE is a statement of the engine, not a query", at: optimize.position)
        case .set(_, _, let position):
            throw SQLError("SET is a statement of the engine, not a query", at: position)
        }
    }

    // MARK: - Queries

    func bind(_ query: SQLQuery) throws -> (plan: LogicalPlan, scope: Scope) {
        var binder = self
        for cte in query.with {
            binder.ctes[cte.name.text.lowercased()] = cte.query
            binder.cteColumns[cte.name.text.lowercased()] = cte.columns
        }
        guard case .select(let select) = query.body else {
            if case .nested(let inner) = query.body, query.orderBy.isEmpty, query.limit == nil, query.offset == nil {
                return try binder.bind(inner)
            }
            return try binder.bindSetQuery(query)
        }
        return try binder.bindSelect(select, query: query)
    }

    func position(of body: SQLQueryBody) -> SourcePosition {
        switch body {
        case .select(let select): select.position
        case .setOperation(_, _, _, _, let position): position
        case .nested(let query): position(of: query.body)
        }
    }

    func bindSelect(_ select: SelectStatement, query: SQLQuery) throws -> (plan: LogicalPlan, scope: Scope) {
        let (select, query) = try resolvingNamedWindows(select, query)
        var (plan, scope) = try bindFrom(select.from)
        var whereClause = select.whereClause
        var whereContext = Context(scope: scope)
        if let condition = whereClause { try rejectWindows(condition, clause: "WHERE") }
        if let condition = whereClause, containsSubquery(condition) {
            (plan, scope, whereClause, whereContext.subqueries) = try attachWhereSubqueries(condition, plan, scope)
            whereContext.scope = scope
        }
        if let condition = whereClause {
            let predicate = try bindPredicate(condition, whereContext, clause: "WHERE")
            plan = .filter(plan, predicate)
        }

        // Select items, with stars expanded.
        var items: [(expression: SQLExpression, name: String)] = []
        for item in select.items {
            switch item {
            case .expression(let expression, let alias):
                items.append((expression, alias?.text ?? outputName(expression)))
            case .wildcard(let qualifier, let exclude, let position):
                let excluded = Set(exclude.map { $0.text.lowercased() })
                var matched = false
                for column in scope.columns {
                    if qualifier == nil && column.hidden { continue }
                    if let qualifier, column.qualifier?.lowercased() != qualifier.text.lowercased() { continue }
                    matched = true
                    if excluded.contains(column.name.lowercased()) { continue }
                    var parts: [SQLIdentifier] = []
                    if let q = column.qualifier { parts.append(SQLIdentifier(q, isQuoted: true)) }
                    parts.append(SQLIdentifier(column.name, isQuoted: true))
                    items.append((.column(SQLName(parts), position), column.name))
                }
                if let qualifier, !matched {
                    throw SQLError("table \"\(qualifier.text)\" not found", at: position)
                }
            }
        }

        let orderItems: [SQLOrderItem] =
            query.orderByAll.map { all in
                items.map { SQLOrderItem(expression: $0.expression, ascending: all.ascending, nullsFirst: all.nullsFirst) }
            } ?? query.orderBy

        // GROUP BY expressions may be ordinals or select aliases.
        var groupExpressions: [SQLExpression] = []
        for group in select.groupByAll ? groupByAllExpressions(items.map(\.expression)) : select.groupBy {
            if case .literal(.integer(let digits), let position) = group {
                guard let index = Int(digits), index >= 1, index <= items.count else {
                    throw SQLError("GROUP BY position \(digits) is not in the select list", at: position)
                }
                groupExpressions.append(items[index - 1].expression)
            } else if case .column(let name, _) = group, name.parts.count == 1,
                (try? resolve(name, scope, position: group.position)) == nil,
                let item = items.first(where: { $0.name.lowercased() == name.name.text.lowercased() })
            {
                groupExpressions.append(item.expression)
            } else {
                groupExpressions.append(group)
            }
        }

        for group in groupExpressions { try rejectWindows(group, clause: "GROUP BY") }
        if let having = select.having { try rejectWindows(having, clause: "HAVING") }

        let hasAggregates =
            !groupExpressions.isEmpty || select.having != nil
            || items.contains { containsAggregate($0.expression) }
            || (select.qualify.map(containsAggregate) ?? false)
            || orderItems.contains { containsAggregate($0.expression) }

        // Subqueries in the select list join the plan before it is projected (SPEC.md §8.7).
        var itemSubqueries: SubqueryValues = [:]
        for item in items where !hasAggregates && containsSubquery(item.expression) {
            (plan, scope) = try attachExpressionSubqueries(item.expression, plan, scope, &itemSubqueries)
        }

        var context = Context(scope: scope)
        context.subqueries = itemSubqueries
        if hasAggregates {
            let inputContext = Context(scope: scope)
            let groups = try groupExpressions.map { try bindExpression($0, inputContext) }
            let state = AggregationState(groups: groups, groupSources: groupExpressions)
            context = Context(scope: scope, aggregation: state)
            context.windows = WindowState(base: 0)
            // Scalar subqueries of the select list and HAVING join the aggregate's output.
            let late = try aggregateSubqueries(items.map(\.expression) + (select.having.map { [$0] } ?? []))
            for subquery in late { context.subqueries[subquery.position] = .column(0, subquery.type) }
            // Bind everything that reads aggregates now, so all aggregate calls are known.
            let boundItems = try items.map { try bindExpression($0.expression, context) }
            let having = try select.having.map { try bindPredicate($0, context, clause: "HAVING") }
            _ = try select.qualify.map { try bindPredicate(replacingAliases($0, items, scope), context, clause: "QUALIFY") }
            _ = boundItems
            _ = having
            _ = try orderItems.map { item -> BoundExpression? in
                if case .literal(.integer, _) = item.expression { return nil }
                if case .column(let name, _) = item.expression, name.parts.count == 1,
                    items.contains(where: { $0.name.lowercased() == name.name.text.lowercased() })
                {
                    return nil
                }
                return try bindExpression(item.expression, context)
            }
            var fields: [Field] = []
            for (index, group) in groups.enumerated() {
                fields.append(Field(outputName(groupExpressions[index]), group.type))
            }
            for (index, aggregate) in state.aggregates.enumerated() {
                fields.append(Field("agg\(index)", aggregate.type))
            }
            plan = .aggregate(plan, groups: groups, aggregates: state.aggregates, Schema(fields))
            for subquery in late {
                context.subqueries[subquery.position] = .column(plan.schema.count, subquery.type)
                plan = .extendedJoin(
                    plan, subquery.plan, .single, leftKeys: [], rightKeys: [], residual: nil,
                    Schema(plan.schema.fields + subquery.plan.schema.fields))
            }
            context.aggregated = true
            if let having = select.having {
                plan = .filter(plan, try bindPredicate(having, context, clause: "HAVING"))
            }
        }

        // Window calls in the select list, QUALIFY and ORDER BY read the columns after the window node.
        let windowState = WindowState(base: plan.schema.count)
        context.windows = windowState
        var projections = try items.map { try bindExpression($0.expression, context) }
        let qualify = try select.qualify.map {
            try bindPredicate(replacingAliases($0, items, scope), context, clause: "QUALIFY")
        }
        var fields = zip(items, projections).map { Field($0.name, $1.type) }
        let visibleCount = projections.count

        // ORDER BY: ordinals and aliases refer to the select list; other expressions are computed
        // as hidden columns and dropped after the sort.
        var sortKeys: [BoundSortKey] = []
        for item in orderItems {
            var index: Int?
            if case .literal(.integer(let digits), let position) = item.expression {
                guard let ordinal = Int(digits), ordinal >= 1, ordinal <= visibleCount else {
                    throw SQLError("ORDER BY position \(digits) is not in the select list", at: position)
                }
                index = ordinal - 1
            } else if case .column(let name, _) = item.expression, name.parts.count == 1,
                let match = items.firstIndex(where: { $0.name.lowercased() == name.name.text.lowercased() })
            {
                index = match
            } else {
                let bound = try bindExpression(item.expression, context)
                if let existing = projections.firstIndex(of: bound) {
                    index = existing
                } else {
                    if select.isDistinct {
                        throw SQLError(
                            "for SELECT DISTINCT, ORDER BY expressions must appear in the select list",
                            at: item.expression.position)
                    }
                    projections.append(bound)
                    fields.append(Field("__order\(projections.count)", bound.type))
                    index = projections.count - 1
                }
            }
            let type = projections[index!].type
            sortKeys.append(
                BoundSortKey(
                    expression: .column(index!, type), descending: !item.ascending,
                    nullsFirst: item.nullsFirst ?? false))
        }

        if let condition = select.qualify, windowState.windows.isEmpty {
            throw SQLError(
                "QUALIFY needs a window function in the select list or in QUALIFY", at: condition.position,
                help: "Filter with WHERE or HAVING instead.")
        }
        plan = attachWindows(plan, windowState, qualify: qualify)
        plan = .project(plan, projections, Schema(fields))
        if select.isDistinct { plan = .distinct(plan) }
        if !sortKeys.isEmpty { plan = .sort(plan, sortKeys) }
        let limit = try query.limit.map { try constantInteger($0, clause: "LIMIT") }
        let offset = try query.offset.map { try constantInteger($0, clause: "OFFSET") } ?? 0
        if limit != nil || offset != 0 { plan = .limit(plan, limit: limit, offset: offset) }
        if projections.count > visibleCount {
            let visible = Array(fields.prefix(visibleCount))
            plan = .project(
                plan, visible.enumerated().map { .column($0.offset, $0.element.type) }, Schema(visible))
        }
        let outputScope = Scope(columns: fields.prefix(visibleCount).map { ScopeColumn(qualifier: nil, name: $0.name, type: $0.type) })
        return (plan, outputScope)
    }

    func constantInteger(_ expression: SQLExpression, clause: String) throws -> Int {
        if case .literal(.integer(let digits), _) = expression, let value = Int(digits), value >= 0 { return value }
        throw SQLError("\(clause) expects a non-negative integer constant", at: expression.position)
    }

    func outputName(_ expression: SQLExpression) -> String {
        switch expression {
        case .column(let name, _): name.name.text
        case .function(let call) where call.arguments.isEmpty && call.name.name.text.lowercased() == "count":
            "count_star()"
        default: expression.description
        }
    }

    // MARK: - FROM

    func bindFrom(_ from: [SQLTableReference]) throws -> (LogicalPlan, Scope) {
        guard let first = from.first else { return (.singleRow, Scope(columns: [])) }
        var (plan, scope) = try bindTableReference(first)
        for reference in from.dropFirst() {
            let (right, rightScope) = try bindTableReference(reference)
            let merged = Scope(columns: scope.columns + rightScope.columns)
            plan = .join(plan, right, inner: true, leftKeys: [], rightKeys: [], residual: nil, schema(of: merged))
            scope = merged
        }
        return (plan, scope)
    }

    func schema(of scope: Scope) -> Schema {
        Schema(scope.columns.map { Field($0.name, $0.type) })
    }

    func bindTableReference(_ reference: SQLTableReference) throws -> (LogicalPlan, Scope) {
        switch reference {
        case .table(let source, let timeTravel, let alias, let position):
            if case .name(let name) = source, timeTravel == nil, name.parts.count == 1,
                let cte = ctes[name.name.text.lowercased()]
            {
                var inner = self
                inner.ctes[name.name.text.lowercased()] = nil
                let (plan, boundScope) = try inner.bind(cte)
                var scope = boundScope
                let columnNames = cteColumns[name.name.text.lowercased()] ?? []
                if columnNames.count > scope.columns.count {
                    throw SQLError(
                        "WITH \(name.name.text) names \(columnNames.count) columns but its query returns \(scope.columns.count)",
                        at: position)
                }
                for (index, column) in columnNames.enumerated() { scope.columns[index].name = column.text }
                return (plan, requalify(scope, alias?.name.text ?? name.name.text, alias: alias))
            }
            var travel: TimeTravelSpec?
            switch timeTravel {
            case .version(let expression):
                guard case .literal(.integer(let digits), _) = expression, let version = Int64(digits) else {
                    throw SQLError("VERSION AS OF expects an integer constant", at: expression.position)
                }
                travel = .version(version)
            case .timestamp(let expression):
                switch expression {
                case .literal(.string(let text), _), .literal(.typed(_, let text), _): travel = .timestamp(text)
                default: throw SQLError("TIMESTAMP AS OF expects a string constant", at: expression.position)
                }
            case nil: break
            }
            let table: CatalogTable?
            do {
                table = try catalog.table(source, timeTravel: travel)
            } catch let error as SQLError {
                throw error
            } catch {
                throw SQLError("\(error)", at: position)
            }
            guard let table else {
                switch source {
                case .name(let name): throw SQLError("table \"\(name)\" not found", at: position, help: "List the lake's tables with `ls` on the lake directory, or quote a path: FROM 'dir/file.parquet'.")
                case .path(let path): throw SQLError("table \"\(path)\" not found", at: position)
                }
            }
            let qualifier: String
            switch source {
            case .name(let name): qualifier = name.name.text
            case .path(let path): qualifier = baseName(path)
            }
            let scope = Scope(columns: table.schema.fields.map { ScopeColumn(qualifier: qualifier, name: $0.name, type: $0.type) })
            return (.scan(table), requalify(scope, alias?.name.text ?? qualifier, alias: alias))
        case .function(let call, let alias):
            var arguments: [ScalarValue] = []
            for argument in call.arguments {
                guard case .literal(.string(let text), _) = argument else {
                    throw SQLError("\(call.name)() expects string constants", at: argument.position)
                }
                arguments.append(.string(text))
            }
            guard let table = try catalog.tableFunction(call.name.name.text.lowercased(), arguments: arguments) else {
                throw SQLError("function \"\(call.name)\" not found", at: call.position, help: "Table functions: read_parquet, read_csv, read_json.")
            }
            let qualifier = alias?.name.text ?? call.name.name.text
            let scope = Scope(columns: table.schema.fields.map { ScopeColumn(qualifier: qualifier, name: $0.name, type: $0.type) })
            return (.scan(table), requalify(scope, qualifier, alias: alias))
        case .subquery(let query, let alias, _):
            let (plan, scope) = try bind(query)
            return (plan, requalify(scope, alias?.name.text ?? "subquery", alias: alias))
        case .join(let left, let kind, let right, let condition, let position):
            return try bindJoin(left, kind, right, condition, position)
        }
    }

    func requalify(_ scope: Scope, _ qualifier: String, alias: SQLTableAlias?) -> Scope {
        var columns = scope.columns
        for index in columns.indices {
            columns[index].qualifier = qualifier
            if let alias, index < alias.columns.count { columns[index].name = alias.columns[index].text }
        }
        return Scope(columns: columns)
    }

    func baseName(_ path: String) -> String {
        var name = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = name.firstIndex(of: ".") { name = String(name[..<dot]) }
        return name
    }

    func splitAnd(_ expression: BoundExpression) -> [BoundExpression] {
        if case .call(.and, let arguments, _) = expression { return arguments.flatMap(splitAnd) }
        return [expression]
    }

    func andAll(_ expressions: [BoundExpression]) -> BoundExpression? {
        if expressions.isEmpty { return nil }
        if expressions.count == 1 { return expressions[0] }
        return .call(.and, expressions, .boolean)
    }

    // MARK: - Names

    func resolve(_ name: SQLName, _ scope: Scope, position: SourcePosition) throws -> (index: Int, type: DataType) {
        let target = name.name
        let qualifier = name.parts.count >= 2 ? name.parts[name.parts.count - 2] : nil
        func matches(_ text: String, _ identifier: SQLIdentifier) -> Bool {
            identifier.isQuoted ? text == identifier.text || text.lowercased() == identifier.text.lowercased() : text.lowercased() == identifier.text.lowercased()
        }
        func matching(_ range: Range<Int>) -> [Int] {
            range.filter { index in
                let column = scope.columns[index]
                guard matches(column.name, target) else { return false }
                if let qualifier { return column.qualifier.map { matches($0, qualifier) } ?? false }
                return !column.hidden
            }
        }
        let innerEnd = scope.outerStart ?? scope.columns.count
        var found = matching(0..<innerEnd)
        if found.isEmpty && innerEnd < scope.columns.count { found = matching(innerEnd..<scope.columns.count) }
        if found.count > 1 {
            throw SQLError(
                "column reference \"\(name)\" is ambiguous", at: position,
                help: "Qualify it with a table name or alias, e.g. \(scope.columns[found[0]].qualifier ?? "t").\(target.text).")
        }
        guard let index = found.first else {
            let candidates = scope.columns.map { $0.name }
            throw SQLError("column \"\(name)\" not found", at: position, help: Self.suggestion(for: target.text, among: candidates))
        }
        return (index, scope.columns[index].type)
    }

    static func suggestion(for name: String, among candidates: [String]) -> String? {
        guard !candidates.isEmpty else { return "The FROM clause has no columns." }
        let lowered = name.lowercased()
        let scored = candidates.map { ($0, editDistance(lowered, $0.lowercased())) }.sorted { $0.1 < $1.1 }
        if let best = scored.first, best.1 <= max(2, lowered.count / 3) {
            return "did you mean \"\(best.0)\"?"
        }
        var unique: [String] = []
        for candidate in candidates where !unique.contains(candidate) { unique.append(candidate) }
        return "the columns are: " + unique.prefix(20).map { "\"\($0)\"" }.joined(separator: ", ")
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
