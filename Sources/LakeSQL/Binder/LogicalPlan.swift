import LakeColumnar

/// Functions and operators of bound expressions. The raw values are the names the executor's
/// `ScalarFunction` uses, so the engine maps between the two by name.
public enum BoundFunction: String, Sendable, CaseIterable {
    case add, subtract, multiply, divide, modulo, negate
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
    case and, or, not
    case isNull, isNotNull
    case inList, notInList
    case like, notLike, ilike, notIlike
    case caseWhen, coalesce, concat
    case lower, upper, length, substr
    case abs, round
    case year, month, day, hour, minute, second, quarter, dayofweek, dayofyear, epoch
    case dateTrunc, dateAddDays, addInterval, dateDiffDays
    // SPEC.md §8.8: more strings, dates and math.
    case trim, ltrim, rtrim, replace, startsWith = "starts_with", endsWith = "ends_with", contains
    case splitPart = "split_part", regexpMatches = "regexp_matches", regexpReplace = "regexp_replace"
    case dateDiff = "date_diff", strftime, strptime, makeDate = "make_date", epochSeconds = "epoch_seconds"
    case floor, ceil, sqrt, power, ln, log10, greatest, least
}

/// A typed expression over the columns of a plan node's input (by index).
public indirect enum BoundExpression: Sendable, Equatable, CustomStringConvertible {
    case column(Int, DataType)
    case literal(ScalarValue, DataType)
    case cast(BoundExpression, DataType, isTry: Bool)
    case call(BoundFunction, [BoundExpression], DataType)

    public var type: DataType {
        switch self {
        case .column(_, let type), .literal(_, let type), .cast(_, let type, _), .call(_, _, let type): type
        }
    }

    public var description: String {
        switch self {
        case .column(let index, _): "#\(index)"
        case .literal(let value, _): "\(value)"
        case .cast(let operand, let type, _): "CAST(\(operand) AS \(type))"
        case .call(let function, let arguments, _):
            "\(function.rawValue)(\(arguments.map(\.description).joined(separator: ", ")))"
        }
    }

    /// The input columns the expression reads.
    public var columns: Set<Int> {
        switch self {
        case .column(let index, _): [index]
        case .literal: []
        case .cast(let operand, _, _): operand.columns
        case .call(_, let arguments, _): arguments.reduce(into: Set<Int>()) { $0.formUnion($1.columns) }
        }
    }

    /// The expression with column indices renumbered.
    public func remapped(_ map: (Int) -> Int) -> BoundExpression {
        switch self {
        case .column(let index, let type): .column(map(index), type)
        case .literal: self
        case .cast(let operand, let type, let isTry): .cast(operand.remapped(map), type, isTry: isTry)
        case .call(let function, let arguments, let type): .call(function, arguments.map { $0.remapped(map) }, type)
        }
    }
}

/// An aggregate call in a logical plan.
public struct BoundAggregate: Sendable, Equatable {
    /// `count_star`, `count`, `count_distinct`, `sum`, `avg`, `min` or `max`.
    public var function: String
    public var argument: BoundExpression?
    public var type: DataType
    /// `sum(DISTINCT x)`, `avg(DISTINCT x)` (count(DISTINCT) is its own function).
    public var distinct = false
    /// `FILTER (WHERE …)`: only rows where this is true are aggregated (SPEC.md §8.8).
    public var filter: BoundExpression? = nil
    /// A second per-row input: `arg_min(x, y)`'s `y`, the key of `string_agg(x, sep ORDER BY k)`.
    public var secondArgument: BoundExpression? = nil
    /// A constant: `quantile_cont`'s fraction, `string_agg`'s separator.
    public var parameter: ScalarValue? = nil
    /// `ORDER BY k DESC` inside `string_agg`.
    public var descending = false
}

/// One ORDER BY key over the input of a sort.
public struct BoundSortKey: Sendable, Equatable {
    public var expression: BoundExpression
    public var descending: Bool
    public var nullsFirst: Bool
}

/// A table the catalog resolved: its schema and what the engine needs to read it.
public struct CatalogTable: Sendable {
    /// The name to show (table name or path).
    public var name: String
    public var schema: Schema
    /// Partition columns (Delta), used for pruning.
    public var partitionColumns: [String]
    /// The engine's own handle for reading it.
    public var handle: any Sendable

