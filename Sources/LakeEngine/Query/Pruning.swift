import LakeColumnar
import LakeExecution

/// Min, max and null count of one column in a file or row group.
struct ColumnBounds {
    var min: ScalarValue?
    var max: ScalarValue?
    var nullCount: Int64?
    var allNull: Bool
}

/// Decides from statistics that a predicate is false (or NULL) for every row of a file or row
/// group, so it can be skipped. Only `column op constant` conjuncts, IS NULL, and IN lists are used;
/// anything else keeps the file.
enum Pruning {
    static func cannotMatch(_ predicate: PhysicalExpression, _ bounds: (Int) -> ColumnBounds?) -> Bool {
        guard case .call(let function, let arguments, _) = predicate else {
            if case .literal(let value, _) = predicate { return value == .boolean(false) || value == .null }
            return false
        }
        switch function {
        case .and: return arguments.contains { cannotMatch($0, bounds) }
        case .or: return arguments.allSatisfy { cannotMatch($0, bounds) }
        case .isNull:
            guard case .column(let index, _) = arguments[0], let b = bounds(index), let nulls = b.nullCount else { return false }
            return nulls == 0
        case .isNotNull:
            guard case .column(let index, _) = arguments[0], let b = bounds(index) else { return false }
            return b.allNull
        case .inList:
            guard case .column(let index, _) = arguments[0], let b = bounds(index) else { return false }
            if b.allNull { return true }
            return arguments.dropFirst().allSatisfy { value in
                guard case .literal(let v, _) = value else { return false }
                return outside(.equal, v, b)
            }
        case .equal, .less, .lessOrEqual, .greater, .greaterOrEqual:
            var op = function
            var columnSide = arguments[0]
            var constant = arguments[1]
            if case .literal = columnSide {
                swap(&columnSide, &constant)
                op = op.mirrored
            }
            guard case .column(let index, _) = columnSide, case .literal(let value, _) = constant,
                let b = bounds(index)
            else { return false }
            if b.allNull || value == .null { return true }
            return outside(op, value, b)
        default:
            return false
        }
    }

    /// Whether `column op value` is false for all values within [min, max].
    static func outside(_ op: ScalarFunction, _ value: ScalarValue, _ b: ColumnBounds) -> Bool {
        let minOrder = b.min.flatMap { compare($0, value) }
        let maxOrder = b.max.flatMap { compare($0, value) }
        switch op {
        case .equal: return (minOrder.map { $0 > 0 } ?? false) || (maxOrder.map { $0 < 0 } ?? false)
        case .less: return minOrder.map { $0 >= 0 } ?? false
        case .lessOrEqual: return minOrder.map { $0 > 0 } ?? false
        case .greater: return maxOrder.map { $0 <= 0 } ?? false
        case .greaterOrEqual: return maxOrder.map { $0 < 0 } ?? false
        default: return false
        }
    }

    /// The order of two scalars of compatible kinds, or `nil` when they cannot be compared.
    static func compare(_ a: ScalarValue, _ b: ScalarValue) -> Int? {
        func order<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
        switch (a, b) {
        case (.integer(let x), .integer(let y)): return order(x, y)
        // Floats are not used: statistics may leave out NaN, which sorts above every number here.
        case (.decimal(let x, let xs), .decimal(let y, let ys)):
            guard let x2 = Decimal128.rescale(x, from: xs, to: max(xs, ys)), let y2 = Decimal128.rescale(y, from: ys, to: max(xs, ys))
            else { return nil }
            return order(x2, y2)
        case (.string(let x), .string(let y)):
            let xb = Array(x.utf8)
            let yb = Array(y.utf8)
            return xb == yb ? 0 : (xb.lexicographicallyPrecedes(yb) ? -1 : 1)
        case (.date(let x), .date(let y)): return order(x, y)
        case (.timestamp(let x), .timestamp(let y)), (.timestampNTZ(let x), .timestampNTZ(let y)),
            (.timestamp(let x), .timestampNTZ(let y)), (.timestampNTZ(let x), .timestamp(let y)):
            return order(x, y)
        case (.boolean(let x), .boolean(let y)): return order(x ? 1 : 0, y ? 1 : 0)
        default: return nil
        }
    }
}
