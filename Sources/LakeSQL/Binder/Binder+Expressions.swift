import LakeColumnar

/// The aggregate calls and groups of one SELECT, shared while its clauses are bound.
final class AggregationState {
    let groups: [BoundExpression]
    let groupSources: [SQLExpression]
    var aggregates: [BoundAggregate] = []

    init(groups: [BoundExpression], groupSources: [SQLExpression]) {
        self.groups = groups
        self.groupSources = groupSources
    }
}

extension Binder {
    struct Context {
        var scope: Scope
        var aggregation: AggregationState?
        /// After the aggregate node: columns are groups then aggregates.
        var aggregated = false
        var insideAggregate = false
        /// Where window calls of this SELECT are collected; `nil` where windows are not allowed.
        var windows: WindowState?
        var insideWindow = false
        /// The values of subqueries already joined to the plan (SPEC.md §8.7).
        var subqueries: SubqueryValues = [:]

        init(scope: Scope, aggregation: AggregationState? = nil) {
            self.scope = scope
            self.aggregation = aggregation
        }
    }

    static let aggregateNames = Set(["count", "sum", "avg", "min", "max", "mean"]).union(moreAggregateNames)

    func containsAggregate(_ expression: SQLExpression) -> Bool {
        switch expression {
        case .function(let call):
            if Self.aggregateNames.contains(call.name.name.text.lowercased()) && call.window == nil { return true }
            if let window = call.window,
                window.partitionBy.contains(where: containsAggregate)
                    || window.orderBy.contains(where: { containsAggregate($0.expression) })
            {
                return true
            }
            return call.arguments.contains(where: containsAggregate)
        case .unary(_, let operand, _), .isNull(let operand, _, _), .isBoolean(let operand, _, _, _),
            .cast(let operand, _, _, _), .extract(_, let operand, _):
            return containsAggregate(operand)
        case .binary(let l, _, let r, _), .isDistinctFrom(let l, let r, _, _): return containsAggregate(l) || containsAggregate(r)
        case .between(let a, let b, let c, _, _): return containsAggregate(a) || containsAggregate(b) || containsAggregate(c)
        case .inList(let a, let list, _, _): return containsAggregate(a) || list.contains(where: containsAggregate)
        case .like(let a, let b, _, _, _, _): return containsAggregate(a) || containsAggregate(b)
        case .caseWhen(let operand, let branches, let otherwise, _):
            return (operand.map(containsAggregate) ?? false)
                || branches.contains { containsAggregate($0.condition) || containsAggregate($0.result) }
                || (otherwise.map(containsAggregate) ?? false)
        default: return false
        }
    }

    func bindPredicate(_ expression: SQLExpression, _ context: Context, clause: String) throws -> BoundExpression {
        if context.aggregation == nil && containsAggregate(expression) {
            throw SQLError("aggregate functions are not allowed in \(clause)", at: expression.position)
        }
        let bound = try bindExpression(expression, context)
        if case .literal(.null, _) = bound { return .literal(.null, .boolean) }
        guard bound.type == .boolean else {
            throw SQLError("\(clause) needs a BOOLEAN condition, got \(bound.type)", at: expression.position)
        }
        return bound
    }

    // MARK: - Expressions

