import LakeColumnar

extension Binder {
    func bindFunction(_ call: SQLFunctionCall, _ context: Context) throws -> BoundExpression {
        let name = call.name.name.text.lowercased()
        if call.window != nil { return try bindWindowFunction(call, context) }
        if Self.aggregateNames.contains(name) { return try bindAggregate(name, call, context) }
        if call.filter != nil {
            throw SQLError("FILTER (WHERE …) is only allowed on aggregate functions", at: call.position)
        }
        if call.isDistinct { throw SQLError("DISTINCT is only allowed in aggregate functions", at: call.position) }
        let arguments = try call.arguments.map { try bindExpression($0, context) }
        func expectCount(_ range: ClosedRange<Int>) throws {
            try Self.checkArgumentCount(name, arguments.count, range, at: call.position)
        }
        func text(_ value: BoundExpression) throws -> BoundExpression {
            try textArgument(name, value, at: call.position)
        }
        switch name {
        case "lower", "upper", "lcase", "ucase":
            try expectCount(1...1)
            let function: BoundFunction = name == "lower" || name == "lcase" ? .lower : .upper
            return .call(function, [try text(arguments[0])], .string)
        case "length", "char_length", "character_length", "len", "strlen":
            try expectCount(1...1)
            return .call(.length, [try text(arguments[0])], .int64)
        case "substr", "substring":
            try expectCount(2...3)
            var values = [try text(arguments[0])]
            for argument in arguments.dropFirst() {
                guard integerRank(argument.type) != nil || isNull(argument) else {
                    throw SQLError("\(name)() expects integer positions, got \(argument.type)", at: call.position)
                }
                values.append(try coerce(argument, to: .int64, call.position))
            }
            return .call(.substr, values, .string)
        case "concat":
            guard !arguments.isEmpty else { throw SQLError("concat() needs arguments", at: call.position) }
            // concat() skips NULLs (unlike ||).
            var result: BoundExpression = .call(.coalesce, [try coerce(arguments[0], to: .string, call.position), .literal(.string(""), .string)], .string)
            for argument in arguments.dropFirst() {
                let text: BoundExpression = .call(.coalesce, [try coerce(argument, to: .string, call.position), .literal(.string(""), .string)], .string)
                result = .call(.concat, [result, text], .string)
            }
            return result
        case "abs":
            try expectCount(1...1)
            guard isNumeric(arguments[0].type) || isNull(arguments[0]) else {
                throw SQLError("abs() expects a number, got \(arguments[0].type)", at: call.position)
            }
            var value = arguments[0]
            if value.type == .float32 { value = .cast(value, .float64, isTry: false) }
            return .call(.abs, [value], value.type)
        case "round":
            try expectCount(1...2)
            var value = arguments[0]
            guard isNumeric(value.type) || isNull(value) else {
                throw SQLError("round() expects a number, got \(value.type)", at: call.position)
            }
            var digits: Int64 = 0
            if arguments.count == 2 {
                guard case .literal(.integer(let n), _) = arguments[1] else {
                    throw SQLError("round() expects a constant number of digits", at: call.position)
                }
                digits = n
            }
            if value.type == .float32 { value = .cast(value, .float64, isTry: false) }
            var type = value.type
            if case .decimal(let p, let s) = value.type {
                type = .decimal(precision: p, scale: max(0, min(s, Int(digits))))
            }
            return .call(.round, [value, .literal(.integer(digits), .int64)], type)
        case "coalesce", "ifnull":
            guard !arguments.isEmpty else { throw SQLError("\(name)() needs arguments", at: call.position) }
            let type = try commonType(arguments, call.position)
            return .call(.coalesce, try arguments.map { try coerce($0, to: type, call.position) }, type)
        case "nullif":
            try expectCount(2...2)
            let (a, b) = try coercePair(arguments[0], arguments[1], call.position)
            return .call(.caseWhen, [.call(.equal, [a, b], .boolean), .literal(.null, a.type), a], a.type)
        case "year", "month", "day", "hour", "minute", "second", "quarter", "dayofweek", "dayofyear", "epoch", "dayofmonth":
            try expectCount(1...1)
            return try datePart(name, arguments[0], call.position)
        case "date_part", "datepart":
            try expectCount(2...2)
            guard case .literal(.string(let field), _) = arguments[0] else {
                throw SQLError("date_part() expects a constant part name", at: call.position)
            }
            return try datePart(field.lowercased(), arguments[1], call.position)
        case "date_trunc", "datetrunc":
            try expectCount(2...2)
            guard case .literal(.string(let unit), _) = arguments[0] else {
                throw SQLError("date_trunc() expects a constant unit", at: call.position)
            }
            let units: Set<String> = [
                "microsecond", "millisecond", "second", "minute", "hour", "day", "week", "month", "quarter", "year",
                "decade", "microseconds", "milliseconds", "seconds", "minutes", "hours", "days", "weeks", "months",
                "quarters", "years",
            ]
            guard units.contains(unit.lowercased()) else {
                throw SQLError("unknown date_trunc unit '\(unit)'", at: call.position, help: "Units: year, quarter, month, week, day, hour, minute, second.")
            }
            var value = arguments[1]
            if isStringLiteral(value) || value.type == .date { value = .cast(value, .timestampNTZ, isTry: false) }
            guard value.type == .timestamp || value.type == .timestampNTZ || isNull(value) else {
                throw SQLError("date_trunc() expects a DATE or TIMESTAMP, got \(value.type)", at: call.position)
            }
            if isNull(value) { return .literal(.null, .timestampNTZ) }
            let type = value.type
            return .call(.dateTrunc, [.literal(.string(unit.lowercased()), .string), value], type)
        default:
            if let bound = try bindMoreFunction(name, call, arguments) { return bound }
            throw SQLError("function \"\(call.name)\" not found", at: call.position, help: Self.functionSuggestion(name))
        }
    }

