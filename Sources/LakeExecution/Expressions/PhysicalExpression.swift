import LakeColumnar

/// The scalar functions and operators the evaluator implements.
///
/// The raw values are shared with the binder's function names (LakeSQL `BoundFunction`), so the
/// engine maps one onto the other by name. Argument types are fixed by the binder: both operands
/// of arithmetic and comparison have the same type (decimals: the same scale, except multiply).
public enum ScalarFunction: String, Sendable, CaseIterable {
    case add, subtract, multiply, divide, modulo, negate
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
    case and, or, not
    case isNull, isNotNull
    /// `[operand, v1, v2, …]`: SQL `IN` with three-valued logic.
    case inList, notInList
    /// `[operand, pattern]` where the pattern is a string literal.
    case like, notLike, ilike, notIlike
    /// `[c1, r1, c2, r2, …, else?]`: the first true condition wins.
    case caseWhen
    case coalesce
    case concat
    case lower, upper, length, substr
    case abs, round
    case year, month, day, hour, minute, second, quarter, dayofweek, dayofyear, epoch
    /// `[unit literal, value]`.
    case dateTrunc
    /// `[date, days]` → DATE.
    case dateAddDays
    /// `[timestamp, months, days, micros]` (three INT64 literals) → TIMESTAMP.
    case addInterval
    /// `[date, date]` → INT64 days.
    case dateDiffDays
    /// `[string]` or `[string, characters]` (SPEC.md §8.8, `MoreFunctions`).
    case trim, ltrim, rtrim
    /// `[string, from, to]`; `[string, prefix]` → BOOLEAN; `[string, separator, index]`.
    case replace, startsWith = "starts_with", endsWith = "ends_with", contains, splitPart = "split_part"
    /// `[string, pattern literal, options literal?]`, `[string, pattern, replacement, options?]` (POSIX ERE).
    case regexpMatches = "regexp_matches", regexpReplace = "regexp_replace"
    /// `[part literal, a, b]` → INT64; `[timestamp, format]` → VARCHAR; `[text, format]` → TIMESTAMP.
    case dateDiff = "date_diff", strftime, strptime
    /// `[year, month, day]` (INT64) → DATE; `[date or timestamp]` → DOUBLE seconds.
    case makeDate = "make_date", epochSeconds = "epoch_seconds"
    /// DOUBLE math; `greatest`/`least` over arguments of one type, skipping NULLs.
    case floor, ceil, sqrt, power, ln, log10, greatest, least
}

/// An expression over the columns of one batch, already typed.
public indirect enum PhysicalExpression: Sendable, CustomStringConvertible {
    /// The input column at this index.
    case column(Int, DataType)
    /// A constant.
    case literal(ScalarValue, DataType)
    /// A conversion; `isTry` gives NULL instead of an error for values that do not convert.
    case cast(PhysicalExpression, DataType, isTry: Bool)
    /// A function or operator applied to arguments.
    case call(ScalarFunction, [PhysicalExpression], DataType)

    /// The type of the result.
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
}

extension ScalarFunction {
    /// The comparison with its operands swapped (`c < x` is `x > c`); other functions unchanged.
    public var mirrored: ScalarFunction {
        switch self {
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        default: self
        }
    }
}
