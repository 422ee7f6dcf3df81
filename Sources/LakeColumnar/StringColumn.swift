/// A column of variable-length byte strings: UTF-8 text or raw binary.
///
/// Row `r` is `bytes[offsets[r] ..< offsets[r + 1]]`; `offsets` has `count + 1` entries starting at
/// 0 and never decreasing. Values are compared as bytes; no `String` is made per value
/// (STYLE.md rule 7). A null row has an empty range.
public struct StringColumn: Sendable {
    /// `count + 1` byte offsets into ``bytes``.
    public let offsets: ContiguousArray<Int32>
    /// All values' bytes, back to back.
    public let bytes: ContiguousArray<UInt8>
    /// Which rows hold a value, or `nil` when every row does.
    public let validity: ValidityBitmap?

    /// The most bytes one column may hold: offsets are 32-bit.
    public static let maxByteCount = Int(Int32.max)

    /// Creates a column from offsets, bytes and an optional validity bitmap.
    ///
    /// - Precondition: `offsets` is non-empty, starts at 0, never decreases and ends at
    ///   `bytes.count`; `validity`, when given, covers `offsets.count - 1` rows. Checked in full
    ///   only when `LAKE_INTERNAL_CHECKS` is set.
    public init(offsets: ContiguousArray<Int32>, bytes: ContiguousArray<UInt8>, validity: ValidityBitmap? = nil) {
        precondition(!offsets.isEmpty && offsets[0] == 0, "offsets must start with 0")
        precondition(Int(offsets[offsets.count - 1]) == bytes.count, "the last offset must equal the byte count")
        if let validity {
            precondition(validity.count == offsets.count - 1, "validity does not cover every row")
        }
        #if LAKE_INTERNAL_CHECKS
            for index in 1..<offsets.count {
                precondition(offsets[index] >= offsets[index - 1], "offsets decrease at \(index)")
            }
        #endif
        self.offsets = offsets
        self.bytes = bytes
        self.validity = validity
    }

    /// Creates a column from values; for tests and cold paths.
    public init<S: Sequence>(_ values: S) where S.Element == String? {
        var offsets: ContiguousArray<Int32> = [0]
        var bytes = ContiguousArray<UInt8>()
        var valid: [Bool] = []
        for value in values {
            if let value { bytes.append(contentsOf: value.utf8) }
            offsets.append(Int32(bytes.count))
            valid.append(value != nil)
        }
        self.init(offsets: offsets, bytes: bytes, validity: valid.contains(false) ? ValidityBitmap(valid) : nil)
    }

    /// The number of rows, null or not.
    @inlinable public var count: Int { offsets.count &- 1 }

    /// The number of null rows.
    public var nullCount: Int { validity?.nullCount ?? 0 }

    /// Whether `row` holds a value.
    @inlinable public func isValid(_ row: Int) -> Bool {
        validity?.isValid(row) ?? true
    }

    /// The bytes of `row` (empty for a null row).
    @inlinable public func byteRange(_ row: Int) -> Range<Int> {
        Int(offsets[row])..<Int(offsets[row &+ 1])
    }

    /// The bytes at `row`, or `nil` if the row is null. For tests and printing.
    public subscript(row: Int) -> ArraySlice<UInt8>? {
        guard isValid(row) else { return nil }
        return ContiguousArray(bytes[byteRange(row)])[...]
    }

    /// The value at `row` decoded as UTF-8 (invalid sequences repaired), or `nil` if null.
    /// For tests and printing.
    public func string(at row: Int) -> String? {
        guard isValid(row) else { return nil }
        let range = byteRange(row)
        return bytes.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
        }
    }

    /// Rows `range` as a new column.
    public func slice(_ range: Range<Int>) -> StringColumn {
        let start = Int(offsets[range.lowerBound])
        let end = Int(offsets[range.upperBound])
        var newOffsets = ContiguousArray<Int32>()
        newOffsets.reserveCapacity(range.count &+ 1)
        let base = Int32(start)
        for index in range.lowerBound...range.upperBound { newOffsets.append(offsets[index] &- base) }
        return StringColumn(
            offsets: newOffsets, bytes: ContiguousArray(bytes[start..<end]), validity: validity?.slice(range))
    }
}

extension StringColumn: Equatable {
    /// Columns are equal when they have the same rows: same nulls, same bytes at non-null rows.
    public static func == (lhs: StringColumn, rhs: StringColumn) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for row in 0..<lhs.count {
            guard lhs.isValid(row) == rhs.isValid(row) else { return false }
            if lhs.isValid(row), !lhs.bytes[lhs.byteRange(row)].elementsEqual(rhs.bytes[rhs.byteRange(row)]) {
                return false
            }
        }
        return true
    }
}