    func bindExpression(_ expression: SQLExpression, _ context: Context) throws -> BoundExpression {
        if let state = context.aggregation, !context.insideAggregate {
            // A whole group expression maps to its output column.
            if let index = state.groupSources.firstIndex(of: expression) {
                return groupReference(index, state, context)
            }
            if !containsAggregate(expression), case .column = expression {
                let plain = try bindExpression(expression, Context(scope: context.scope))
                if let index = state.groups.firstIndex(of: plain) { return groupReference(index, state, context) }
                throw SQLError(
                    "column \"\(expression)\" must appear in the GROUP BY clause or be used in an aggregate function",
                    at: expression.position)
            }
            if !containsAggregate(expression), let plain = try? bindExpression(expression, Context(scope: context.scope)),
                let index = state.groups.firstIndex(of: plain)
            {
                return groupReference(index, state, context)
            }
        }
        switch expression {
        case .literal(let literal, let position):
            return try bindLiteral(literal, position)
        case .column(let name, let position):
            if let special = try specialColumn(name, context.scope) { return special }
            let (index, type) = try resolve(name, context.scope, position: position)
            return .column(index, type)
        case .star(_, let position):
            throw SQLError("* is only allowed in the select list and count(*)", at: position)
        case .unary(let op, let operand, let position):
            if op == .negate, case .literal(let literal, _) = operand {
                switch literal {
                case .integer(let digits): return try bindLiteral(.integer("-" + digits), position)
                case .decimal(let digits): return try bindLiteral(.decimal("-" + digits), position)
                default: break
                }
            }
            let value = try bindExpression(operand, context)
            switch op {
            case .plus: return value
            case .not: return .call(.not, [try boolean(value, operand.position)], .boolean)
            case .negate:
                guard isNumeric(value.type) || isNull(value) else {
                    throw SQLError("cannot negate a value of type \(value.type)", at: position)
                }
                let type = isNull(value) ? DataType.int32 : value.type
                return .call(.negate, [value], type)
            }
        case .binary(let left, let op, let right, let position):
            return try bindBinary(op, left, right, position, context)
        case .isNull(let operand, let negated, _):
            return .call(negated ? .isNotNull : .isNull, [try bindExpression(operand, context)], .boolean)
        case .isBoolean(let operand, let value, let negated, _):
            let bound = try boolean(try bindExpression(operand, context), operand.position)
            let test: BoundExpression = .call(
                .and, [.call(.isNotNull, [bound], .boolean), value ? bound : .call(.not, [bound], .boolean)], .boolean)
            return negated ? .call(.not, [test], .boolean) : test
        case .isDistinctFrom(let left, let right, let negated, let position):
            let (l, r) = try coercePair(try bindExpression(left, context), try bindExpression(right, context), position)
            // Distinct: both non-null and unequal, or exactly one null.
            let bothValid: BoundExpression = .call(.and, [.call(.isNotNull, [l], .boolean), .call(.isNotNull, [r], .boolean)], .boolean)
            let differ: BoundExpression = .call(
                .caseWhen,
                [bothValid, .call(.notEqual, [l, r], .boolean),
                 .call(.and, [.call(.isNull, [l], .boolean), .call(.isNull, [r], .boolean)], .boolean), .literal(.boolean(false), .boolean),
                 .literal(.boolean(true), .boolean)], .boolean)
            return negated ? .call(.not, [differ], .boolean) : differ
        case .between(let operand, let low, let high, let negated, let position):
            let value = try bindExpression(operand, context)
            let (a, lo) = try coercePair(value, try bindExpression(low, context), position)
            let (b, hi) = try coercePair(value, try bindExpression(high, context), position)
            let test: BoundExpression = .call(
                .and, [.call(.greaterOrEqual, [a, lo], .boolean), .call(.lessOrEqual, [b, hi], .boolean)], .boolean)
            return negated ? .call(.not, [test], .boolean) : test
        case .inList(let operand, let list, let negated, let position):
            var values = [try bindExpression(operand, context)]
            for item in list { values.append(try bindExpression(item, context)) }
            let type = try commonType(values, position)
            return .call(negated ? .notInList : .inList, try values.map { try coerce($0, to: type, position) }, .boolean)
        case .inSubquery(_, _, let negated, let position), .exists(_, let negated, let position):
            guard let value = context.subqueries[position] else {
                throw SQLError("subqueries are only supported in WHERE and the select list", at: position)
            }
            return negated ? .call(.not, [value], .boolean) : value
        case .subquery(_, let position):
            guard let value = context.subqueries[position] else {
                throw SQLError("subqueries are only supported in WHERE and the select list", at: position)
            }
            return value
        case .like(let operand, let pattern, let escape, let caseInsensitive, let negated, let position):
            var escapeValue: BoundExpression?
            if let escape {
                let bound = try bindExpression(escape, context)
                guard case .literal(.string(let text), _) = bound, text.unicodeScalars.count == 1, text.utf8.count == 1 else {
                    throw SQLError("the ESCAPE clause must be a single ASCII character constant", at: escape.position)
                }
                escapeValue = bound
            }
            let value = try coerce(try bindExpression(operand, context), to: .string, position)
            let patternValue = try bindExpression(pattern, context)
            guard case .literal(let literal, _) = patternValue else {
                throw SQLError("the LIKE pattern must be a constant string", at: pattern.position)
            }
            if case .null = literal { return .literal(.null, .boolean) }
            guard case .string = literal else {
                throw SQLError("the LIKE pattern must be a constant string", at: pattern.position)
            }
            let function: BoundFunction =
                caseInsensitive ? (negated ? .notIlike : .ilike) : (negated ? .notLike : .like)
            return .call(function, [value, .literal(literal, .string)] + (escapeValue.map { [$0] } ?? []), .boolean)
        case .caseWhen(let operand, let branches, let otherwise, let position):
            var conditions: [BoundExpression] = []
            var results: [BoundExpression] = []
            let subject = try operand.map { try bindExpression($0, context) }
            for branch in branches {
                if let subject {
                    let (s, v) = try coercePair(subject, try bindExpression(branch.condition, context), position)
                    conditions.append(.call(.equal, [s, v], .boolean))
                } else {
                    conditions.append(try boolean(try bindExpression(branch.condition, context), branch.condition.position))
                }
                results.append(try bindExpression(branch.result, context))
            }
            let elseValue = try otherwise.map { try bindExpression($0, context) }
            let type = try commonType(results + (elseValue.map { [$0] } ?? []), position)
            var arguments: [BoundExpression] = []
            for (condition, result) in zip(conditions, results) {
                arguments.append(condition)
                arguments.append(try coerce(result, to: type, position))
            }
            if let elseValue { arguments.append(try coerce(elseValue, to: type, position)) }
            return .call(.caseWhen, arguments, type)
        case .cast(let operand, let typeName, let isTry, _):
            let type = try dataType(typeName)
            let value = try bindExpression(operand, context)
            if isNull(value) { return .literal(.null, type) }
            return value.type == type ? value : .cast(value, type, isTry: isTry)
        case .function(let call):
            return try bindFunction(call, context)
        case .extract(let field, let operand, let position):
            let value = try bindExpression(operand, context)
            return try datePart(field.lowercased(), value, position)
        case .interval(_, _, let position):
            throw SQLError("an INTERVAL can only be added to or subtracted from a DATE or TIMESTAMP", at: position)
        }
    }

