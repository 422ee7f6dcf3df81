/// Canonical SQL text of the AST: keywords upper case, every operator application in
/// parentheses. Used by EXPLAIN, error messages and parser tests; parsing the text again gives
/// the same tree (up to positions).
extension SQLExpression: CustomStringConvertible {
    public var description: String {
        switch self {
        case .literal(let literal, _): literal.description
        case .column(let name, _): name.description
        case .star(let qualifier, _): qualifier.map { "\($0).*" } ?? "*"
        case .unary(let op, let operand, _): op == .not ? "(NOT \(operand))" : "(\(op.rawValue)\(operand))"
        case .binary(let left, let op, let right, _): "(\(left) \(op.rawValue) \(right))"
        case .isNull(let operand, let negated, _): "(\(operand) IS \(negated ? "NOT " : "")NULL)"
        case .isBoolean(let operand, let value, let negated, _):
            "(\(operand) IS \(negated ? "NOT " : "")\(value ? "TRUE" : "FALSE"))"
        case .isDistinctFrom(let left, let right, let negated, _):
            "(\(left) IS \(negated ? "NOT " : "")DISTINCT FROM \(right))"
        case .between(let operand, let low, let high, let negated, _):
            "(\(operand) \(negated ? "NOT " : "")BETWEEN \(low) AND \(high))"
        case .inList(let operand, let values, let negated, _):
            "(\(operand) \(negated ? "NOT " : "")IN (\(values.map(\.description).joined(separator: ", "))))"
        case .inSubquery(let operand, let query, let negated, _):
            "(\(operand) \(negated ? "NOT " : "")IN (\(query)))"
        case .like(let operand, let pattern, let escape, let caseInsensitive, let negated, _):
            "(\(operand) \(negated ? "NOT " : "")\(caseInsensitive ? "ILIKE" : "LIKE") \(pattern)"
                + (escape.map { " ESCAPE \($0)" } ?? "") + ")"
        case .exists(let query, let negated, _): "(\(negated ? "NOT " : "")EXISTS (\(query)))"
        case .subquery(let query, _): "(\(query))"
        case .caseWhen(let operand, let branches, let otherwise, _):
            "CASE" + (operand.map { " \($0)" } ?? "")
                + branches.map { " WHEN \($0.condition) THEN \($0.result)" }.joined()
                + (otherwise.map { " ELSE \($0)" } ?? "") + " END"
        case .cast(let operand, let type, let isTry, _): "\(isTry ? "TRY_CAST" : "CAST")(\(operand) AS \(type))"
        case .function(let call): call.description
        case .extract(let field, let operand, _): "EXTRACT(\(field) FROM \(operand))"
        case .interval(let value, let unit, _): "INTERVAL '\(value)'" + (unit.map { " \($0)" } ?? "")
        }
    }
}

extension SQLLiteral: CustomStringConvertible {
    public var description: String {
        switch self {
        case .null: "NULL"
        case .boolean(let value): value ? "TRUE" : "FALSE"
        case .integer(let digits), .decimal(let digits): digits
        case .string(let text): quoted(text)
        case .typed(let type, let text): "\(type) \(quoted(text))"
        }
    }
}

private func quoted(_ text: String) -> String {
    "'" + String(text.flatMap { $0 == "'" ? ["'", "'"] : [$0] }) + "'"
}

extension SQLFunctionCall: CustomStringConvertible {
    public var description: String {
        var text = "\(name)(" + (isDistinct ? "DISTINCT " : "") + arguments.map(\.description).joined(separator: ", ")
        if !orderBy.isEmpty { text += " ORDER BY " + orderBy.map(\.description).joined(separator: ", ") }
        text += ")"
        if let filter { text += " FILTER (WHERE \(filter))" }
        if let window { text += " OVER (\(window))" }
        return text
    }
}

extension SQLWindowSpecification: CustomStringConvertible {
    public var description: String {
        var parts: [String] = base.map { [$0.description] } ?? []
        if !partitionBy.isEmpty { parts.append("PARTITION BY " + partitionBy.map(\.description).joined(separator: ", ")) }
        if !orderBy.isEmpty { parts.append("ORDER BY " + orderBy.map(\.description).joined(separator: ", ")) }
        if let frame { parts.append("\(frame.unit.rawValue) BETWEEN \(frame.start) AND \(frame.end)") }
        return parts.joined(separator: " ")
    }
}

extension SQLWindowFrame.Bound: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unboundedPreceding: "UNBOUNDED PRECEDING"
        case .preceding(let offset): "\(offset) PRECEDING"
        case .currentRow: "CURRENT ROW"
        case .following(let offset): "\(offset) FOLLOWING"
        case .unboundedFollowing: "UNBOUNDED FOLLOWING"
        }
    }
}

