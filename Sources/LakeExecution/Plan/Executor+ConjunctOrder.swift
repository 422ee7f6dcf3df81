import LakeColumnar

extension Executor {
    /// `conjuncts` with the cheap ones first, ANDed into one, then the others in their order: a
    /// comparison of fixed-width columns and constants costs about a nanosecond a row and cannot
    /// fail, so evaluating them together over the whole batch (one compaction instead of one per
    /// conjunct) leaves fewer rows for string comparisons, IN lists and function calls (TPC-H
    /// Q12: the date conditions before `l_shipmode IN (…)`).
    static func cheapConjunctsFirst(_ conjuncts: [PhysicalExpression]) -> [PhysicalExpression] {
        let cheap = conjuncts.filter(isCheapComparison)
        if cheap.count < 2 && (cheap.isEmpty || isCheapComparison(conjuncts[0])) { return conjuncts }
        let first = cheap.count == 1 ? cheap[0] : PhysicalExpression.call(.and, cheap, .boolean)
        return [first] + conjuncts.filter { !isCheapComparison($0) }
    }

    /// Whether `expression` compares two fixed-width columns or constants (no casts, no calls).
    static func isCheapComparison(_ expression: PhysicalExpression) -> Bool {
        guard case .call(let function, let arguments, _) = expression, arguments.count == 2 else { return false }
        switch function {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: break
        default: return false
        }
        return arguments.allSatisfy { argument in
            switch argument {
            case .column(_, let type), .literal(_, let type): isFixedWidth(type)
            default: false
            }
        }
    }

    /// Integer, floating-point, decimal, boolean and date/time types.
    static func isFixedWidth(_ type: DataType) -> Bool {
        switch type {
        case .boolean, .int8, .int16, .int32, .int64, .float32, .float64, .decimal, .date, .timestamp, .timestampNTZ,
            .time:
            true
        default: false
        }
    }
}
