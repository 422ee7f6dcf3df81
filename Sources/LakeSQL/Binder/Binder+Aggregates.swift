import LakeColumnar

/// The aggregates of SPEC.md §8.8 and `GROUP BY ALL`.
extension Binder {
    static let moreAggregateNames: Set<String> = [
        "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "median", "quantile_cont", "quantile",
        "approx_count_distinct", "string_agg", "group_concat", "listagg", "bool_and", "bool_or", "arg_min", "arg_max",
        "argmin", "argmax", "min_by", "max_by",
    ]

    /// `GROUP BY ALL`: every select item that contains no aggregate.
    func groupByAllExpressions(_ items: [SQLExpression]) -> [SQLExpression] {
        items.filter { !containsAggregate($0) && !isConstant($0) }
    }

    func isConstant(_ expression: SQLExpression) -> Bool {
        if case .literal = expression { return true }
        return false
    }

    /// Binds one of the aggregates of §8.8 (`nil` for the others). `context` is the input scope.
    func bindMoreAggregate(_ name: String, _ call: SQLFunctionCall, _ context: Context) throws -> BoundAggregate? {
        guard Self.moreAggregateNames.contains(name) else { return nil }
        let position = call.position
        if call.isDistinct { throw SQLError("DISTINCT is not supported in \(name)()", at: position) }
        let arguments = try call.arguments.map { try bindExpression($0, context) }
        func expectCount(_ range: ClosedRange<Int>) throws {
            try Self.checkArgumentCount(name, arguments.count, range, at: position)
        }
        func number(_ value: BoundExpression) throws -> BoundExpression {
            if isNull(value) { return .literal(.null, .float64) }
            guard isNumeric(value.type) else { throw SQLError("\(name)() expects a number, got \(value.type)", at: position) }
            return try coerce(value, to: .float64, position)
        }
        if !call.orderBy.isEmpty && !["string_agg", "group_concat", "listagg"].contains(name) {
            throw SQLError("ORDER BY inside \(name)() is not supported", at: position)
        }
        switch name {
        case "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop":
            try expectCount(1...1)
            let function =
                switch name {
                case "stddev", "stddev_samp": "stddev_samp"
                case "stddev_pop": "stddev_pop"
                case "var_pop": "var_pop"
                default: "var_samp"
                }
            return BoundAggregate(function: function, argument: try number(arguments[0]), type: .float64)
        case "median":
            try expectCount(1...1)
            return BoundAggregate(function: "median", argument: try number(arguments[0]), type: .float64)
        case "quantile_cont", "quantile":
            try expectCount(2...2)
            let fraction: Double
            switch arguments[1] {
            case .literal(.integer(let value), _): fraction = Double(value)
            case .literal(.float(let value), _): fraction = value
            case .literal(.decimal(let unscaled, let scale), _):
                var divisor = 1.0
                for _ in 0..<scale { divisor *= 10 }
                fraction = Double(unscaled) / divisor
            default:
                throw SQLError("\(name)() expects a constant fraction as its second argument", at: position)
            }
            guard fraction >= 0, fraction <= 1 else {
                throw SQLError("\(name)() takes a fraction in the range [0, 1], got \(fraction)", at: position)
            }
            var aggregate = BoundAggregate(function: "quantile_cont", argument: try number(arguments[0]), type: .float64)
            aggregate.parameter = .float(fraction)
            return aggregate
        case "approx_count_distinct":
            try expectCount(1...1)
            return BoundAggregate(function: "approx_count_distinct", argument: arguments[0], type: .int64)
        case "string_agg", "group_concat", "listagg":
            try expectCount(1...2)
            var separator = ","
            if arguments.count == 2 {
                switch arguments[1] {
                case .literal(.string(let text), _): separator = text
                case .literal(.null, _): separator = ""
                default: throw SQLError("\(name)() expects a constant separator", at: position)
                }
            }
            var aggregate = BoundAggregate(
                function: "string_agg", argument: try coerce(arguments[0], to: .string, position), type: .string)
            aggregate.parameter = .string(separator)
            if call.orderBy.count > 1 {
                throw SQLError("\(name)() supports one ORDER BY key", at: position)
            }
            if let order = call.orderBy.first {
                aggregate.secondArgument = try bindExpression(order.expression, context)
                aggregate.descending = !order.ascending
            }
            return aggregate
        case "bool_and", "bool_or":
            try expectCount(1...1)
            let value = try boolean(arguments[0], position)
            return BoundAggregate(function: name, argument: value, type: .boolean)
        default:
            // arg_min / arg_max and their aliases.
            try expectCount(2...2)
            let isMin = name == "arg_min" || name == "argmin" || name == "min_by"
            var value = arguments[0]
            if isNull(value) { value = .literal(.null, .int32) }
            var aggregate = BoundAggregate(function: isMin ? "arg_min" : "arg_max", argument: value, type: value.type)
            aggregate.secondArgument = arguments[1]
            return aggregate
        }
    }
}
