import LakeColumnar

/// The statistics of one leaf column over a page, a column chunk or a file: what Parquet's
/// `Statistics` struct and Delta's `add.stats` record (../shared/briefs/parquet.md §8).
///
/// Structs, lists and maps have no statistics of their own; each of their leaves has its own.
package struct LeafStatistics: Sendable, Equatable {
    /// The number of null slots (nulls of the leaf or of an ancestor).
    package var nullCount: Int
    /// The number of NaN values, for float and double columns; `nil` for other types.
    package var nanCount: Int?
    /// A distinct-value count, if known. Writers leave it `nil` (readers never trust it).
    package var distinctCountHint: Int?
    /// The smallest value, as a lake value; `nil` when there is no non-null, non-NaN value.
    package var min: ScalarValue?
    /// The largest value, as a lake value; `nil` when there is no non-null, non-NaN value.
    package var max: ScalarValue?
    /// Parquet's `min_value`: the PLAIN encoding of the smallest *physical* value, without a
    /// length prefix (int8 as 4 bytes, decimals as INT32/INT64/big-endian FLBA by precision).
    package var minBytes: [UInt8]?
    /// Parquet's `max_value`, encoded like ``minBytes``.
    package var maxBytes: [UInt8]?

    /// Creates statistics.
    package init(
        nullCount: Int = 0, nanCount: Int? = nil, distinctCountHint: Int? = nil, min: ScalarValue? = nil,
        max: ScalarValue? = nil, minBytes: [UInt8]? = nil, maxBytes: [UInt8]? = nil
    ) {
        self.nullCount = nullCount
        self.nanCount = nanCount
        self.distinctCountHint = distinctCountHint
        self.min = min
        self.max = max
        self.minBytes = minBytes
        self.maxBytes = maxBytes
    }

    /// Combines these statistics with those of more values of the same column (pages into a
    /// chunk, chunks into a file).
    ///
    /// Counts add up; the bounds are the smaller minimum and the larger maximum, each keeping its
    /// bytes. Values compare as the column's sort order says: numbers signed, floats with −0 < +0,
    /// strings and binaries bytewise unsigned on their bytes, booleans false < true.
    package mutating func merge(_ other: LeafStatistics) {
        nullCount &+= other.nullCount
        if nanCount != nil || other.nanCount != nil { nanCount = (nanCount ?? 0) &+ (other.nanCount ?? 0) }
        distinctCountHint = nil
        if let otherMin = other.min,
            min.map({ Self.precedes(otherMin, other.minBytes, $0, minBytes) }) ?? true
        {
            min = otherMin
            minBytes = other.minBytes
        }
        if let otherMax = other.max,
            max.map({ Self.precedes($0, maxBytes, otherMax, other.maxBytes) }) ?? true
        {
            max = otherMax
            maxBytes = other.maxBytes
        }
    }

    /// Whether `left` sorts before `right` in the column order (bytes are used for strings and
    /// binaries when known, so invalid UTF-8 still compares by its raw bytes).
    private static func precedes(
        _ left: ScalarValue, _ leftBytes: [UInt8]?, _ right: ScalarValue, _ rightBytes: [UInt8]?
    ) -> Bool {
        switch (left, right) {
        case (.integer(let a), .integer(let b)): return a < b
        case (.float(let a), .float(let b)): return a < b || (a == b && a.sign == .minus && b.sign == .plus)
        case (.float32(let a), .float32(let b)): return a < b || (a == b && a.sign == .minus && b.sign == .plus)
        case (.decimal(let a, _), .decimal(let b, _)): return a < b
        case (.date(let a), .date(let b)): return a < b
        case (.timestamp(let a), .timestamp(let b)), (.timestampNTZ(let a), .timestampNTZ(let b)),
            (.time(let a), .time(let b)):
            return a < b
        case (.boolean(let a), .boolean(let b)): return !a && b
        case (.string(let a), .string(let b)):
            return (leftBytes ?? Array(a.utf8)).lexicographicallyPrecedes(rightBytes ?? Array(b.utf8))
        case (.binary(let a), .binary(let b)):
            return (leftBytes ?? a).lexicographicallyPrecedes(rightBytes ?? b)
        default:
            return false
        }
    }

    /// The FIXED_LEN_BYTE_ARRAY width of a decimal with `precision` digits: the smallest `n` with
    /// 10^precision − 1 < 2^(8n − 1) (9 bytes for precision 19, 16 for 38).
    ///
    /// - Precondition: 1 ≤ precision ≤ 38.
    package static func decimalByteWidth(precision: Int) -> Int {
        precondition((1...DataType.maxDecimalPrecision).contains(precision), "decimal precision \(precision)")
        var largest: UInt128 = 1
        for _ in 0..<precision { largest &*= 10 }
        largest &-= 1
        let bits = UInt128.bitWidth &- largest.leadingZeroBitCount &+ 1  // plus the sign bit
        return (bits &+ 7) / 8
    }
}
