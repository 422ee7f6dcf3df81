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

    /// Whether `expression` compares two columns or constants of one integer-backed type (what
    /// ``CheapFilter`` evaluates: no casts, no calls, no floating point).
    static func isCheapComparison(_ expression: PhysicalExpression) -> Bool {
        guard case .call(let function, let arguments, _) = expression, arguments.count == 2 else { return false }
        switch function {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: break
        default: return false
        }
        let types = arguments.compactMap { argument -> DataType? in
            switch argument {
            case .column(_, let type), .literal(_, let type): type
            default: nil
            }
        }
        return types.count == 2 && types[0] == types[1] && isIntegerBacked(types[0])
    }

    /// Types stored as `Int32` or `Int64` (decimals up to 18 digits).
    static func isIntegerBacked(_ type: DataType) -> Bool {
        switch type {
        case .int32, .int64, .date, .timestamp, .timestampNTZ, .time: true
        case .decimal(let precision, _): precision <= DataType.maxDecimal64Precision
        default: false
        }
    }
}

/// Cheap comparisons evaluated together, 64 rows per word (STYLE.md rule 4): each comparison ANDs
/// its result bits into one mask, nulls clear their bits, and the set bits become the selection.
/// No boolean column is made per comparison.
enum CheapFilter {
    /// One side of a comparison: a column's values (and validity) or a constant, widened to the
    /// column's storage type.
    enum Operand {
        case int32(ContiguousArray<Int32>, ValidityBitmap?)
        case int64(ContiguousArray<Int64>, ValidityBitmap?)
        case constant32(Int32)
        case constant64(Int64)
    }

    /// The rows of `batch` for which `predicate` (a cheap comparison or an AND of them) is true;
    /// `nil` when some operand is not an integer-backed column or constant this kernel reads.
    static func select(_ predicate: PhysicalExpression, _ batch: RecordBatch) -> [Int32]? {
        let comparisons: [PhysicalExpression]
        if case .call(.and, let arguments, _) = predicate { comparisons = arguments } else { comparisons = [predicate] }
        let rowCount = batch.rowCount
        var mask = [UInt64](repeating: ~0, count: (rowCount + 63) >> 6)
        if rowCount & 63 != 0 { mask[mask.count - 1] = (1 << UInt64(rowCount & 63)) - 1 }
        for comparison in comparisons {
            guard Executor.isCheapComparison(comparison), case .call(let function, let arguments, _) = comparison,
                let left = operand(arguments[0], batch), let right = operand(arguments[1], batch),
                apply(function, left, right, rowCount, &mask)
            else { return nil }
        }
        var rows: [Int32] = []
        rows.reserveCapacity(rowCount)
        for (index, word) in mask.enumerated() {
            var word = word
            while word != 0 {
                rows.append(Int32(truncatingIfNeeded: index &<< 6 &+ word.trailingZeroBitCount))
                word &= word &- 1
            }
        }
        return rows
    }

    static func operand(_ expression: PhysicalExpression, _ batch: RecordBatch) -> Operand? {
        switch expression {
        case .column(let index, let type):
            guard index < batch.columns.count else { return nil }
            switch batch.columns[index] {
            case .int32(let c), .date(let c): return .int32(c.values, c.validity)
            case .int64(let c), .timestamp(let c), .timestampNTZ(let c), .time(let c): return .int64(c.values, c.validity)
            case .decimal64(let c, _, let scale):
                // Unscaled values compare like the decimals only at the scale the expression says.
                guard case .decimal(_, let typeScale) = type, typeScale == scale else { return nil }
                return .int64(c.values, c.validity)
            default: return nil
            }
        case .literal(let value, let type):
            switch (value, type) {
            case (.integer(let v), .int32): return Int32(exactly: v).map { .constant32($0) }
            case (.integer(let v), .int64): return .constant64(v)
            case (.date(let v), .date): return .constant32(v)
            case (.timestamp(let v), .timestamp), (.timestampNTZ(let v), .timestampNTZ), (.time(let v), .time):
                return .constant64(v)
            case (.decimal(let v, let scale), .decimal(let precision, let typeScale))
            where scale == typeScale && precision <= DataType.maxDecimal64Precision:
                return Int64(exactly: v).map { .constant64($0) }
            default: return nil
            }
        default:
            return nil
        }
    }

    /// ANDs `left op right` into `mask`; `false` for operand pairs it does not handle.
    static func apply(_ function: ScalarFunction, _ left: Operand, _ right: Operand, _ rowCount: Int, _ mask: inout [UInt64])
        -> Bool
    {
        switch (left, right) {
        case (.int32(let a, let validity), .constant32(let b)):
            compare(function, a, validity, b, rowCount, &mask)
        case (.int64(let a, let validity), .constant64(let b)):
            compare(function, a, validity, b, rowCount, &mask)
        case (.constant32(let a), .int32(let b, let validity)):
            compare(function.mirrored, b, validity, a, rowCount, &mask)
        case (.constant64(let a), .int64(let b, let validity)):
            compare(function.mirrored, b, validity, a, rowCount, &mask)
        case (.int32(let a, let validityA), .int32(let b, let validityB)):
            compare(function, a, validityA, b, validityB, rowCount, &mask)
        case (.int64(let a, let validityA), .int64(let b, let validityB)):
            compare(function, a, validityA, b, validityB, rowCount, &mask)
        default:
            return false
        }
        return true
    }


