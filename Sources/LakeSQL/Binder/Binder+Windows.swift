import LakeColumnar

/// A window function call in a logical plan: `function(arguments) OVER (PARTITION BY … ORDER BY …
/// frame)` (SPEC.md §8.6). Its expressions read the window node's input columns.
public struct BoundWindow: Sendable, Equatable, CustomStringConvertible {
    /// The window functions; aggregates carry their ``BoundAggregate``.
    public enum Function: String, Sendable, Equatable {
        case rowNumber = "row_number", rank, denseRank = "dense_rank", percentRank = "percent_rank"
        case cumeDist = "cume_dist", ntile, lag, lead, firstValue = "first_value", lastValue = "last_value"
        case nthValue = "nth_value", aggregate
    }

    /// The function.
    public var function: Function
    /// `lag`/`lead`: value and default (when given); `first_value`, `last_value`, `nth_value`: value.
    public var arguments: [BoundExpression]
    /// `lag`/`lead` offset (negative swaps the direction), `ntile` buckets, `nth_value` position.
    public var offset: Int64
    /// The aggregate of an aggregate used as a window function.
    public var aggregate: BoundAggregate?
    /// PARTITION BY expressions.
    public var partitionBy: [BoundExpression]
    /// ORDER BY keys inside OVER.
    public var orderBy: [BoundSortKey]
    /// The frame (ignored by ranking functions and `lag`/`lead`).
    public var frame: BoundWindowFrame
    /// The result type.
    public var type: DataType

    /// A window function from its parts.
    public init(
        function: Function, arguments: [BoundExpression] = [], offset: Int64 = 0, aggregate: BoundAggregate? = nil,
        partitionBy: [BoundExpression] = [], orderBy: [BoundSortKey] = [], frame: BoundWindowFrame = .default,
        type: DataType
    ) {
        self.function = function
        self.arguments = arguments
        self.offset = offset
        self.aggregate = aggregate
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame
        self.type = type
    }

    /// The input columns the window reads.
    public var columns: Set<Int> {
        var result = Set<Int>()
        for expression in arguments + partitionBy + orderBy.map(\.expression) { result.formUnion(expression.columns) }
        result.formUnion(aggregate?.argument?.columns ?? [])
        return result
    }

    public var description: String {
        let name =
            aggregate.map { "\($0.function)(\($0.distinct ? "DISTINCT " : "")\($0.argument?.description ?? "*"))" }
            ?? "\(function.rawValue)(\(arguments.map(\.description).joined(separator: ", ")))"
        var parts: [String] = []
        if !partitionBy.isEmpty { parts.append("PARTITION BY " + partitionBy.map(\.description).joined(separator: ", ")) }
        if !orderBy.isEmpty {
            parts.append(
                "ORDER BY "
                    + orderBy.map { "\($0.expression)\($0.descending ? " DESC" : "")\($0.nullsFirst ? " NULLS FIRST" : "")" }
                    .joined(separator: ", "))
        }
        parts.append(frame.description)
        return "\(name) OVER (\(parts.joined(separator: " ")))"
    }
}

/// `ROWS|RANGE BETWEEN start AND end` with its offsets resolved to constants.
public struct BoundWindowFrame: Sendable, Equatable, CustomStringConvertible {
    /// Whether offsets count rows or ORDER BY values.
    public enum Unit: String, Sendable { case rows = "ROWS", range = "RANGE" }
    /// One end of the frame. Offsets are non-negative: an integer for ROWS, a value of the ORDER
    /// BY key's type for RANGE.
    public enum Bound: Sendable, Equatable {
        case unboundedPreceding
        case preceding(ScalarValue)
        case currentRow
        case following(ScalarValue)
        case unboundedFollowing
    }

    public var unit: Unit
    public var start: Bound
    public var end: Bound

    /// A frame from its parts.
    public init(unit: Unit, start: Bound, end: Bound) {
        self.unit = unit
        self.start = start
        self.end = end
    }

    /// SQL's default: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW (the whole partition
    /// when there is no ORDER BY, since every row is then a peer).
    public static let `default` = BoundWindowFrame(unit: .range, start: .unboundedPreceding, end: .currentRow)

