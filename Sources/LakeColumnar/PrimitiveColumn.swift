/// A column of fixed-width values: booleans, integers, floats, decimals, dates, times, timestamps.
///
/// Values live in one contiguous buffer. A `nil` ``validity`` means no row is null, which lets
/// kernels skip null handling. The value stored at a null row is initialized but unspecified
/// (decoders write zero).
public struct PrimitiveColumn<Value: BitwiseCopyable & Sendable>: Sendable {
    /// The values, one per row, including rows that are null.
    public let values: ContiguousArray<Value>
    /// Which rows hold a value, or `nil` when every row does.
    public let validity: ValidityBitmap?

    /// Creates a column from values and an optional validity bitmap.
    ///
    /// - Precondition: `validity`, when given, covers exactly `values.count` rows.
    @inlinable
    public init(values: ContiguousArray<Value>, validity: ValidityBitmap? = nil) {
        if let validity {
            precondition(
                validity.count == values.count,
                "validity covers \(validity.count) rows but the column has \(values.count)"
            )
        }
        self.values = values
        self.validity = validity
    }

    /// The number of rows, null or not.
    @inlinable public var count: Int { values.count }

    /// The value at `row`, or `nil` if the row is null.
    ///
    /// For tests and printing; kernels read ``values`` through an unsafe buffer.
    @inlinable public subscript(row: Int) -> Value? {
        if let validity, !validity.isValid(row) { return nil }
        return values[row]
    }

    /// The number of null rows.
    public var nullCount: Int { validity?.nullCount ?? 0 }

    /// Rows `range` as a new column.
    public func slice(_ range: Range<Int>) -> PrimitiveColumn {
        PrimitiveColumn(values: ContiguousArray(values[range]), validity: validity?.slice(range))
    }
}

extension PrimitiveColumn: Equatable {
    /// Columns are equal when they have the same rows: the same nulls and, at non-null rows,
    /// bit-identical values (so NaN equals NaN and -0.0 differs from 0.0).
    public static func == (lhs: PrimitiveColumn, rhs: PrimitiveColumn) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for row in 0..<lhs.count {
            let leftValid = lhs.validity?.isValid(row) ?? true
            guard leftValid == (rhs.validity?.isValid(row) ?? true) else { return false }
            guard leftValid else { continue }
            let same = withUnsafeBytes(of: lhs.values[row]) { left in
                withUnsafeBytes(of: rhs.values[row]) { right in left.elementsEqual(right) }
            }
            if !same { return false }
        }
        return true
    }
}
