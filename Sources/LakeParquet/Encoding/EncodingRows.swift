/// The rows of a column an encoder writes: a contiguous range, or a selection of row indices (the
/// non-null rows of a column with nulls).
///
/// A protocol rather than a closure so encoders specialize for each kind (STYLE.md rule 6).
package protocol EncodingRows {
    /// The number of rows.
    var rowCount: Int { get }
    /// The row index at `position` (0..<rowCount).
    func row(at position: Int) -> Int
    /// The rows as one range when they are contiguous, enabling bulk copies.
    var contiguousRows: Range<Int>? { get }
}

extension Range: EncodingRows where Bound == Int {
    /// The number of rows in the range.
    @inlinable package var rowCount: Int { count }
    /// `lowerBound + position`.
    @inlinable package func row(at position: Int) -> Int { lowerBound &+ position }
    /// The range itself.
    @inlinable package var contiguousRows: Range<Int>? { self }
}

extension UnsafeBufferPointer: EncodingRows where Element == UInt32 {
    /// The number of selected rows.
    @inlinable package var rowCount: Int { count }
    /// The selected row at `position`.
    @inlinable package func row(at position: Int) -> Int { Int(self[position]) }
    /// Always `nil`: a selection is treated as scattered.
    @inlinable package var contiguousRows: Range<Int>? { nil }
}