    public var description: String {
        func text(_ bound: Bound) -> String {
            switch bound {
            case .unboundedPreceding: "UNBOUNDED PRECEDING"
            case .preceding(let value): "\(value) PRECEDING"
            case .currentRow: "CURRENT ROW"
            case .following(let value): "\(value) FOLLOWING"
            case .unboundedFollowing: "UNBOUNDED FOLLOWING"
            }
        }
        return "\(unit.rawValue) BETWEEN \(text(start)) AND \(text(end))"
    }
}

/// The window calls of one SELECT, collected while its clauses are bound.
final class WindowState {
    /// The column count of the window node's input: window `k` is column `base + k`.
    let base: Int
    var windows: [BoundWindow] = []

    init(base: Int) {
        self.base = base
    }
}

extension Binder {
    static let rankingWindowFunctions: Set<String> = ["row_number", "rank", "dense_rank", "percent_rank", "cume_dist"]
    static let windowFunctionNames: [String] = [
        "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value",
        "last_value", "nth_value",
    ]

    /// Binds `f(…) OVER (…)`: registers the window in the context's ``WindowState`` and returns a
    /// reference to its output column.
    func bindWindowFunction(_ call: SQLFunctionCall, _ context: Context) throws -> BoundExpression {
        guard let specification = call.window else { throw SQLError("expected OVER", at: call.position) }
        let name = call.name.name.text.lowercased()
        if context.insideWindow {
            throw SQLError("window function calls cannot be nested", at: call.position)
        }
        if context.insideAggregate {
            throw SQLError("window functions are not allowed inside aggregate functions", at: call.position)
        }
        guard let state = context.windows else {
            throw SQLError("window functions are not allowed here", at: call.position)
        }
        if call.filter != nil && !Self.aggregateNames.contains(name) {
            throw SQLError("FILTER (WHERE …) is only allowed on aggregate functions", at: call.position)
        }
        if let base = specification.base {
            throw SQLError("window \"\(base.text)\" not found", at: call.position, help: "Define it in a WINDOW clause: WINDOW \(base) AS (…).")
        }
        var inner = context
        inner.insideWindow = true

        let partitionBy = try specification.partitionBy.map { try bindExpression($0, inner) }
        let orderBy = try specification.orderBy.map { item in
            BoundSortKey(
                expression: try bindExpression(item.expression, inner), descending: !item.ascending,
                nullsFirst: item.nullsFirst ?? false)
        }
        var window = BoundWindow(function: .rowNumber, partitionBy: partitionBy, orderBy: orderBy, type: .int64)
        func expectArguments(_ range: ClosedRange<Int>) throws {
            guard range.contains(call.arguments.count) else {
                let expected =
                    range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
                throw SQLError(
                    "\(name)() takes \(expected) argument\(range.upperBound == 1 ? "" : "s"), got \(call.arguments.count)",
                    at: call.position)
            }
            if call.isDistinct { throw SQLError("DISTINCT is not allowed in \(name)()", at: call.position) }
        }
        func constantInteger(_ expression: SQLExpression, _ what: String) throws -> Int64 {
            let bound = try bindExpression(expression, Context(scope: Scope(columns: [])))
            guard case .literal(.integer(let value), _) = bound else {
                throw SQLError("\(name)() expects a constant integer \(what)", at: expression.position)
            }
            return value
        }
        switch name {
        case _ where Self.rankingWindowFunctions.contains(name):
            try expectArguments(0...0)
            window.function = BoundWindow.Function(rawValue: name) ?? .rowNumber
            window.type = name == "percent_rank" || name == "cume_dist" ? .float64 : .int64
        case "ntile":
            try expectArguments(1...1)
            window.function = .ntile
            window.offset = try constantInteger(call.arguments[0], "number of buckets")
            guard window.offset > 0 else {
                throw SQLError("ntile() needs a number of buckets greater than zero", at: call.arguments[0].position)
            }
        case "lag", "lead":
            try expectArguments(1...3)
            window.function = name == "lag" ? .lag : .lead
            var value = try bindExpression(call.arguments[0], inner)
            if isNull(value) { value = .literal(.null, .int32) }
            window.arguments = [value]
            window.offset = call.arguments.count > 1 ? try constantInteger(call.arguments[1], "offset") : 1
            if call.arguments.count > 2 {
                let fallback = try bindExpression(call.arguments[2], inner)
                window.arguments.append(try coerce(fallback, to: value.type, call.arguments[2].position))
            }
            window.type = value.type
        case "first_value", "last_value", "nth_value":
            try expectArguments(name == "nth_value" ? 2...2 : 1...1)
            window.function = name == "first_value" ? .firstValue : (name == "last_value" ? .lastValue : .nthValue)
            var value = try bindExpression(call.arguments[0], inner)
            if isNull(value) { value = .literal(.null, .int32) }
            window.arguments = [value]
            window.type = value.type
            if name == "nth_value" {
                window.offset = try constantInteger(call.arguments[1], "position")
                guard window.offset > 0 else {
                    throw SQLError("nth_value() needs a position greater than zero", at: call.arguments[1].position)
                }
            }
        case _ where Self.aggregateNames.contains(name):
            let aggregate = try windowAggregate(name, call, inner)
            window.function = .aggregate
            window.aggregate = aggregate
            window.type = aggregate.type
        default:
            if Self.scalarFunctionNames.contains(name) {
                throw SQLError(
                    "function \"\(call.name)\" is not a window or aggregate function", at: call.position,
                    help: "Window functions: " + Self.windowFunctionNames.joined(separator: ", ") + ", and the aggregates.")
            }
            throw SQLError(
                "function \"\(call.name)\" not found", at: call.position,
                help: "Window functions: " + Self.windowFunctionNames.joined(separator: ", ") + ", and the aggregates.")
        }
        if window.function == .aggregate || window.function == .firstValue || window.function == .lastValue
            || window.function == .nthValue
        {
            window.frame = try bindFrame(specification.frame, orderBy: orderBy, at: call.position)
        }
        let index: Int
        if let existing = state.windows.firstIndex(of: window) {
            index = existing
        } else {
            state.windows.append(window)
            index = state.windows.count - 1
        }
        return .column(state.base + index, window.type)
    }