extension SQLOrderItem: CustomStringConvertible {
    public var description: String {
        "\(expression)" + (ascending ? "" : " DESC") + (nullsFirst.map { $0 ? " NULLS FIRST" : " NULLS LAST" } ?? "")
    }
}

extension SQLStatement: CustomStringConvertible {
    public var description: String {
        switch self {
        case .query(let query): query.description
        case .explain(let query, let analyze): "EXPLAIN \(analyze ? "ANALYZE " : "")\(query)"
        case .optimize(let optimize):
            "OPTIMIZE " + optimize.tableText + (optimize.predicate.map { " WHERE \($0)" } ?? "")
                + (optimize.zOrderBy.isEmpty ? "" : " ZORDER BY (\(optimize.zOrderBy.map(\.description).joined(separator: ", ")))")
        case .set(let name, let value, _): value.map { "SET \(name) = '\($0)'" } ?? "RESET \(name)"
        }
    }
}

extension SQLQuery: CustomStringConvertible {
    public var description: String {
        var text = ""
        if !with.isEmpty {
            text += "WITH "
                + with.map { cte in
                    "\(cte.name)" + (cte.columns.isEmpty ? "" : "(\(cte.columns.map(\.description).joined(separator: ", ")))")
                        + " AS (\(cte.query))"
                }.joined(separator: ", ") + " "
        }
        text += body.description
        if let orderByAll {
            text += " ORDER BY ALL" + (orderByAll.ascending ? "" : " DESC")
                + (orderByAll.nullsFirst.map { $0 ? " NULLS FIRST" : " NULLS LAST" } ?? "")
        }
        if !orderBy.isEmpty { text += " ORDER BY " + orderBy.map(\.description).joined(separator: ", ") }
        if let limit { text += " LIMIT \(limit)" }
        if let offset { text += " OFFSET \(offset)" }
        return text
    }
}

extension SQLQueryBody: CustomStringConvertible {
    public var description: String {
        switch self {
        case .select(let select): select.description
        case .setOperation(let op, let all, let left, let right, _):
            "(\(left) \(op.rawValue)\(all ? " ALL" : "") \(right))"
        case .nested(let query): "(\(query))"
        }
    }
}

extension SelectStatement: CustomStringConvertible {
    public var description: String {
        var text = "SELECT " + (isDistinct ? "DISTINCT " : "") + items.map(\.description).joined(separator: ", ")
        if !from.isEmpty { text += " FROM " + from.map(\.description).joined(separator: ", ") }
        if let whereClause { text += " WHERE \(whereClause)" }
        if groupByAll { text += " GROUP BY ALL" }
        if !groupBy.isEmpty { text += " GROUP BY " + groupBy.map(\.description).joined(separator: ", ") }
        if let having { text += " HAVING \(having)" }
        if !windows.isEmpty {
            text += " WINDOW " + windows.map { "\($0.name) AS (\($0.specification))" }.joined(separator: ", ")
        }
        if let qualify { text += " QUALIFY \(qualify)" }
        return text
    }
}

extension SQLSelectItem: CustomStringConvertible {
    public var description: String {
        switch self {
        case .expression(let expression, let alias): "\(expression)" + (alias.map { " AS \($0)" } ?? "")
        case .wildcard(let qualifier, let exclude, _):
            (qualifier.map { "\($0).*" } ?? "*")
                + (exclude.isEmpty ? "" : " EXCLUDE (\(exclude.map(\.description).joined(separator: ", ")))")
        }
    }
}

extension SQLTableReference: CustomStringConvertible {
    public var description: String {
        switch self {
        case .table(let source, let timeTravel, let alias, _):
            var text: String
            switch source {
            case .name(let name): text = name.description
            case .path(let path): text = quoted(path)
            }
            switch timeTravel {
            case .version(let value): text += " VERSION AS OF \(value)"
            case .timestamp(let value): text += " TIMESTAMP AS OF \(value)"
            case nil: break
            }
            return text + (alias.map { " AS \($0)" } ?? "")
        case .function(let call, let alias): return call.description + (alias.map { " AS \($0)" } ?? "")
        case .subquery(let query, let alias, _): return "(\(query))" + (alias.map { " AS \($0)" } ?? "")
        case .join(let left, let kind, let right, let condition, _):
            var text = "(\(left) \(kind.rawValue) JOIN \(right)"
            switch condition {
            case .on(let expression): text += " ON \(expression)"
            case .using(let names): text += " USING (\(names.map(\.description).joined(separator: ", ")))"
            case .none: break
            }
            return text + ")"
        }
    }
}

extension SQLTableAlias: CustomStringConvertible {
    public var description: String {
        name.description + (columns.isEmpty ? "" : "(\(columns.map(\.description).joined(separator: ", ")))")
    }
}

extension SQLOptimize {
    /// The table as written: a name, or a quoted path.
    public var tableText: String {
        switch table {
        case .name(let name): name.description
        case .path(let path): quoted(path)
        }
    }
}