    func groupReference(_ index: Int, _ state: AggregationState, _ context: Context) -> BoundExpression {
        .column(index, state.groups[index].type)
    }

    func isNull(_ expression: BoundExpression) -> Bool {
        if case .literal(.null, _) = expression { return true }
        return false
    }

    func boolean(_ value: BoundExpression, _ position: SourcePosition) throws -> BoundExpression {
        if isNull(value) { return .literal(.null, .boolean) }
        guard value.type == .boolean else {
            throw SQLError("expected a BOOLEAN expression, got \(value.type)", at: position)
        }
        return value
    }

    func bindLiteral(_ literal: SQLLiteral, _ position: SourcePosition) throws -> BoundExpression {
        switch literal {
        case .null: return .literal(.null, .int32)
        case .boolean(let value): return .literal(.boolean(value), .boolean)
        case .string(let text): return .literal(.string(text), .string)
        case .integer(let digits):
            if let value = Int32(digits) { return .literal(.integer(Int64(value)), .int32) }
            if let value = Int64(digits) { return .literal(.integer(value), .int64) }
            return try bindLiteral(.decimal(digits), position)
        case .decimal(let text):
            let lowered = text.lowercased()
            if lowered.contains("e") {
                guard let value = Double(text) else { throw SQLError("invalid number \(text)", at: position) }
                return .literal(.float(value), .float64)
            }
            let negative = text.hasPrefix("-")
            let body = negative ? String(text.dropFirst()) : text
            let parts = body.split(separator: ".", omittingEmptySubsequences: false)
            var integerDigits = String(parts[0])
            while integerDigits.count > 1 && integerDigits.hasPrefix("0") { integerDigits.removeFirst() }
            let fraction = parts.count > 1 ? String(parts[1]) : ""
            let scale = fraction.count
            let precision = max(integerDigits.isEmpty ? 1 : integerDigits.count, 1) + scale
            guard precision <= 38, let unscaled = Int128(integerDigits.isEmpty ? "0" : integerDigits + fraction) ?? Int128(fraction) else {
                guard let value = Double(text) else { throw SQLError("invalid number \(text)", at: position) }
                return .literal(.float(value), .float64)
            }
            return .literal(.decimal(negative ? -unscaled : unscaled, scale: scale), .decimal(precision: precision, scale: scale))
        case .typed(let typeName, let text):
            let type = try dataType(SQLTypeName(name: typeName, position: position))
            return .cast(.literal(.string(text), .string), type, isTry: false)
        }
    }