    /// An aggregate used as a window function, typed exactly as in GROUP BY: the arguments are bound
    /// here (they may read groups and aggregates), then the aggregate binder types the call over
    /// stand-in columns, which are replaced by the bound arguments again.
    func windowAggregate(_ name: String, _ call: SQLFunctionCall, _ context: Context) throws -> BoundAggregate {
        var bound: [BoundExpression] = []
        var arguments: [SQLExpression] = []
        for argument in call.arguments {
            switch argument {
            case .star, .literal: arguments.append(argument)
            default:
                let stand = "__window_argument\(bound.count)"
                bound.append(try bindExpression(argument, context))
                arguments.append(.column(SQLName([SQLIdentifier(stand, isQuoted: true)]), argument.position))
            }
        }
        let scope = Scope(
            columns: bound.enumerated().map {
                ScopeColumn(qualifier: nil, name: "__window_argument\($0.offset)", type: $0.element.type)
            })
        let state = AggregationState(groups: [], groupSources: [])
        var plain = call
        plain.window = nil
        plain.filter = nil
        plain.arguments = arguments
        // FILTER (WHERE c): rows where c is not true count as NULL arguments (count(*) counts a
        // constant instead of rows).
        var filter: BoundExpression?
        if let condition = call.filter {
            if firstWindowCall(condition) != nil {
                throw SQLError("window function calls cannot be nested", at: condition.position)
            }
            filter = try bindPredicate(condition, context, clause: "FILTER")
            if name == "count" && (arguments.isEmpty || arguments.allSatisfy({ if case .star = $0 { true } else { false } })) {
                plain.arguments = [.literal(.integer("1"), call.position)]
            }
        }
        _ = try bindAggregate(name, plain, Context(scope: scope, aggregation: state))
        guard var aggregate = state.aggregates.first else {
            throw SQLError("\(name)() cannot be used as a window function", at: call.position)
        }
        aggregate.argument = aggregate.argument.map { substituteColumns($0, bound) }
        if let filter, let argument = aggregate.argument {
            aggregate.argument = .call(.caseWhen, [filter, argument], argument.type)
        }
        return aggregate
    }

    /// `expression` with column `k` replaced by `replacements[k]`.
    func substituteColumns(_ expression: BoundExpression, _ replacements: [BoundExpression]) -> BoundExpression {
        switch expression {
        case .column(let index, let type):
            return index < replacements.count ? replacements[index] : .column(index, type)
        case .literal: return expression
        case .cast(let operand, let type, let isTry):
            return .cast(substituteColumns(operand, replacements), type, isTry: isTry)
        case .call(let function, let arguments, let type):
            return .call(function, arguments.map { substituteColumns($0, replacements) }, type)
        }
    }