    public init(name: String, schema: Schema, partitionColumns: [String] = [], handle: any Sendable) {
        self.name = name
        self.schema = schema
        self.partitionColumns = partitionColumns
        self.handle = handle
    }
}

/// How time travel was asked for in SQL.
public enum TimeTravelSpec: Sendable, Equatable {
    case version(Int64)
    case timestamp(String)
}

/// What the binder needs from the engine: tables by name or path, and table functions.
public protocol SQLCatalog {
    /// The table named by `source`, optionally as of a version or time.
    func table(_ source: SQLTableSource, timeTravel: TimeTravelSpec?) throws -> CatalogTable?
    /// A table function such as `read_parquet('…')`; `nil` if the name is unknown.
    func tableFunction(_ name: String, arguments: [ScalarValue]) throws -> CatalogTable?
}

/// A bound, typed query plan.
public indirect enum LogicalPlan: Sendable {
    case scan(CatalogTable)
    /// One row with no columns (SELECT without FROM).
    case singleRow
    case filter(LogicalPlan, BoundExpression)
    case project(LogicalPlan, [BoundExpression], Schema)
    case aggregate(LogicalPlan, groups: [BoundExpression], aggregates: [BoundAggregate], Schema)
    case join(
        LogicalPlan, LogicalPlan, inner: Bool, leftKeys: [BoundExpression], rightKeys: [BoundExpression],
        residual: BoundExpression?, Schema)
    case sort(LogicalPlan, [BoundSortKey])
    case limit(LogicalPlan, limit: Int?, offset: Int)
    case distinct(LogicalPlan)
    /// `UNION ALL`: the rows of every input in turn (inputs have the schema's types).
    case union([LogicalPlan], Schema)
    /// `INTERSECT [ALL]` / `EXCEPT [ALL]` of two inputs with the schema's types (NULLs equal).
    case setOperation(SetOperationKind, all: Bool, LogicalPlan, LogicalPlan, Schema)
    /// Window functions over the input: its columns, then one column per window (SPEC.md §8.6).
    case window(LogicalPlan, [BoundWindow], Schema)
    /// The joins beyond inner and left (SPEC.md §8.7): RIGHT and FULL (output left ++ right), the
    /// subquery joins SEMI and ANTI (output the left columns), MARK and MARK_IN (the left columns
    /// and a BOOLEAN) and SINGLE (left ++ right, at most one match per left row).
    case extendedJoin(
        LogicalPlan, LogicalPlan, LogicalJoinKind, leftKeys: [BoundExpression], rightKeys: [BoundExpression],
        residual: BoundExpression?, Schema)

    public var schema: Schema {
        switch self {
        case .scan(let table): table.schema
        case .singleRow: Schema([])
        case .filter(let input, _), .sort(let input, _), .limit(let input, _, _), .distinct(let input): input.schema
        case .project(_, _, let schema), .aggregate(_, _, _, let schema), .join(_, _, _, _, _, _, let schema): schema
        case .union(_, let schema), .setOperation(_, _, _, _, let schema): schema
        case .window(_, _, let schema): schema
        case .extendedJoin(_, _, _, _, _, _, let schema): schema
        }
    }
}

/// The set operations that compare rows (UNION is `.union`, plus `.distinct` without ALL).
public enum SetOperationKind: String, Sendable {
    case intersect = "INTERSECT"
    case except = "EXCEPT"
}

/// The kinds of ``LogicalPlan/extendedJoin(_:_:_:leftKeys:rightKeys:residual:_:)``; the raw
/// values are the executor's `JoinKind` names.
public enum LogicalJoinKind: String, Sendable {
    case right = "RIGHT"
    case full = "FULL"
    /// Left rows with a match (`EXISTS`, `IN (SELECT …)` as a WHERE conjunct).
    case semi = "SEMI"
    /// Left rows without a match (`NOT EXISTS`, correlated `NOT IN`).
    case anti = "ANTI"
    /// Left rows and whether some right row matches (`EXISTS` inside an expression).
    case mark = "MARK"
    /// Left rows and `key IN (right keys)` with SQL's NULL semantics (uncorrelated `IN (SELECT …)`).
    case nullAwareMark = "MARK_IN"
    /// LEFT join with at most one match per left row, else an error (scalar subqueries).
    case single = "SINGLE"
}

/// A bound statement: a query, or EXPLAIN [ANALYZE] of one.
public struct BoundStatement: Sendable {
    public var plan: LogicalPlan
    public var explain: Bool
    public var analyze: Bool
}
