/// An expression as written in SQL, before names and types are resolved (the AST layer; the
/// binder turns it into a `LogicalExpression`).
public indirect enum SQLExpression: Sendable, Equatable {
    /// A literal value.
    case literal(SQLLiteral, SourcePosition)
    /// A column reference: `name` or `qualifier.name` (each part as written, quoted or not).
    case column(SQLName, SourcePosition)
    /// `*` or `t.*` inside a select list or `count(*)`.
    case star(qualifier: SQLIdentifier?, SourcePosition)
    /// A unary operator: `-x`, `+x`, `NOT x`.
    case unary(SQLUnaryOperator, SQLExpression, SourcePosition)
    /// A binary operator.
    case binary(SQLExpression, SQLBinaryOperator, SQLExpression, SourcePosition)
    /// `x IS [NOT] NULL`.
    case isNull(SQLExpression, negated: Bool, SourcePosition)
    /// `x IS [NOT] TRUE|FALSE`.
    case isBoolean(SQLExpression, value: Bool, negated: Bool, SourcePosition)
    /// `x IS [NOT] DISTINCT FROM y`.
    case isDistinctFrom(SQLExpression, SQLExpression, negated: Bool, SourcePosition)
    /// `x [NOT] BETWEEN low AND high`.
    case between(SQLExpression, low: SQLExpression, high: SQLExpression, negated: Bool, SourcePosition)
    /// `x [NOT] IN (a, b, …)`.
    case inList(SQLExpression, [SQLExpression], negated: Bool, SourcePosition)
    /// `x [NOT] IN (SELECT …)`.
    case inSubquery(SQLExpression, SQLQuery, negated: Bool, SourcePosition)
    /// `x [NOT] LIKE|ILIKE pattern [ESCAPE e]`.
    case like(SQLExpression, pattern: SQLExpression, escape: SQLExpression?, caseInsensitive: Bool, negated: Bool,
        SourcePosition)
    /// `[NOT] EXISTS (SELECT …)`.
    case exists(SQLQuery, negated: Bool, SourcePosition)
    /// `(SELECT …)` used as a value.
    case subquery(SQLQuery, SourcePosition)
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
    case caseWhen(operand: SQLExpression?, branches: [SQLWhenBranch], otherwise: SQLExpression?, SourcePosition)
    /// `CAST(x AS type)`, `TRY_CAST(x AS type)` or `x::type`.
    case cast(SQLExpression, SQLTypeName, isTry: Bool, SourcePosition)
    /// A function call: `name([DISTINCT] args) [FILTER (WHERE …)] [OVER (…)]`.
    case function(SQLFunctionCall)
    /// `EXTRACT(field FROM x)`.
    case extract(field: String, SQLExpression, SourcePosition)
    /// `INTERVAL 'text'` or `INTERVAL 'n' unit` / `INTERVAL n unit`.
    case interval(value: String, unit: String?, SourcePosition)

    /// Where the expression starts in the SQL text.
    public var position: SourcePosition {
        switch self {
        case .literal(_, let position), .column(_, let position), .star(_, let position),
            .unary(_, _, let position), .binary(_, _, _, let position), .isNull(_, _, let position),
            .isBoolean(_, _, _, let position), .isDistinctFrom(_, _, _, let position),
            .between(_, _, _, _, let position), .inList(_, _, _, let position), .inSubquery(_, _, _, let position),
            .like(_, _, _, _, _, let position), .exists(_, _, let position), .subquery(_, let position),
            .caseWhen(_, _, _, let position), .cast(_, _, _, let position), .extract(_, _, let position),
            .interval(_, _, let position):
            position
        case .function(let call): call.position
        }
    }
}

/// A literal as written; numbers keep their text so the binder picks an exact type.
public enum SQLLiteral: Sendable, Equatable {
    case null
    case boolean(Bool)
    /// Digits of an integer literal (no sign).
    case integer(String)
    /// A number with a fraction or exponent, as written.
    case decimal(String)
    case string(String)
    /// `DATE '…'`, `TIMESTAMP '…'`, `TIME '…'`: a typed string.
    case typed(type: String, text: String)
}

/// An identifier with whether it was quoted (quoted identifiers match case-sensitively first).
public struct SQLIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The name as written (without quotes).
    public var text: String
    /// Whether it was written in double quotes.
    public var isQuoted: Bool

    /// An identifier.
    public init(_ text: String, isQuoted: Bool = false) {
        self.text = text
        self.isQuoted = isQuoted
    }

    public var description: String {
        guard isQuoted else { return text }
        return "\"" + String(text.flatMap { $0 == "\"" ? ["\"", "\""] : [$0] }) + "\""
    }
}