    func dataType(_ name: SQLTypeName) throws -> DataType {
        switch name.name.uppercased() {
        case "BOOLEAN", "BOOL", "LOGICAL": return .boolean
        case "TINYINT", "INT1": return .int8
        case "SMALLINT", "INT2", "SHORT": return .int16
        case "INT", "INTEGER", "INT4", "SIGNED": return .int32
        case "BIGINT", "INT8", "LONG": return .int64
        case "REAL", "FLOAT", "FLOAT4": return .float32
        case "DOUBLE", "FLOAT8", "DOUBLE PRECISION": return .float64
        case "DECIMAL", "NUMERIC", "DEC":
            let precision = name.parameters.first ?? 18
            let scale = name.parameters.count > 1 ? name.parameters[1] : (name.parameters.isEmpty ? 3 : 0)
            guard precision >= 1, precision <= 38, scale >= 0, scale <= precision else {
                throw SQLError("DECIMAL precision must be 1 to 38 and scale 0 to precision", at: name.position)
            }
            return .decimal(precision: precision, scale: scale)
        case "VARCHAR", "TEXT", "STRING", "CHAR", "BPCHAR", "CHARACTER VARYING": return .string
        case "BLOB", "BINARY", "BYTEA", "VARBINARY": return .binary
        case "DATE": return .date
        case "TIMESTAMP", "DATETIME", "TIMESTAMP_NTZ": return .timestampNTZ
        case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE": return .timestamp
        case "TIME": return .time
        default: throw SQLError("type \"\(name.name)\" not found", at: name.position)
        }
    }

    // MARK: - Types

    func isNumeric(_ type: DataType) -> Bool {
        switch type {
        case .int8, .int16, .int32, .int64, .float32, .float64, .decimal: true
        default: false
        }
    }

    func integerRank(_ type: DataType) -> Int? {
        switch type {
        case .int8: 1
        case .int16: 2
        case .int32: 3
        case .int64: 4
        default: nil
        }
    }

    /// Integers as decimals, DuckDB's way: INT32 → DECIMAL(10,0), INT64 → DECIMAL(19,0).
    func asDecimal(_ type: DataType) -> (precision: Int, scale: Int)? {
        switch type {
        case .int8: (3, 0)
        case .int16: (5, 0)
        case .int32: (10, 0)
        case .int64: (19, 0)
        case .decimal(let p, let s): (p, s)
        default: nil
        }
    }

    /// The type both sides of a comparison, CASE, IN or COALESCE convert to.
    func commonType(_ a: DataType, _ b: DataType) -> DataType? {
        if a == b { return a }
        if let ra = integerRank(a), let rb = integerRank(b) { return ra >= rb ? a : b }
        if isNumeric(a) && isNumeric(b) {
            if a == .float64 || b == .float64 || a == .float32 || b == .float32 { return .float64 }
            if let da = asDecimal(a), let db = asDecimal(b) {
                let scale = max(da.scale, db.scale)
                let precision = min(38, max(da.precision - da.scale, db.precision - db.scale) + scale)
                return .decimal(precision: precision, scale: scale)
            }
        }
        switch (a, b) {
        case (.date, .timestamp), (.timestamp, .date), (.timestampNTZ, .timestamp), (.timestamp, .timestampNTZ): return .timestamp
        case (.date, .timestampNTZ), (.timestampNTZ, .date): return .timestampNTZ
        default: return nil
        }
    }

