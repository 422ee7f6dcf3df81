import LakeColumnar

/// Element-wise kernels over two columns of the same length. Each is specialized for its value
/// type; the caller switches on the column type once per batch.
enum Kernels {
    /// Applies `operation` to each pair of rows; the result is null where either input is.
    ///
    /// - Complexity: O(n), one pass over unsafe buffers.
    @inline(__always)
    static func map2<A, B, R>(
        _ left: PrimitiveColumn<A>, _ right: PrimitiveColumn<B>, _ operation: (A, B) -> R
    ) -> PrimitiveColumn<R> {
        let count = left.count
        let values = ContiguousArray<R>(unsafeUninitializedCapacity: count) { target, initialized in
            left.values.withUnsafeBufferPointer { l in
                right.values.withUnsafeBufferPointer { r in
                    for row in 0..<count { (target.baseAddress! + row).initialize(to: operation(l[row], r[row])) }
                }
            }
            initialized = count
        }
        return PrimitiveColumn(values: values, validity: Validity.and(left.validity, right.validity))
    }

    /// Applies `operation` to each row; the result is null where the input is.
    @inline(__always)
    static func map1<A, R>(_ input: PrimitiveColumn<A>, _ operation: (A) -> R) -> PrimitiveColumn<R> {
        let count = input.count
        let values = ContiguousArray<R>(unsafeUninitializedCapacity: count) { target, initialized in
            input.values.withUnsafeBufferPointer { source in
                for row in 0..<count { (target.baseAddress! + row).initialize(to: operation(source[row])) }
            }
            initialized = count
        }
        return PrimitiveColumn(values: values, validity: input.validity)
    }

    /// Integer arithmetic with overflow detection on valid rows only.
    static func integer<T: FixedWidthInteger>(
        _ function: ScalarFunction, _ left: PrimitiveColumn<T>, _ right: PrimitiveColumn<T>, type: DataType
    ) throws(ExecutionError) -> PrimitiveColumn<T> {
        let count = left.count
        let validity = Validity.and(left.validity, right.validity)
        var overflowed = false
        var zeroDivisor = false
        let values = ContiguousArray<T>(unsafeUninitializedCapacity: count) { target, initialized in
            left.values.withUnsafeBufferPointer { l in
                right.values.withUnsafeBufferPointer { r in
                    switch function {
                    case .add:
                        for row in 0..<count {
                            let (value, overflow) = l[row].addingReportingOverflow(r[row])
                            target[row] = value
                            overflowed = overflowed || overflow
                        }
                    case .subtract:
                        for row in 0..<count {
                            let (value, overflow) = l[row].subtractingReportingOverflow(r[row])
                            target[row] = value
                            overflowed = overflowed || overflow
                        }
                    case .multiply:
                        for row in 0..<count {
                            let (value, overflow) = l[row].multipliedReportingOverflow(by: r[row])
                            target[row] = value
                            overflowed = overflowed || overflow
                        }
                    default:  // modulo
                        for row in 0..<count {
                            let divisor = r[row]
                            if divisor == 0 {
                                target[row] = 0
                                zeroDivisor = true
                            } else {
                                let (value, overflow) = l[row].remainderReportingOverflow(dividingBy: divisor)
                                target[row] = overflow ? 0 : value
                            }
                        }
                    }
                }
            }
            initialized = count
        }
        if overflowed {
            // Null rows hold unspecified values; only a valid row's overflow counts.
            for row in 0..<count where validity?.isValid(row) ?? true {
                let overflow: Bool
                switch function {
                case .add: overflow = left.values[row].addingReportingOverflow(right.values[row]).overflow
                case .subtract: overflow = left.values[row].subtractingReportingOverflow(right.values[row]).overflow
                default: overflow = left.values[row].multipliedReportingOverflow(by: right.values[row]).overflow
                }
                if overflow { throw .overflow(operation: operationName(function), type: type) }
            }
        }
        if zeroDivisor {
            var bitmap = validity ?? ValidityBitmap(allValidCount: count)
            right.values.withUnsafeBufferPointer { r in
                for row in 0..<count where r[row] == 0 { bitmap.setNull(at: row) }
            }
            return PrimitiveColumn(values: values, validity: bitmap)
        }
        return PrimitiveColumn(values: values, validity: validity)
    }