/// A dotted name: `column`, `table.column`, `schema.table.column`.
public struct SQLName: Sendable, Hashable, CustomStringConvertible {
    /// The parts, outermost first; the last part is the column name.
    public var parts: [SQLIdentifier]

    /// A name from its parts.
    public init(_ parts: [SQLIdentifier]) {
        precondition(!parts.isEmpty)
        self.parts = parts
    }

    /// The last part: the column (or table) name itself.
    public var name: SQLIdentifier { parts[parts.count - 1] }

    public var description: String { parts.map(\.description).joined(separator: ".") }
}

/// Unary operators.
public enum SQLUnaryOperator: String, Sendable {
    case negate = "-"
    case plus = "+"
    case not = "NOT"
}

/// Binary operators, by precedence group.
public enum SQLBinaryOperator: String, Sendable {
    case or = "OR"
    case and = "AND"
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case concatenate = "||"
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"
}

/// One `WHEN condition THEN result` of a CASE.
public struct SQLWhenBranch: Sendable, Equatable {
    public var condition: SQLExpression
    public var result: SQLExpression

    public init(condition: SQLExpression, result: SQLExpression) {
        self.condition = condition
        self.result = result
    }
}

/// A type name in CAST: the name (upper-cased, multi-word names joined by a space) and its
/// numeric parameters (`DECIMAL(10, 2)`).
public struct SQLTypeName: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var parameters: [Int]
    public var position: SourcePosition

    public init(name: String, parameters: [Int] = [], position: SourcePosition) {
        self.name = name
        self.parameters = parameters
        self.position = position
    }

    public var description: String {
        parameters.isEmpty ? name : "\(name)(\(parameters.map(String.init).joined(separator: ", ")))"
    }
}

/// A function call with its modifiers.
public struct SQLFunctionCall: Sendable, Equatable {
    /// The function name, as written.
    public var name: SQLName
    /// The arguments; `count(*)` has one `.star` argument.
    public var arguments: [SQLExpression]
    /// `f(DISTINCT …)`.
    public var isDistinct: Bool
    /// `ORDER BY` inside the call (`string_agg(x, ',' ORDER BY y)`).
    public var orderBy: [SQLOrderItem]
    /// `FILTER (WHERE …)`.
    public var filter: SQLExpression?
    /// `OVER (…)`: the call is a window function.
    public var window: SQLWindowSpecification?
    public var position: SourcePosition

    public init(
        name: SQLName, arguments: [SQLExpression], isDistinct: Bool = false, orderBy: [SQLOrderItem] = [],
        filter: SQLExpression? = nil, window: SQLWindowSpecification? = nil, position: SourcePosition
    ) {
        self.name = name
        self.arguments = arguments
        self.isDistinct = isDistinct
        self.orderBy = orderBy
        self.filter = filter
        self.window = window
        self.position = position
    }
}

/// `OVER (PARTITION BY … ORDER BY … frame)`, `OVER name` or `OVER (name ORDER BY … frame)`.
public struct SQLWindowSpecification: Sendable, Equatable {
    /// A window of the SELECT's WINDOW clause this one starts from.
    public var base: SQLIdentifier?
    public var partitionBy: [SQLExpression]
    public var orderBy: [SQLOrderItem]
    public var frame: SQLWindowFrame?

    public init(
        base: SQLIdentifier? = nil, partitionBy: [SQLExpression] = [], orderBy: [SQLOrderItem] = [],
        frame: SQLWindowFrame? = nil
    ) {
        self.base = base
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame
    }
}

/// `ROWS|RANGE BETWEEN start AND end` (or just `ROWS start`, meaning `AND CURRENT ROW`).
public struct SQLWindowFrame: Sendable, Equatable {
    public enum Unit: String, Sendable { case rows = "ROWS", range = "RANGE" }
    public enum Bound: Sendable, Equatable {
        case unboundedPreceding
        case preceding(SQLExpression)
        case currentRow
        case following(SQLExpression)
        case unboundedFollowing
    }

    public var unit: Unit
    public var start: Bound
    public var end: Bound

    public init(unit: Unit, start: Bound, end: Bound) {
        self.unit = unit
        self.start = start
        self.end = end
    }
}

/// One `ORDER BY` item.
public struct SQLOrderItem: Sendable, Equatable {
    public var expression: SQLExpression
    public var ascending: Bool
    /// `NULLS FIRST` (true), `NULLS LAST` (false), or unspecified (nil: the engine's default).
    public var nullsFirst: Bool?

    public init(expression: SQLExpression, ascending: Bool = true, nullsFirst: Bool? = nil) {
        self.expression = expression
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }
}