    func commonType(_ values: [BoundExpression], _ position: SourcePosition) throws -> DataType {
        let typed = values.filter { !isNull($0) }
        guard var type = typed.first?.type else { return values.first?.type ?? .int32 }
        // String constants adopt the other side's type (e.g. date = '2024-01-01').
        let nonLiteralStrings = typed.filter { !isStringLiteral($0) }
        if let first = nonLiteralStrings.first { type = first.type }
        for value in nonLiteralStrings.dropFirst() {
            guard let next = commonType(type, value.type) else {
                throw SQLError("cannot compare or combine \(type) with \(value.type)", at: position, help: "Add an explicit CAST.")
            }
            type = next
        }
        return type
    }

    func isStringLiteral(_ expression: BoundExpression) -> Bool {
        if case .literal(.string, _) = expression { return true }
        return false
    }

    func coerce(_ value: BoundExpression, to type: DataType, _ position: SourcePosition) throws -> BoundExpression {
        if value.type == type { return value }
        if isNull(value) { return .literal(.null, type) }
        if isStringLiteral(value) || (isNumeric(value.type) && isNumeric(type)) || value.type == .date
            || type == .string || value.type == .timestamp || value.type == .timestampNTZ
        {
            return .cast(value, type, isTry: false)
        }
        throw SQLError("cannot convert \(value.type) to \(type)", at: position, help: "Add an explicit CAST.")
    }

    func coercePair(_ left: BoundExpression, _ right: BoundExpression, _ position: SourcePosition) throws
        -> (BoundExpression, BoundExpression)
    {
        // A numeric constant that fits the other side's type converts at bind time, so the column
        // is compared as stored (and statistics can skip files).
        if case .literal(let value, _) = right, !isLiteral(left), let converted = literal(value, as: left.type) {
            return (left, .literal(converted, left.type))
        }
        if case .literal(let value, _) = left, !isLiteral(right), let converted = literal(value, as: right.type) {
            return (.literal(converted, right.type), right)
        }
        let type = try commonType([left, right], position)
        return (try coerce(left, to: type, position), try coerce(right, to: type, position))
    }

    // MARK: - Operators

    func bindBinary(
        _ op: SQLBinaryOperator, _ leftSQL: SQLExpression, _ rightSQL: SQLExpression, _ position: SourcePosition,
        _ context: Context
    ) throws -> BoundExpression {
        // date/timestamp ± INTERVAL
        if op == .add || op == .subtract {
            if case .interval(let value, let unit, let intervalPosition) = rightSQL {
                let base = try bindExpression(leftSQL, context)
                return try addInterval(base, value: value, unit: unit, negate: op == .subtract, intervalPosition)
            }
            if op == .add, case .interval(let value, let unit, let intervalPosition) = leftSQL {
                let base = try bindExpression(rightSQL, context)
                return try addInterval(base, value: value, unit: unit, negate: false, intervalPosition)
            }
        }
        let left = try bindExpression(leftSQL, context)
        let right = try bindExpression(rightSQL, context)
        switch op {
        case .and, .or:
            return .call(
                op == .and ? .and : .or, [try boolean(left, leftSQL.position), try boolean(right, rightSQL.position)],
                .boolean)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            let (l, r) = try coercePair(left, right, position)
            let function: BoundFunction =
                switch op {
                case .equal: .equal
                case .notEqual: .notEqual
                case .less: .less
                case .lessOrEqual: .lessOrEqual
                case .greater: .greater
                default: .greaterOrEqual
                }
            return .call(function, [l, r], .boolean)
        case .concatenate:
            return .call(.concat, [try coerce(left, to: .string, position), try coerce(right, to: .string, position)], .string)
        case .add, .subtract, .multiply, .divide, .modulo:
            return try arithmetic(op, left, right, position)
        }
    }