    /// Checks a frame and resolves its offsets (SPEC.md §8.6).
    func bindFrame(_ frame: SQLWindowFrame?, orderBy: [BoundSortKey], at callPosition: SourcePosition) throws
        -> BoundWindowFrame
    {
        guard let frame else { return .default }
        func position(_ bound: SQLWindowFrame.Bound) -> SourcePosition? {
            switch bound {
            case .preceding(let e), .following(let e): e.position
            default: nil
            }
        }
        if case .unboundedFollowing = frame.start {
            throw SQLError("a window frame cannot start at UNBOUNDED FOLLOWING", at: callPosition)
        }
        if case .unboundedPreceding = frame.end {
            throw SQLError("a window frame cannot end at UNBOUNDED PRECEDING", at: callPosition)
        }
        let hasOffset = position(frame.start) != nil || position(frame.end) != nil
        var keyType: DataType?
        if frame.unit == .range && hasOffset {
            guard orderBy.count == 1 else {
                throw SQLError(
                    "a RANGE frame with an offset needs exactly one ORDER BY expression",
                    at: position(frame.start) ?? position(frame.end) ?? callPosition)
            }
            let type = orderBy[0].expression.type
            guard isNumeric(type) || [.date, .timestamp, .timestampNTZ].contains(type) else {
                throw SQLError(
                    "a RANGE frame with an offset needs a numeric, DATE or TIMESTAMP ORDER BY expression, got \(type)",
                    at: position(frame.start) ?? position(frame.end) ?? callPosition, help: "Use ROWS, or order by a number.")
            }
            keyType = type
        }
        func offset(_ expression: SQLExpression) throws -> ScalarValue {
            if case .interval(let text, let unit, let intervalPosition) = expression {
                return try intervalOffset(text, unit, keyType, intervalPosition)
            }
            if keyType == .timestamp || keyType == .timestampNTZ {
                throw SQLError(
                    "a RANGE frame over a TIMESTAMP needs an INTERVAL offset", at: expression.position,
                    help: "Write e.g. INTERVAL 2 HOURS PRECEDING.")
            }
            let bound = try bindExpression(expression, Context(scope: Scope(columns: [])))
            guard case .literal(let value, _) = bound else {
                throw SQLError("a window frame offset must be a constant", at: expression.position)
            }
            guard let keyType else {
                guard case .integer(let rows) = value, rows >= 0 else {
                    throw SQLError("a ROWS frame offset must be a non-negative integer", at: expression.position)
                }
                return value
            }
            let negative: Bool
            switch value {
            case .integer(let n): negative = n < 0
            case .decimal(let n, _): negative = n < 0
            case .float(let n): negative = !(n >= 0)
            default:
                throw SQLError("a RANGE frame offset must be a number", at: expression.position)
            }
            if negative { throw SQLError("a RANGE frame offset cannot be negative", at: expression.position) }
            switch keyType {
            case .date:
                if case .integer = value { return value }
            case .float32, .float64:
                switch value {
                case .integer(let n): return .float(Double(n))
                case .decimal(let n, let scale): return .float(Double(n) / Double(Decimal128Power.of(scale)))
                default: return value
                }
            case .decimal(_, let scale):
                if let converted = literal(value, as: .decimal(precision: 38, scale: scale)) { return converted }
            default:
                if case .integer = value { return value }
            }
            throw SQLError(
                "the RANGE frame offset \(value) does not fit the ORDER BY type \(keyType)", at: expression.position,
                help: "Cast the ORDER BY expression.")
        }
        func bound(_ bound: SQLWindowFrame.Bound) throws -> BoundWindowFrame.Bound {
            switch bound {
            case .unboundedPreceding: .unboundedPreceding
            case .preceding(let e): .preceding(try offset(e))
            case .currentRow: .currentRow
            case .following(let e): .following(try offset(e))
            case .unboundedFollowing: .unboundedFollowing
            }
        }
        return BoundWindowFrame(
            unit: frame.unit == .rows ? .rows : .range, start: try bound(frame.start), end: try bound(frame.end))
    }