    static func compare<T: FixedWidthInteger>(
        _ function: ScalarFunction, _ values: ContiguousArray<T>, _ validity: ValidityBitmap?, _ constant: T,
        _ rowCount: Int, _ mask: inout [UInt64]
    ) {
        switch function {
        case .equal: fold(values, validity, rowCount, &mask) { $0 == constant }
        case .notEqual: fold(values, validity, rowCount, &mask) { $0 != constant }
        case .less: fold(values, validity, rowCount, &mask) { $0 < constant }
        case .lessOrEqual: fold(values, validity, rowCount, &mask) { $0 <= constant }
        case .greater: fold(values, validity, rowCount, &mask) { $0 > constant }
        default: fold(values, validity, rowCount, &mask) { $0 >= constant }
        }
    }

    static func compare<T: FixedWidthInteger>(
        _ function: ScalarFunction, _ left: ContiguousArray<T>, _ leftValidity: ValidityBitmap?,
        _ right: ContiguousArray<T>, _ rightValidity: ValidityBitmap?, _ rowCount: Int, _ mask: inout [UInt64]
    ) {
        if let rightValidity { clearNulls(rightValidity, &mask) }
        right.withUnsafeBufferPointer { right in
            switch function {
            case .equal: foldPairs(left, leftValidity, right, rowCount, &mask) { $0 == $1 }
            case .notEqual: foldPairs(left, leftValidity, right, rowCount, &mask) { $0 != $1 }
            case .less: foldPairs(left, leftValidity, right, rowCount, &mask) { $0 < $1 }
            case .lessOrEqual: foldPairs(left, leftValidity, right, rowCount, &mask) { $0 <= $1 }
            case .greater: foldPairs(left, leftValidity, right, rowCount, &mask) { $0 > $1 }
            default: foldPairs(left, leftValidity, right, rowCount, &mask) { $0 >= $1 }
            }
        }
    }

    static func clearNulls(_ validity: ValidityBitmap, _ mask: inout [UInt64]) {
        for index in mask.indices { mask[index] &= validity.word(at: index) }
    }

    /// ANDs `test(value)` of every row into `mask`, 64 rows per word; words already 0 are skipped.
    @inline(__always)
    static func fold<T>(
        _ values: ContiguousArray<T>, _ validity: ValidityBitmap?, _ rowCount: Int, _ mask: inout [UInt64],
        _ test: (T) -> Bool
    ) {
        if let validity { clearNulls(validity, &mask) }
        values.withUnsafeBufferPointer { values in
            mask.withUnsafeMutableBufferPointer { mask in
                for index in 0..<mask.count where mask[index] != 0 {
                    let start = index &<< 6
                    let end = min(start &+ 64, rowCount)
                    var word: UInt64 = 0
                    for row in start..<end {
                        let bit: UInt64 = test(values[row]) ? 1 : 0
                        word |= bit &<< UInt64(truncatingIfNeeded: row &- start)
                    }
                    mask[index] &= word
                }
            }
        }
    }

    /// ANDs `test(left, right)` of every row into `mask`, 64 rows per word.
    @inline(__always)
    static func foldPairs<T>(
        _ left: ContiguousArray<T>, _ leftValidity: ValidityBitmap?, _ right: UnsafeBufferPointer<T>, _ rowCount: Int,
        _ mask: inout [UInt64], _ test: (T, T) -> Bool
    ) {
        if let leftValidity { clearNulls(leftValidity, &mask) }
        left.withUnsafeBufferPointer { left in
            mask.withUnsafeMutableBufferPointer { mask in
                for index in 0..<mask.count where mask[index] != 0 {
                    let start = index &<< 6
                    let end = min(start &+ 64, rowCount)
                    var word: UInt64 = 0
                    for row in start..<end {
                        let bit: UInt64 = test(left[row], right[row]) ? 1 : 0
                        word |= bit &<< UInt64(truncatingIfNeeded: row &- start)
                    }
                    mask[index] &= word
                }
            }
        }
    }
}

extension Executor {
    /// The rows of `batch` that pass `conjunct`: cheap comparisons through ``CheapFilter``, the
    /// rest through the expression evaluator.
    static func selectRows(_ conjunct: PhysicalExpression, _ batch: RecordBatch) throws -> [Int32] {
        if isCheapConjunct(conjunct), let rows = CheapFilter.select(conjunct, batch) { return rows }
        return try ExpressionEvaluator.select(conjunct, batch)
    }

    /// Whether `conjunct` is a cheap comparison or an AND of them.
    static func isCheapConjunct(_ conjunct: PhysicalExpression) -> Bool {
        if case .call(.and, let arguments, _) = conjunct { return arguments.allSatisfy(isCheapComparison) }
        return isCheapComparison(conjunct)
    }
}
