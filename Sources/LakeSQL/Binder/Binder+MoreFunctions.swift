import LakeColumnar

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scalar functions of SPEC.md §8.8: strings, regular expressions, dates, math, conditionals.
extension Binder {
    /// The current time in microseconds since the epoch (UTC).
    static func wallClockMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
    }

    /// `current_date`, `current_timestamp` (and `now`) written without parentheses, when no
    /// column of that name is in scope: one value per statement.
    func specialColumn(_ name: SQLName, _ scope: Scope) throws -> BoundExpression? {
        guard name.parts.count == 1, !name.name.isQuoted else { return nil }
        let lowered = name.name.text.lowercased()
        guard lowered == "current_date" || lowered == "current_timestamp" || lowered == "localtimestamp" else {
            return nil
        }
        if scope.columns.contains(where: { $0.name.lowercased() == lowered }) { return nil }
        return currentTime(lowered)
    }

    func currentTime(_ name: String) -> BoundExpression {
        if name == "current_date" || name == "today" {
            let days = statementTime >= 0 ? statementTime / 86_400_000_000 : (statementTime + 1) / 86_400_000_000 - 1
            return .literal(.date(Int32(truncatingIfNeeded: days)), .date)
        }
        return .literal(.timestamp(statementTime), .timestamp)
    }

    /// Binds the functions of §8.8; `nil` when `name` is none of them.
    func bindMoreFunction(_ name: String, _ call: SQLFunctionCall, _ arguments: [BoundExpression]) throws -> BoundExpression? {
        let position = call.position
        func expectCount(_ range: ClosedRange<Int>) throws {
            try Self.checkArgumentCount(name, arguments.count, range, at: position)
        }
        func text(_ value: BoundExpression) throws -> BoundExpression { try textArgument(name, value, at: position) }
        func constantText(_ value: BoundExpression, _ what: String) throws -> BoundExpression {
            if isNull(value) { return .literal(.null, .string) }
            guard case .literal(.string, _) = value else {
                throw SQLError("\(name)() expects a constant string as its \(what)", at: position)
            }
            return value
        }
        func integer(_ value: BoundExpression) throws -> BoundExpression {
            guard integerRank(value.type) != nil || isNull(value) else {
                throw SQLError("\(name)() expects an integer, got \(value.type)", at: position)
            }
            return try coerce(value, to: .int64, position)
        }
        func double(_ value: BoundExpression) throws -> BoundExpression {
            if isStringLiteral(value) { return .cast(value, .float64, isTry: false) }
            guard isNumeric(value.type) || isNull(value) else {
                throw SQLError("\(name)() expects a number, got \(value.type)", at: position)
            }
            return try coerce(value, to: .float64, position)
        }
        func temporal(_ value: BoundExpression) throws -> BoundExpression {
            var input = value
            if isStringLiteral(input) { input = .cast(input, .timestampNTZ, isTry: false) }
            if isNull(input) { return .literal(.null, .timestampNTZ) }
            guard [.date, .timestamp, .timestampNTZ].contains(input.type) else {
                throw SQLError("\(name)() expects a DATE or TIMESTAMP, got \(input.type)", at: position)
            }
            return input
        }
        /// NULL when any argument is a NULL constant (strict functions).
        func strict(_ function: BoundFunction, _ values: [BoundExpression], _ type: DataType) -> BoundExpression {
            if values.contains(where: isNull) { return .literal(.null, type) }
            return .call(function, values, type)
        }
        switch name {
        case "trim", "ltrim", "rtrim":
            try expectCount(1...2)
            let function: BoundFunction = name == "trim" ? .trim : (name == "ltrim" ? .ltrim : .rtrim)
            return strict(function, try arguments.map(text), .string)
        case "replace":
            try expectCount(3...3)
            return strict(.replace, try arguments.map(text), .string)
        case "starts_with", "ends_with", "contains", "prefix", "suffix":
            try expectCount(2...2)
            let function: BoundFunction =
                name == "starts_with" || name == "prefix" ? .startsWith : (name == "contains" ? .contains : .endsWith)
            return strict(function, try arguments.map(text), .boolean)
        case "split_part":
            try expectCount(3...3)
            return strict(.splitPart, [try text(arguments[0]), try text(arguments[1]), try integer(arguments[2])], .string)
        case "regexp_matches", "regexp_full_match":
            try expectCount(2...3)
            var values = [try text(arguments[0]), try constantText(arguments[1], "pattern")]
            if arguments.count == 3 { values.append(try constantText(arguments[2], "options")) }
            if name == "regexp_full_match", case .literal(.string(let pattern), _) = values[1] {
                values[1] = .literal(.string("^(" + pattern + ")$"), .string)
            }
            try checkRegexOptions(values.count > 2 ? values[2] : nil, position)
            return strict(.regexpMatches, values, .boolean)
        case "regexp_replace":
            try expectCount(3...4)
            var values = [try text(arguments[0]), try constantText(arguments[1], "pattern"), try text(arguments[2])]
            if arguments.count == 4 { values.append(try constantText(arguments[3], "options")) }
            try checkRegexOptions(values.count > 3 ? values[3] : nil, position)
            return strict(.regexpReplace, values, .string)
        case "date_diff", "datediff":
            try expectCount(3...3)
            guard case .literal(.string(let part), _) = arguments[0] else {
                throw SQLError("\(name)() expects a constant part name", at: position)
            }
            let normalized = Self.datePartName(part.lowercased())
            guard let normalized else {
                throw SQLError(
                    "unknown date part '\(part)' in \(name)()", at: position,
                    help: "Parts: year, quarter, month, week, day, hour, minute, second, millisecond, microsecond.")
            }
            var a = try temporal(arguments[1])
            var b = try temporal(arguments[2])
            if a.type != b.type, !isNull(a), !isNull(b) {
                a = try coerce(a, to: .timestampNTZ, position)
                b = try coerce(b, to: .timestampNTZ, position)
            }
            return strict(.dateDiff, [.literal(.string(normalized), .string), a, b], .int64)
        case "strftime":
            try expectCount(2...2)
            return strict(.strftime, [try temporal(arguments[0]), try constantText(arguments[1], "format")], .string)
        case "strptime":
            try expectCount(2...2)
            return strict(.strptime, [try text(arguments[0]), try constantText(arguments[1], "format")], .timestampNTZ)
        case "make_date":
            try expectCount(3...3)
            return strict(.makeDate, try arguments.map(integer), .date)
        case "current_date", "today", "current_timestamp", "now", "get_current_timestamp":
            try expectCount(0...0)
            return currentTime(name == "current_date" || name == "today" ? "current_date" : "current_timestamp")
        case "floor", "ceil", "ceiling", "sqrt", "ln", "log10":
            try expectCount(1...1)
            let function: BoundFunction =
                switch name {
                case "floor": .floor
                case "ceil", "ceiling": .ceil
                case "sqrt": .sqrt
                case "ln": .ln
                default: .log10
                }
            return strict(function, [try double(arguments[0])], .float64)
        case "power", "pow":
            try expectCount(2...2)
            return strict(.power, try arguments.map(double), .float64)
        case "mod":
            try expectCount(2...2)
            return try arithmetic(.modulo, arguments[0], arguments[1], position)
        case "greatest", "least":
            guard !arguments.isEmpty else { throw SQLError("\(name)() needs arguments", at: position) }
            let type = try commonType(arguments, position)
            let values = try arguments.filter { !isNull($0) }.map { try coerce($0, to: type, position) }
            if values.isEmpty { return .literal(.null, type) }
            if values.count == 1 { return values[0] }
            return .call(name == "greatest" ? .greatest : .least, values, type)
        case "if", "iff":
            try expectCount(3...3)
            let condition = try boolean(arguments[0], position)
            let type = try commonType([arguments[1], arguments[2]], position)
            return .call(
                .caseWhen, [condition, try coerce(arguments[1], to: type, position), try coerce(arguments[2], to: type, position)],
                type)
        default:
            return nil
        }
    }

    func checkRegexOptions(_ options: BoundExpression?, _ position: SourcePosition) throws {
        guard case .literal(.string(let text), _)? = options else { return }
        for character in text where !"gic".contains(character) {
            throw SQLError(
                "unknown regular expression option '\(character)'", at: position,
                help: "Options: g (replace every match), i (ignore case), c (match case).")
        }
    }

    /// The canonical name of a `date_diff` part, or `nil`.
    static func datePartName(_ part: String) -> String? {
        switch part {
        case "year", "years", "y", "yr", "yrs", "yyyy": "year"
        case "quarter", "quarters": "quarter"
        case "month", "months", "mon", "mons": "month"
        case "week", "weeks", "w": "week"
        case "day", "days", "d", "dayofmonth": "day"
        case "hour", "hours", "h", "hr", "hrs": "hour"
        case "minute", "minutes", "min", "mins", "m": "minute"
        case "second", "seconds", "s", "sec", "secs": "second"
        case "millisecond", "milliseconds", "ms", "msec": "millisecond"
        case "microsecond", "microseconds", "us", "usec": "microsecond"
        default: nil
        }
    }
}