    /// An INTERVAL frame offset in the ORDER BY key's unit: days for DATE (whole days only),
    /// microseconds for TIMESTAMP. Months have no fixed length and are refused.
    func intervalOffset(_ text: String, _ unit: String?, _ keyType: DataType?, _ position: SourcePosition) throws
        -> ScalarValue
    {
        guard let keyType, [.date, .timestamp, .timestampNTZ].contains(keyType) else {
            throw SQLError("an INTERVAL frame offset needs a RANGE frame over a DATE or TIMESTAMP", at: position)
        }
        guard case .call(.addInterval, let parts, _) = try addInterval(.literal(.null, .timestampNTZ), value: text, unit: unit, negate: false, position),
            parts.count == 4, case .literal(.integer(let months), _) = parts[1], case .literal(.integer(let days), _) = parts[2],
            case .literal(.integer(let micros), _) = parts[3]
        else { throw SQLError("invalid INTERVAL frame offset", at: position) }
        guard months == 0 else {
            throw SQLError("a RANGE frame offset in months or years is not supported", at: position, help: "Use days.")
        }
        let perDay: Int64 = 86_400_000_000
        if keyType == .date {
            guard micros % perDay == 0 else {
                throw SQLError("a RANGE frame over a DATE needs a whole number of days", at: position)
            }
            let (total, overflow) = days.addingReportingOverflow(micros / perDay)
            guard !overflow, total >= 0 else { throw SQLError("a RANGE frame offset cannot be negative", at: position) }
            return .integer(total)
        }
        let (scaled, o1) = days.multipliedReportingOverflow(by: perDay)
        let (total, o2) = scaled.addingReportingOverflow(micros)
        guard !o1, !o2 else { throw SQLError("the INTERVAL frame offset is out of range (overflow)", at: position) }
        guard total >= 0 else { throw SQLError("a RANGE frame offset cannot be negative", at: position) }
        return .integer(total)
    }

    // MARK: - Clauses

    /// The SELECT and its query with `OVER name` and `OVER (name …)` replaced by the windows of
    /// the WINDOW clause: the named window's PARTITION BY and ORDER BY, plus the referring
    /// window's own ORDER BY (when the named one has none) and frame.
    func resolvingNamedWindows(_ select: SelectStatement, _ query: SQLQuery) throws -> (SelectStatement, SQLQuery) {
        guard !select.windows.isEmpty else { return (select, query) }
        var failure: SQLError?
        func lookup(_ name: SQLIdentifier) -> SQLWindowSpecification? {
            select.windows.last(where: {
                name.isQuoted || $0.name.isQuoted ? $0.name.text == name.text : $0.name.text.lowercased() == name.text.lowercased()
            })?.specification
        }
        func resolve(_ expression: SQLExpression) -> SQLExpression {
            rewrite(expression) { node in
                guard case .function(var call) = node, let window = call.window, let base = window.base else { return nil }
                // A named window may itself start from an earlier one.
                var chain: [SQLWindowSpecification] = [window]
                var next: SQLIdentifier? = base
                while let name = next {
                    guard chain.count <= select.windows.count else {
                        failure = failure ?? SQLError("the named windows refer to each other in a cycle", at: call.position)
                        return nil
                    }
                    guard let found = lookup(name) else {
                        failure = failure ?? SQLError("window \"\(name.text)\" not found", at: call.position)
                        return nil
                    }
                    chain.append(found)
                    next = found.base
                }
                var merged = SQLWindowSpecification()
                for specification in chain.reversed() {
                    if !specification.partitionBy.isEmpty {
                        if !merged.partitionBy.isEmpty {
                            failure = failure ?? SQLError("a window that names another cannot add PARTITION BY", at: call.position)
                        }
                        merged.partitionBy = specification.partitionBy
                    }
                    if !specification.orderBy.isEmpty {
                        if !merged.orderBy.isEmpty {
                            failure = failure ?? SQLError("cannot override the ORDER BY of window \"\(base.text)\"", at: call.position)
                        }
                        merged.orderBy = specification.orderBy
                    }
                    if let frame = specification.frame { merged.frame = frame }
                }
                call.window = merged
                call.arguments = call.arguments.map(resolve)
                return .function(call)
            }
        }
        var select = select
        var query = query
        select.items = select.items.map { item in
            if case .expression(let expression, let alias) = item { return .expression(resolve(expression), alias: alias) }
            return item
        }
        select.qualify = select.qualify.map(resolve)
        query.orderBy = query.orderBy.map {
            SQLOrderItem(expression: resolve($0.expression), ascending: $0.ascending, nullsFirst: $0.nullsFirst)
        }
        if let failure { throw failure }
        return (select, query)
    }

    /// The first window call in `expression`, if any.
    func firstWindowCall(_ expression: SQLExpression) -> SQLFunctionCall? {
        var found: SQLFunctionCall?
        _ = rewrite(expression) { node in
            if found == nil, case .function(let call) = node, call.window != nil { found = call }
            return nil
        }
        return found
    }

