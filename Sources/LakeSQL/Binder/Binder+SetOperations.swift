import LakeColumnar

/// `UNION [ALL]`, `INTERSECT [ALL]`, `EXCEPT [ALL]` (SPEC.md §8.8).
extension Binder {
    /// A query whose body is a set operation or a parenthesised query, with ORDER BY / LIMIT /
    /// OFFSET over the whole body (names and ordinals of the first select's columns).
    func bindSetQuery(_ query: SQLQuery) throws -> (plan: LogicalPlan, scope: Scope) {
        var (plan, scope) = try bindBody(query.body)
        let outputContext = Context(scope: scope)
        let orderItems: [SQLOrderItem] =
            query.orderByAll.map { all in
                scope.columns.indices.map { index in
                    SQLOrderItem(
                        expression: .literal(.integer("\(index + 1)"), position(of: query.body)), ascending: all.ascending,
                        nullsFirst: all.nullsFirst)
                }
            } ?? query.orderBy
        var sortKeys: [BoundSortKey] = []
        for item in orderItems {
            let key: BoundExpression
            if case .literal(.integer(let digits), let position) = item.expression {
                guard let ordinal = Int(digits), ordinal >= 1, ordinal <= scope.columns.count else {
                    throw SQLError("ORDER BY position \(digits) is not in the select list", at: position)
                }
                key = .column(ordinal - 1, scope.columns[ordinal - 1].type)
            } else {
                key = try bindExpression(item.expression, outputContext)
            }
            sortKeys.append(BoundSortKey(expression: key, descending: !item.ascending, nullsFirst: item.nullsFirst ?? false))
        }
        if !sortKeys.isEmpty { plan = .sort(plan, sortKeys) }
        let limit = try query.limit.map { try constantInteger($0, clause: "LIMIT") }
        let offset = try query.offset.map { try constantInteger($0, clause: "OFFSET") } ?? 0
        if limit != nil || offset != 0 { plan = .limit(plan, limit: limit, offset: offset) }
        scope = Scope(columns: scope.columns.map { ScopeColumn(qualifier: nil, name: $0.name, type: $0.type) })
        return (plan, scope)
    }

    /// One operand of a set operation.
    func bindBody(_ body: SQLQueryBody) throws -> (plan: LogicalPlan, scope: Scope) {
        switch body {
        case .select(let select): return try bindSelect(select, query: SQLQuery(body: body))
        case .nested(let query): return try bind(query)
        case .setOperation(let op, let all, let leftBody, let rightBody, let position):
            let (left, leftScope) = try bindBody(leftBody)
            let (right, rightScope) = try bindBody(rightBody)
            guard leftScope.columns.count == rightScope.columns.count else {
                throw SQLError(
                    "each \(op.rawValue) query must have the same number of columns: the left side has "
                        + "\(leftScope.columns.count), the right side \(rightScope.columns.count)", at: position)
            }
            var types: [DataType] = []
            let leftNulls = nullColumns(left)
            let rightNulls = nullColumns(right)
            for (index, (l, r)) in zip(leftScope.columns, rightScope.columns).enumerated() {
                if leftNulls.contains(index) || rightNulls.contains(index) {
                    types.append(leftNulls.contains(index) ? r.type : l.type)
                    continue
                }
                guard let type = setOperationType(l.type, r.type) else {
                    throw SQLError(
                        "\(op.rawValue) cannot combine column \(index + 1) of type \(l.type) with \(r.type)", at: position,
                        help: "Add an explicit CAST to one side.")
                }
                types.append(type)
            }
            let fields = zip(leftScope.columns, types).map { Field($0.name, $1) }
            let schema = Schema(fields)
            let leftPlan = try cast(left, from: leftScope, to: types, position)
            let rightPlan = try cast(right, from: rightScope, to: types, position)
            let plan: LogicalPlan
            switch op {
            case .union:
                var inputs: [LogicalPlan] = []
                for side in [leftPlan, rightPlan] {
                    // Flatten UNION ALL chains into one node.
                    if case .union(let nested, _) = side { inputs += nested } else { inputs.append(side) }
                }
                plan = all ? .union(inputs, schema) : .distinct(.union(inputs, schema))
            case .intersect: plan = .setOperation(.intersect, all: all, leftPlan, rightPlan, schema)
            case .except: plan = .setOperation(.except, all: all, leftPlan, rightPlan, schema)
            }
            let scope = Scope(columns: fields.map { ScopeColumn(qualifier: nil, name: $0.name, type: $0.type) })
            return (plan, scope)
        }
    }

    /// The type a set operation's column takes: the implicit widening of SPEC.md §8.3; a column
    /// of untyped NULLs (INTEGER) takes the other side's type.
    func setOperationType(_ left: DataType, _ right: DataType) -> DataType? {
        commonType(left, right)
    }

    /// The output columns of `plan` that are a NULL constant in every row (`SELECT NULL`): they
    /// take the other side's type.
    func nullColumns(_ plan: LogicalPlan) -> Set<Int> {
        switch plan {
        case .project(_, let expressions, _):
            Set(expressions.indices.filter { isNull(expressions[$0]) })
        case .distinct(let input): nullColumns(input)
        case .union(let inputs, _):
            inputs.dropFirst().reduce(inputs.first.map(nullColumns) ?? []) { $0.intersection(nullColumns($1)) }
        default: []
        }
    }

    /// `plan` with its columns cast to `types` where they differ.
    func cast(_ plan: LogicalPlan, from scope: Scope, to types: [DataType], _ position: SourcePosition) throws -> LogicalPlan {
        let current = scope.columns.map(\.type)
        if current == types { return plan }
        let expressions: [BoundExpression] = zip(current, types).enumerated().map { index, pair in
            pair.0 == pair.1 ? .column(index, pair.0) : .cast(.column(index, pair.0), pair.1, isTry: false)
        }
        let schema = Schema(zip(scope.columns, types).map { Field($0.name, $1) })
        return .project(plan, expressions, schema)
    }
}