    static func operationName(_ function: ScalarFunction) -> String {
        switch function {
        case .add: "addition"
        case .subtract: "subtraction"
        case .multiply: "multiplication"
        case .modulo: "modulo"
        case .negate: "negation"
        default: function.rawValue
        }
    }

    /// Decimal arithmetic on unscaled values (the binder aligned the scales), with a check that
    /// the result fits `precision` digits.
    static func decimal(
        _ function: ScalarFunction, _ left: PrimitiveColumn<Int128>, _ right: PrimitiveColumn<Int128>,
        precision: Int, scale: Int
    ) throws(ExecutionError) -> Column {
        let result = try integer(function, left, right, type: .decimal(precision: precision, scale: scale))
        let limit = Decimal128.powerOfTen(precision)
        if let validity = result.validity {
            for row in 0..<result.count where validity.isValid(row) {
                let value = result.values[row]
                if value >= limit || value <= -limit {
                    throw .overflow(operation: operationName(function), type: .decimal(precision: precision, scale: scale))
                }
            }
        } else {
            try result.values.withUnsafeBufferPointer { (values) throws(ExecutionError) in
                for value in values where value >= limit || value <= -limit {
                    throw .overflow(operation: operationName(function), type: .decimal(precision: precision, scale: scale))
                }
            }
        }
        return .decimal(result.values, validity: result.validity, precision: precision, scale: scale)
    }

    /// `constant + column`, `constant - column` or `constant * column` (add, subtract, multiply).
    static func double(_ function: ScalarFunction, _ constant: Double, _ column: PrimitiveColumn<Double>)
        -> PrimitiveColumn<Double>
    {
        switch function {
        case .add: map1(column) { constant + $0 }
        case .subtract: map1(column) { constant - $0 }
        default: map1(column) { constant * $0 }
        }
    }

    /// `column + constant`, `column - constant` or `column * constant` (add, subtract, multiply).
    static func double(_ function: ScalarFunction, _ column: PrimitiveColumn<Double>, _ constant: Double)
        -> PrimitiveColumn<Double>
    {
        switch function {
        case .add: map1(column) { $0 + constant }
        case .subtract: map1(column) { $0 - constant }
        default: map1(column) { $0 * constant }
        }
    }

    /// Floating-point arithmetic; division and modulo by zero give NULL (SPEC.md §8).
    static func double(
        _ function: ScalarFunction, _ left: PrimitiveColumn<Double>, _ right: PrimitiveColumn<Double>
    ) -> PrimitiveColumn<Double> {
        switch function {
        case .add: return map2(left, right, +)
        case .subtract: return map2(left, right, -)
        case .multiply: return map2(left, right, *)
        default:
            let isDivide = function == .divide
            let result = isDivide ? map2(left, right, /) : map2(left, right) { $0.truncatingRemainder(dividingBy: $1) }
            var hasZero = false
            right.values.withUnsafeBufferPointer { r in
                for value in r where value == 0 { hasZero = true }
            }
            guard hasZero else { return result }
            var bitmap = result.validity ?? ValidityBitmap(allValidCount: result.count)
            for row in 0..<result.count where right.values[row] == 0 { bitmap.setNull(at: row) }
            return PrimitiveColumn(values: result.values, validity: bitmap)
        }
    }
}

/// Powers of ten and rescaling for 128-bit decimals.
public enum Decimal128 {
    /// 10^exponent for 0...38.
    public static func powerOfTen(_ exponent: Int) -> Int128 {
        var value: Int128 = 1
        for _ in 0..<max(0, min(exponent, 38)) { value &*= 10 }
        return value
    }

    /// Rescales an unscaled value from one scale to another, rounding half away from zero when
    /// digits are dropped; `nil` on overflow.
    public static func rescale(_ value: Int128, from: Int, to: Int) -> Int128? {
        if to == from { return value }
        if to > from {
            let (result, overflow) = value.multipliedReportingOverflow(by: powerOfTen(to - from))
            return overflow ? nil : result
        }
        let divisor = powerOfTen(from - to)
        var quotient = value / divisor
        let remainder = value % divisor
        if remainder.magnitude * 2 >= divisor.magnitude { quotient += value < 0 ? -1 : 1 }
        return quotient
    }
}