    /// Throws when `expression` holds a window function (`clause` is WHERE, GROUP BY, HAVING, …).
    func rejectWindows(_ expression: SQLExpression, clause: String) throws {
        if let call = firstWindowCall(expression) {
            throw SQLError(
                "window functions are not allowed in \(clause)", at: call.position,
                help: "Compute the window in a subquery, or filter on it with QUALIFY.")
        }
    }

    /// QUALIFY may name select-list aliases (as in DuckDB): names that are not columns of the
    /// FROM clause but are aliases become the aliased expressions.
    func replacingAliases(
        _ expression: SQLExpression, _ items: [(expression: SQLExpression, name: String)], _ scope: Scope
    ) -> SQLExpression {
        rewrite(expression) { node in
            guard case .column(let name, let position) = node, name.parts.count == 1,
                (try? resolve(name, scope, position: position)) == nil,
                let item = items.first(where: { $0.name.lowercased() == name.name.text.lowercased() })
            else { return nil }
            return item.expression
        }
    }

    /// Rebuilds `expression` bottom-up except where `transform` returns a replacement (which is
    /// not visited further). Subqueries are left as they are.
    func rewrite(_ expression: SQLExpression, _ transform: (SQLExpression) -> SQLExpression?) -> SQLExpression {
        if let replaced = transform(expression) { return replaced }
        func r(_ e: SQLExpression) -> SQLExpression { rewrite(e, transform) }
        switch expression {
        case .literal, .column, .star, .exists, .subquery, .interval: return expression
        case .unary(let op, let operand, let p): return .unary(op, r(operand), p)
        case .binary(let a, let op, let b, let p): return .binary(r(a), op, r(b), p)
        case .isNull(let a, let negated, let p): return .isNull(r(a), negated: negated, p)
        case .isBoolean(let a, let value, let negated, let p): return .isBoolean(r(a), value: value, negated: negated, p)
        case .isDistinctFrom(let a, let b, let negated, let p): return .isDistinctFrom(r(a), r(b), negated: negated, p)
        case .between(let a, let low, let high, let negated, let p):
            return .between(r(a), low: r(low), high: r(high), negated: negated, p)
        case .inList(let a, let list, let negated, let p): return .inList(r(a), list.map(r), negated: negated, p)
        case .inSubquery(let a, let query, let negated, let p): return .inSubquery(r(a), query, negated: negated, p)
        case .like(let a, let pattern, let escape, let ci, let negated, let p):
            return .like(r(a), pattern: r(pattern), escape: escape.map(r), caseInsensitive: ci, negated: negated, p)
        case .caseWhen(let operand, let branches, let otherwise, let p):
            return .caseWhen(
                operand: operand.map(r),
                branches: branches.map { SQLWhenBranch(condition: r($0.condition), result: r($0.result)) },
                otherwise: otherwise.map(r), p)
        case .cast(let a, let type, let isTry, let p): return .cast(r(a), type, isTry: isTry, p)
        case .extract(let field, let a, let p): return .extract(field: field, r(a), p)
        case .function(var call):
            call.arguments = call.arguments.map(r)
            call.filter = call.filter.map(r)
            if var window = call.window {
                window.partitionBy = window.partitionBy.map(r)
                window.orderBy = window.orderBy.map {
                    SQLOrderItem(expression: r($0.expression), ascending: $0.ascending, nullsFirst: $0.nullsFirst)
                }
                call.window = window
            }
            return .function(call)
        }
    }

    /// Puts the window node (and the QUALIFY filter over it) above `plan` once every clause of
    /// the SELECT has been bound.
    func attachWindows(_ plan: LogicalPlan, _ state: WindowState, qualify: BoundExpression?) -> LogicalPlan {
        guard !state.windows.isEmpty else { return plan }
        let fields =
            plan.schema.fields
            + state.windows.enumerated().map { Field("__window\($0.offset)", $0.element.type) }
        let windowed = LogicalPlan.window(plan, state.windows, Schema(fields))
        return qualify.map { .filter(windowed, $0) } ?? windowed
    }
}

/// Powers of ten for converting decimal offsets.
enum Decimal128Power {
    static func of(_ exponent: Int) -> Int128 {
        var value: Int128 = 1
        for _ in 0..<max(0, min(exponent, 38)) { value *= 10 }
        return value
    }
}