    static let scalarFunctionNames = [
        "lower", "upper", "length", "substr", "substring", "concat", "abs", "round", "coalesce", "nullif", "year", "month",
        "day", "hour", "minute", "second", "quarter", "date_part", "date_trunc", "count", "sum", "avg", "min", "max",
    ]

    static func functionSuggestion(_ name: String) -> String {
        let scored = scalarFunctionNames.map { ($0, editDistance(name, $0)) }.sorted { $0.1 < $1.1 }
        if let best = scored.first, best.1 <= 2 { return "did you mean \"\(best.0)\"?" }
        return "functions: " + scalarFunctionNames.joined(separator: ", ")
    }

    func bindAggregate(_ name: String, _ call: SQLFunctionCall, _ context: Context) throws -> BoundExpression {
        if context.insideAggregate {
            throw SQLError("aggregate function calls cannot be nested", at: call.position)
        }
        guard let state = context.aggregation else {
            throw SQLError("aggregate functions are not allowed here", at: call.position)
        }
        var inner = Context(scope: context.scope)
        inner.insideAggregate = true
        var aggregate: BoundAggregate
        let isStar = call.arguments.isEmpty || (call.arguments.count == 1 && { if case .star = call.arguments[0] { return true } else { return false } }())
        if name == "count" && isStar {
            aggregate = BoundAggregate(function: "count_star", argument: nil, type: .int64)
        } else if let more = try bindMoreAggregate(name, call, inner) {
            aggregate = more
        } else {
            guard call.arguments.count == 1 else {
                throw SQLError("\(name)() takes 1 argument, got \(call.arguments.count)", at: call.position)
            }
            var argument = try bindExpression(call.arguments[0], inner)
            switch name {
            case "count":
                aggregate = BoundAggregate(function: call.isDistinct ? "count_distinct" : "count", argument: argument, type: .int64)
            case "sum":
                if isNull(argument) { argument = .literal(.null, .int64) }
                if isStringLiteral(argument) { argument = .cast(argument, .float64, isTry: false) }
                switch argument.type {
                case .int8, .int16, .int32, .int64:
                    aggregate = BoundAggregate(function: "sum", argument: try coerce(argument, to: .int64, call.position), type: .int64)
                case .float32, .float64:
                    aggregate = BoundAggregate(function: "sum", argument: try coerce(argument, to: .float64, call.position), type: .float64)
                case .decimal(_, let scale):
                    aggregate = BoundAggregate(function: "sum", argument: argument, type: .decimal(precision: 38, scale: scale))
                default:
                    throw SQLError("sum() expects a number, got \(argument.type)", at: call.position)
                }
            case "avg", "mean":
                if isNull(argument) { argument = .literal(.null, .float64) }
                switch argument.type {
                case .decimal: aggregate = BoundAggregate(function: "avg", argument: argument, type: .float64)
                case .int8, .int16, .int32, .int64:
                    aggregate = BoundAggregate(function: "avg", argument: try coerce(argument, to: .int64, call.position), type: .float64)
                case _ where isNumeric(argument.type):
                    aggregate = BoundAggregate(function: "avg", argument: try coerce(argument, to: .float64, call.position), type: .float64)
                default: throw SQLError("avg() expects a number, got \(argument.type)", at: call.position)
                }
            default:
                aggregate = BoundAggregate(function: name, argument: argument, type: argument.type)
            }
            if call.isDistinct && (name == "sum" || name == "avg" || name == "mean") { aggregate.distinct = true }
        }
        if let filter = call.filter {
            aggregate.filter = try bindPredicate(filter, inner, clause: "FILTER")
        }
        let index: Int
        if let existing = state.aggregates.firstIndex(of: aggregate) {
            index = existing
        } else {
            state.aggregates.append(aggregate)
            index = state.aggregates.count - 1
        }
        return .column(state.groups.count + index, aggregate.type)
    }
}

extension Binder {
    /// Throws "f() takes N arguments, got M" unless `count` lies in `range`.
    static func checkArgumentCount(_ name: String, _ count: Int, _ range: ClosedRange<Int>, at position: SourcePosition)
        throws
    {
        guard range.contains(count) else {
            let expected =
                range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw SQLError(
                "\(name)() takes \(expected) argument\(range.upperBound == 1 ? "" : "s"), got \(count)", at: position)
        }
    }

    /// A string argument of `name()` as it is (NULL typed as a string); an error for other types.
    func textArgument(_ name: String, _ value: BoundExpression, at position: SourcePosition) throws -> BoundExpression {
        if isNull(value) { return .literal(.null, .string) }
        guard value.type == .string else {
            throw SQLError("\(name)() expects a string, got \(value.type)", at: position, help: "Add CAST(… AS VARCHAR).")
        }
        return value
    }
}
