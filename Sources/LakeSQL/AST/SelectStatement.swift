/// A statement: a query, or `EXPLAIN [ANALYZE]` of one.
public enum SQLStatement: Sendable, Equatable {
    case query(SQLQuery)
    case explain(SQLQuery, analyze: Bool)
    /// `OPTIMIZE table [WHERE partition filter] [ZORDER BY (columns)]`: compaction (SPEC.md §8.1).
    case optimize(SQLOptimize)
    /// `SET name = value` (`value` as written: a string's text, a number's digits, a word) or
    /// `RESET name` (`value` nil): a setting of the session (SPEC.md §8.9).
    case set(name: String, value: String?, position: SourcePosition)
}

/// `OPTIMIZE table [WHERE …] [ZORDER BY (a, b)]` (Delta's SQL for compaction).
public struct SQLOptimize: Sendable, Equatable {
    /// The table: a name in the lake or a quoted path.
    public var table: SQLTableSource
    /// The partition filter, if any.
    public var predicate: SQLExpression?
    /// Z-order columns, if any.
    public var zOrderBy: [SQLIdentifier]
    /// Where the statement starts.
    public var position: SourcePosition

    public init(table: SQLTableSource, predicate: SQLExpression?, zOrderBy: [SQLIdentifier], position: SourcePosition) {
        self.table = table
        self.predicate = predicate
        self.zOrderBy = zOrderBy
        self.position = position
    }
}

/// A query: optional `WITH`, a body of selects combined by set operations, then `ORDER BY`,
/// `LIMIT` and `OFFSET` applying to the whole body.
public struct SQLQuery: Sendable, Equatable {
    /// `WITH name [(columns)] AS (query), …`.
    public var with: [SQLCommonTableExpression]
    public var body: SQLQueryBody
    public var orderBy: [SQLOrderItem]
    /// `ORDER BY ALL [ASC|DESC]`: order by every output column.
    public var orderByAll: SQLOrderItem?
    public var limit: SQLExpression?
    public var offset: SQLExpression?

    public init(
        with: [SQLCommonTableExpression] = [], body: SQLQueryBody, orderBy: [SQLOrderItem] = [],
        orderByAll: SQLOrderItem? = nil, limit: SQLExpression? = nil, offset: SQLExpression? = nil
    ) {
        self.with = with
        self.body = body
        self.orderBy = orderBy
        self.orderByAll = orderByAll
        self.limit = limit
        self.offset = offset
    }
}

/// `name [(column, …)] AS (query)` in a WITH clause.
public struct SQLCommonTableExpression: Sendable, Equatable {
    public var name: SQLIdentifier
    public var columns: [SQLIdentifier]
    public var query: SQLQuery
    public var position: SourcePosition

    public init(name: SQLIdentifier, columns: [SQLIdentifier], query: SQLQuery, position: SourcePosition) {
        self.name = name
        self.columns = columns
        self.query = query
        self.position = position
    }
}

/// Selects combined with `UNION [ALL]`, `INTERSECT [ALL]`, `EXCEPT [ALL]`, or a parenthesised query.
public indirect enum SQLQueryBody: Sendable, Equatable {
    case select(SelectStatement)
    case setOperation(SQLSetOperator, all: Bool, SQLQueryBody, SQLQueryBody, SourcePosition)
    /// `(query)` with its own ORDER BY / LIMIT.
    case nested(SQLQuery)
}

/// Set operators.
public enum SQLSetOperator: String, Sendable {
    case union = "UNION"
    case intersect = "INTERSECT"
    case except = "EXCEPT"
}

/// One `SELECT … FROM … WHERE … GROUP BY … HAVING … QUALIFY …` block.
public struct SelectStatement: Sendable, Equatable {
    public var isDistinct: Bool
    public var items: [SQLSelectItem]
    /// The FROM clause: comma-separated items are cross joins.
    public var from: [SQLTableReference]
    public var whereClause: SQLExpression?
    public var groupBy: [SQLExpression]
    /// `GROUP BY ALL`: group by every select item without an aggregate.
    public var groupByAll: Bool
    public var having: SQLExpression?
    public var qualify: SQLExpression?
    /// `WINDOW name AS (…), …`: named windows for OVER.
    public var windows: [SQLNamedWindow] = []
    public var position: SourcePosition

    public init(
        isDistinct: Bool = false, items: [SQLSelectItem], from: [SQLTableReference] = [],
        whereClause: SQLExpression? = nil, groupBy: [SQLExpression] = [], groupByAll: Bool = false,
        having: SQLExpression? = nil, qualify: SQLExpression? = nil, position: SourcePosition
    ) {
        self.isDistinct = isDistinct
        self.items = items
        self.from = from
        self.whereClause = whereClause
        self.groupBy = groupBy
        self.groupByAll = groupByAll
        self.having = having
        self.qualify = qualify
        self.position = position
    }
}

/// `name AS (specification)` in a WINDOW clause.
public struct SQLNamedWindow: Sendable, Equatable {
    public var name: SQLIdentifier
    public var specification: SQLWindowSpecification

    public init(name: SQLIdentifier, specification: SQLWindowSpecification) {
        self.name = name
        self.specification = specification
    }
}

/// One item of a select list.
public enum SQLSelectItem: Sendable, Equatable {
    /// `expression [AS alias]`.
    case expression(SQLExpression, alias: SQLIdentifier?)
    /// `*` or `t.*`, with `EXCLUDE (a, b)`.
    case wildcard(qualifier: SQLIdentifier?, exclude: [SQLIdentifier], SourcePosition)
}

/// An item of FROM.
public indirect enum SQLTableReference: Sendable, Equatable {
    /// A table by name (in the lake) or a quoted path, with time travel and an alias.
    case table(SQLTableSource, timeTravel: SQLTimeTravel?, alias: SQLTableAlias?, SourcePosition)
    /// A table function: `read_parquet('…')`, `read_csv('…', header = true)`.
    case function(SQLFunctionCall, alias: SQLTableAlias?)
    /// `(SELECT …) [AS] alias`.
    case subquery(SQLQuery, alias: SQLTableAlias?, SourcePosition)
    /// `left [kind] JOIN right ON …|USING (…)`, or `CROSS JOIN`.
    case join(SQLTableReference, SQLJoinKind, SQLTableReference, SQLJoinCondition, SourcePosition)
}

/// Where a table comes from: a name (`events`, `lake.events`) or a quoted path (`'data/x.parquet'`).
public enum SQLTableSource: Sendable, Equatable {
    case name(SQLName)
    case path(String)
}

/// `VERSION AS OF n` or `TIMESTAMP AS OF '…'`.
public enum SQLTimeTravel: Sendable, Equatable {
    case version(SQLExpression)
    case timestamp(SQLExpression)
}

/// `[AS] alias [(column, …)]`.
public struct SQLTableAlias: Sendable, Equatable {
    public var name: SQLIdentifier
    public var columns: [SQLIdentifier]

    public init(name: SQLIdentifier, columns: [SQLIdentifier] = []) {
        self.name = name
        self.columns = columns
    }
}

/// Join kinds.
public enum SQLJoinKind: String, Sendable {
    case inner = "INNER"
    case left = "LEFT"
    case right = "RIGHT"
    case full = "FULL"
    case cross = "CROSS"
}

/// How a join matches rows.
public enum SQLJoinCondition: Sendable, Equatable {
    case on(SQLExpression)
    case using([SQLIdentifier])
    /// CROSS JOIN (and comma joins) have none.
    case none
}