    func arithmetic(_ op: SQLBinaryOperator, _ leftIn: BoundExpression, _ rightIn: BoundExpression, _ position: SourcePosition)
        throws -> BoundExpression
    {
        var left = leftIn
        var right = rightIn
        if isNull(left) { left = .literal(.null, isNull(right) ? .int32 : right.type) }
        if isNull(right) { right = .literal(.null, left.type) }
        if isStringLiteral(left) && isNumeric(right.type) { left = .cast(left, .float64, isTry: false) }
        if isStringLiteral(right) && isNumeric(left.type) { right = .cast(right, .float64, isTry: false) }
        // Dates.
        if left.type == .date && integerRank(right.type) != nil && (op == .add || op == .subtract) {
            var days = try coerce(right, to: .int64, position)
            if op == .subtract { days = .call(.negate, [days], .int64) }
            return .call(.dateAddDays, [left, days], .date)
        }
        if right.type == .date && integerRank(left.type) != nil && op == .add {
            return .call(.dateAddDays, [right, try coerce(left, to: .int64, position)], .date)
        }
        if left.type == .date && right.type == .date && op == .subtract {
            return .call(.dateDiffDays, [left, right], .int64)
        }
        guard isNumeric(left.type), isNumeric(right.type) else {
            throw SQLError(
                "operator \(op.rawValue) does not apply to \(left.type) and \(right.type)", at: position,
                help: "Add an explicit CAST.")
        }
        let function: BoundFunction =
            switch op {
            case .add: .add
            case .subtract: .subtract
            case .multiply: .multiply
            case .divide: .divide
            default: .modulo
            }
        if op == .divide {
            return .call(.divide, [try coerce(left, to: .float64, position), try coerce(right, to: .float64, position)], .float64)
        }
        if left.type == .float64 || right.type == .float64 || left.type == .float32 || right.type == .float32 {
            return .call(function, [try coerce(left, to: .float64, position), try coerce(right, to: .float64, position)], .float64)
        }
        if let rl = integerRank(left.type), let rr = integerRank(right.type) {
            let type = rl >= rr ? left.type : right.type
            return .call(function, [try coerce(left, to: type, position), try coerce(right, to: type, position)], type)
        }
        guard let dl = asDecimal(left.type), let dr = asDecimal(right.type) else {
            throw SQLError("operator \(op.rawValue) does not apply to \(left.type) and \(right.type)", at: position)
        }
        let l = try coerce(left, to: .decimal(precision: dl.precision, scale: dl.scale), position)
        let r = try coerce(right, to: .decimal(precision: dr.precision, scale: dr.scale), position)
        if op == .multiply {
            var precision = dl.precision + dr.precision
            if dl.precision <= 18 && dr.precision <= 18 { precision = min(precision, 18) }
            let type = DataType.decimal(precision: min(38, precision), scale: min(38, dl.scale + dr.scale))
            return .call(.multiply, [l, r], type)
        }
        let scale = max(dl.scale, dr.scale)
        let integerDigits = max(dl.precision - dl.scale, dr.precision - dr.scale)
        let precision = min(38, integerDigits + scale + (op == .modulo ? 0 : 1))
        let operandType = DataType.decimal(precision: precision, scale: scale)
        return .call(
            function, [try coerce(l, to: operandType, position), try coerce(r, to: operandType, position)], operandType)
    }

    func addInterval(_ base: BoundExpression, value: String, unit: String?, negate: Bool, _ position: SourcePosition)
        throws -> BoundExpression
    {
        var months: Int64 = 0
        var days: Int64 = 0
        var micros: Int64 = 0
        var words = value.split(separator: " ").map(String.init)
        if let unit { words.append(unit) }
        guard words.count % 2 == 0, !words.isEmpty else {
            throw SQLError("invalid INTERVAL '\(value)'", at: position, help: "Write e.g. INTERVAL '3' DAY or INTERVAL '1 month'.")
        }
        var index = 0
        while index < words.count {
            guard let amount = Int64(words[index]) else { throw SQLError("invalid INTERVAL amount '\(words[index])'", at: position) }
            var name = words[index + 1].lowercased()
            if name.hasSuffix("s") { name.removeLast() }
            func add(_ total: inout Int64, _ factor: Int64) throws {
                let (product, o1) = amount.multipliedReportingOverflow(by: factor)
                let (sum, o2) = total.addingReportingOverflow(product)
                if o1 || o2 { throw SQLError("INTERVAL '\(value)' is out of range (overflow)", at: position) }
                total = sum
            }
            switch name {
            case "year": try add(&months, 12)
            case "month": try add(&months, 1)
            case "week": try add(&days, 7)
            case "day": try add(&days, 1)
            case "hour": try add(&micros, 3_600_000_000)
            case "minute": try add(&micros, 60_000_000)
            case "second": try add(&micros, 1_000_000)
            case "millisecond": try add(&micros, 1000)
            case "microsecond": try add(&micros, 1)
            default: throw SQLError("unknown INTERVAL unit '\(words[index + 1])'", at: position)
            }
            index += 2
        }
        if negate {
            months = 0 &- months
            days = 0 &- days
            micros = 0 &- micros
        }
        var timestamp = base
        switch base.type {
        case .date: timestamp = .cast(base, .timestampNTZ, isTry: false)
        case .timestamp, .timestampNTZ: break
        default:
            if isStringLiteral(base) {
                timestamp = .cast(base, .timestampNTZ, isTry: false)
            } else {
                throw SQLError("an INTERVAL can only be added to a DATE or TIMESTAMP, not \(base.type)", at: position)
            }
        }
        return .call(
            .addInterval,
            [timestamp, .literal(.integer(months), .int64), .literal(.integer(days), .int64), .literal(.integer(micros), .int64)],
            timestamp.type)
    }

    func datePart(_ field: String, _ value: BoundExpression, _ position: SourcePosition) throws -> BoundExpression {
        var input = value
        if isStringLiteral(input) { input = .cast(input, .timestampNTZ, isTry: false) }
        guard [.date, .timestamp, .timestampNTZ].contains(input.type) || isNull(input) else {
            throw SQLError("\(field) expects a DATE or TIMESTAMP, got \(input.type)", at: position)
        }
        let function: BoundFunction
        switch field {
        case "year", "years", "yyyy": function = .year
        case "month", "months", "mon": function = .month
        case "day", "days", "dayofmonth": function = .day
        case "hour", "hours": function = .hour
        case "minute", "minutes": function = .minute
        case "second", "seconds": function = .second
        case "quarter": function = .quarter
        case "dow", "dayofweek": function = .dayofweek
        case "doy", "dayofyear": function = .dayofyear
        case "epoch": return isNull(input) ? .literal(.null, .float64) : .call(.epochSeconds, [input], .float64)
        default: throw SQLError("unknown date part \"\(field)\"", at: position)
        }
        if isNull(input) { return .literal(.null, .int64) }
        return .call(function, [input], .int64)
    }
}

extension Binder {
    func isLiteral(_ expression: BoundExpression) -> Bool {
        if case .literal = expression { return true }
        return false
    }

    /// `value` exactly representable as `type` (integers and decimals only), else `nil`.
    func literal(_ value: ScalarValue, as type: DataType) -> ScalarValue? {
        func fits(_ unscaled: Int128, _ precision: Int) -> Bool {
            var limit: Int128 = 1
            for _ in 0..<precision { limit *= 10 }
            return unscaled < limit && unscaled > -limit
        }
        func scaled(_ unscaled: Int128, by digits: Int) -> Int128? {
            var result = unscaled
            for _ in 0..<digits {
                let (next, overflow) = result.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                result = next
            }
            return result
        }
        switch (value, type) {
        case (.integer(let n), .int8): return Int8(exactly: n) == nil ? nil : value
        case (.integer(let n), .int16): return Int16(exactly: n) == nil ? nil : value
        case (.integer(let n), .int32): return Int32(exactly: n) == nil ? nil : value
        case (.integer, .int64): return value
        case (.integer(let n), .decimal(let p, let s)):
            guard let unscaled = scaled(Int128(n), by: s), fits(unscaled, p) else { return nil }
            return .decimal(unscaled, scale: s)
        case (.decimal(let u, let from), .decimal(let p, let s)) where from <= s:
            guard let unscaled = scaled(u, by: s - from), fits(unscaled, p) else { return nil }
            return .decimal(unscaled, scale: s)
        default: return nil
        }
    }
}
