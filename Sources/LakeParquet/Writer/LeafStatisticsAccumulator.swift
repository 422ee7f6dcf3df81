import LakeColumnar

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Collects ``LeafStatistics`` for one leaf column, batch by batch, in its typed form.
///
/// Feed it the dense present values of each batch (``ShreddedLeaf/values``) and the number of
/// null slots; each call makes one pass over the typed buffer (integer and float min/max loops
/// vectorize). Accumulators of pages merge into one of a chunk with ``merge(_:)``; the lake
/// values and Parquet bytes are only made by ``statistics``.
///
/// Order (brief §8): integers, dates, times, timestamps and decimals signed; floats exclude NaN
/// (counted in `nanCount`), a zero minimum is written −0.0 and a zero maximum +0.0, and all-NaN
/// input has no bounds; strings and binaries bytewise unsigned, a prefix first; false < true.
package struct LeafStatisticsAccumulator: Sendable {
    /// The bounds seen so far, in the storage type of the column.
    private enum Bounds: Sendable {
        case none
        case boolean(min: Bool, max: Bool)
        case integer(min: Int64, max: Int64)
        case wideInteger(min: Int128, max: Int128)
        case floatingPoint(min: Double, max: Double)
        case bytes(min: [UInt8], max: [UInt8])
    }

    /// The leaf's lake type.
    package let dataType: DataType
    /// Null slots so far.
    private var nullCount = 0
    /// NaN values so far (floats only).
    private var nanCount = 0
    /// The smallest and largest value so far.
    private var bounds = Bounds.none

    /// An empty accumulator for a leaf of type `dataType`.
    ///
    /// - Precondition: `dataType` is not a struct, list or map.
    package init(dataType: DataType) {
        precondition(!dataType.isNested, "\(dataType) has no statistics of its own; its leaves do")
        self.dataType = dataType
    }

    /// Adds a batch: its present values, densely, and how many null slots came with them.
    ///
    /// - Precondition: `values` has a `nil` validity and the accumulator's type.
    /// - Complexity: O(`values.count`), one pass.
    package mutating func append(_ values: Column, nullCount: Int) {
        precondition(values.validity == nil, "statistics take the present values only, densely")
        self.nullCount &+= nullCount
        switch values {
        case .boolean(let column): mergeBoolean(column.values)
        case .int8(let column): mergeInteger(column.values)
        case .int16(let column): mergeInteger(column.values)
        case .int32(let column), .date(let column): mergeInteger(column.values)
        case .int64(let column), .timestamp(let column), .timestampNTZ(let column), .time(let column),
            .decimal64(let column, _, _):
            mergeInteger(column.values)
        case .decimal128(let column, _, _): mergeWideInteger(column.values)
        case .float32(let column): mergeFloatingPoint(column.values)
        case .float64(let column): mergeFloatingPoint(column.values)
        case .string(let column), .binary(let column): mergeBytes(column)
        case .struct, .list, .map: preconditionFailure("\(values.dataType) is not a leaf column")
        }
    }

    /// Adds `count` null slots and no values.
    package mutating func appendNulls(_ count: Int) {
        nullCount &+= count
    }

    /// Adds everything `other` has seen (another page or chunk of the same column).
    package mutating func merge(_ other: LeafStatisticsAccumulator) {
        nullCount &+= other.nullCount
        nanCount &+= other.nanCount
        switch (bounds, other.bounds) {
        case (_, .none): break
        case (.none, _): bounds = other.bounds
        case (.boolean(let min, let max), .boolean(let otherMin, let otherMax)):
            bounds = .boolean(min: min && otherMin, max: max || otherMax)
        case (.integer(let min, let max), .integer(let otherMin, let otherMax)):
            bounds = .integer(min: Swift.min(min, otherMin), max: Swift.max(max, otherMax))
        case (.wideInteger(let min, let max), .wideInteger(let otherMin, let otherMax)):
            bounds = .wideInteger(min: Swift.min(min, otherMin), max: Swift.max(max, otherMax))
        case (.floatingPoint(let min, let max), .floatingPoint(let otherMin, let otherMax)):
            bounds = .floatingPoint(min: otherMin < min ? otherMin : min, max: otherMax > max ? otherMax : max)
        case (.bytes(let min, let max), .bytes(let otherMin, let otherMax)):
            bounds = .bytes(
                min: compareBytes(otherMin, min) < 0 ? otherMin : min,
                max: compareBytes(otherMax, max) > 0 ? otherMax : max)
        default:
            preconditionFailure("merging statistics of different column types")
        }
    }

    /// The statistics so far: lake values for `min`/`max`, and Parquet's PLAIN bytes.
    package var statistics: LeafStatistics {
        var result = LeafStatistics(nullCount: nullCount)
        switch dataType {
        case .float32, .float64: result.nanCount = nanCount
        default: break
        }
        switch bounds {
        case .none:
            break
        case .boolean(let min, let max):
            result.min = .boolean(min)
            result.max = .boolean(max)
            result.minBytes = [min ? 1 : 0]
            result.maxBytes = [max ? 1 : 0]
        case .integer(let min, let max):
            (result.min, result.minBytes) = integerStatistic(min)
            (result.max, result.maxBytes) = integerStatistic(max)
        case .wideInteger(let min, let max):
            (result.min, result.minBytes) = integerStatistic(min)
            (result.max, result.maxBytes) = integerStatistic(max)
        case .floatingPoint(var min, var max):
            if min == 0 { min = -0.0 }
            if max == 0 { max = 0.0 }
            if case .float32 = dataType {
                result.min = .float32(Float(min))
                result.max = .float32(Float(max))
                result.minBytes = littleEndianBytes(Float(min).bitPattern)
                result.maxBytes = littleEndianBytes(Float(max).bitPattern)
            } else {
                result.min = .float(min)
                result.max = .float(max)
                result.minBytes = littleEndianBytes(min.bitPattern)
                result.maxBytes = littleEndianBytes(max.bitPattern)
            }
        case .bytes(let min, let max):
            result.minBytes = min
            result.maxBytes = max
            if case .string = dataType {
                result.min = .string(String(decoding: min, as: UTF8.self))
                result.max = .string(String(decoding: max, as: UTF8.self))
            } else {
                result.min = .binary(min)
                result.max = .binary(max)
            }
        }
        return result
    }

    // MARK: Per-type kernels

    /// Merges the bounds of a batch of booleans (counting `true`s vectorizes).
    private mutating func mergeBoolean(_ values: ContiguousArray<Bool>) {
        guard !values.isEmpty else { return }
        let trueCount = values.withUnsafeBufferPointer { buffer in
            var count = 0
            for value in buffer { count &+= value ? 1 : 0 }
            return count
        }
        let batch = Bounds.boolean(min: trueCount == values.count, max: trueCount > 0)
        mergeBounds(batch)
    }

    /// Merges the bounds of a batch of integers stored in at most 64 bits.
    private mutating func mergeInteger<Value: FixedWidthInteger & SignedInteger>(_ values: ContiguousArray<Value>) {
        guard let (min, max) = integerBounds(values) else { return }
        mergeBounds(.integer(min: Int64(min), max: Int64(max)))
    }

    /// Merges the bounds of a batch of 128-bit integers (decimal128).
    private mutating func mergeWideInteger(_ values: ContiguousArray<Int128>) {
        guard let (min, max) = integerBounds(values) else { return }
        mergeBounds(.wideInteger(min: min, max: max))
    }

    /// Merges the bounds and NaN count of a batch of floats or doubles.
    private mutating func mergeFloatingPoint<Value: BinaryFloatingPoint>(_ values: ContiguousArray<Value>) {
        let (min, max, nans) = values.withUnsafeBufferPointer { floatingPointBounds($0) }
        nanCount &+= nans
        guard nans < values.count else { return }
        mergeBounds(.floatingPoint(min: Double(min), max: Double(max)))
    }

    /// Merges the bounds of a batch of byte strings, comparing bytes in place; only the winners
    /// are copied out.
    ///
    /// Each value's first 8 bytes, as a big-endian integer padded with zeros, order it against
    /// the current bounds unless the prefixes tie; only ties call `memcmp`.
    private mutating func mergeBytes(_ column: StringColumn) {
        let rowCount = column.count
        guard rowCount > 0 else { return }
        let (minRange, maxRange) = column.offsets.withUnsafeBufferPointer { offsets in
            column.bytes.withUnsafeBytes { bytes in
                let base = bytes.baseAddress
                let total = bytes.count
                var minStart = Int(offsets[0])
                var minCount = Int(offsets[1]) &- minStart
                var minKey = prefixKey(base, minStart, minCount, total)
                var maxStart = minStart
                var maxCount = minCount
                var maxKey = minKey
                for row in 1..<rowCount {
                    let start = Int(offsets[row])
                    let count = Int(offsets[row &+ 1]) &- start
                    let key = prefixKey(base, start, count, total)
                    if key < minKey || (key == minKey && compareBytes(base, start, count, base, minStart, minCount) < 0)
                    {
                        minStart = start
                        minCount = count
                        minKey = key
                    } else if key > maxKey
                        || (key == maxKey && compareBytes(base, start, count, base, maxStart, maxCount) > 0)
                    {
                        maxStart = start
                        maxCount = count
                        maxKey = key
                    }
                }
                return (minStart..<(minStart &+ minCount), maxStart..<(maxStart &+ maxCount))
            }
        }
        mergeBounds(.bytes(min: Array(column.bytes[minRange]), max: Array(column.bytes[maxRange])))
    }

    /// Merges one batch's bounds into the running bounds.
    private mutating func mergeBounds(_ batch: Bounds) {
        var other = LeafStatisticsAccumulator(dataType: dataType)
        other.bounds = batch
        merge(other)
    }

    /// The lake value and PLAIN physical bytes of an integer-stored bound.
    private func integerStatistic<Value: FixedWidthInteger & SignedInteger>(_ value: Value) -> (ScalarValue, [UInt8]) {
        switch dataType {
        case .int8, .int16, .int32: (.integer(Int64(value)), littleEndianBytes(Int32(truncatingIfNeeded: value)))
        case .date: (.date(Int32(truncatingIfNeeded: value)), littleEndianBytes(Int32(truncatingIfNeeded: value)))
        case .timestamp:
            (.timestamp(Int64(truncatingIfNeeded: value)), littleEndianBytes(Int64(truncatingIfNeeded: value)))
        case .timestampNTZ:
            (.timestampNTZ(Int64(truncatingIfNeeded: value)), littleEndianBytes(Int64(truncatingIfNeeded: value)))
        case .time: (.time(Int64(truncatingIfNeeded: value)), littleEndianBytes(Int64(truncatingIfNeeded: value)))
        case .decimal(let precision, let scale):
            (.decimal(Int128(value), scale: scale), Self.decimalBytes(Int128(value), precision: precision))
        default: (.integer(Int64(truncatingIfNeeded: value)), littleEndianBytes(Int64(truncatingIfNeeded: value)))
        }
    }

    /// The PLAIN bytes of an unscaled decimal: INT32 for precision ≤ 9, INT64 for ≤ 18, else
    /// big-endian two's complement in ``LeafStatistics/decimalByteWidth(precision:)`` bytes.
    static func decimalBytes(_ value: Int128, precision: Int) -> [UInt8] {
        if precision <= 9 { return littleEndianBytes(Int32(truncatingIfNeeded: value)) }
        if precision <= DataType.maxDecimal64Precision { return littleEndianBytes(Int64(truncatingIfNeeded: value)) }
        let width = LeafStatistics.decimalByteWidth(precision: precision)
        return (0..<width).map { index in
            UInt8(truncatingIfNeeded: value &>> Int128((width &- 1 &- index) &* 8))
        }
    }
}

/// The smallest and largest of `values`, or `nil` when there are none (a loop that vectorizes).
private func integerBounds<Value: FixedWidthInteger>(_ values: ContiguousArray<Value>) -> (Value, Value)? {
    values.withUnsafeBufferPointer { buffer in
        guard let first = buffer.first else { return nil }
        var min = first
        var max = first
        for value in buffer {
            min = Swift.min(min, value)
            max = Swift.max(max, value)
        }
        return (min, max)
    }
}

/// The smallest and largest non-NaN values of `buffer` (±infinity when there are none) and the
/// number of NaNs.
///
/// `value < min ? value : min` is one `minsd`/`minss` (NaN never wins a comparison, so it never
/// enters); four independent accumulators per bound hide its latency. (The compiler will not
/// turn a single float min/max chain into vector code: reordering could change which NaN or zero
/// wins. Zeros are fixed up by the caller.)
private func floatingPointBounds<Value: BinaryFloatingPoint>(_ buffer: UnsafeBufferPointer<Value>) -> (
    Value, Value, Int
) {
    var min0 = Value.infinity
    var min1 = Value.infinity
    var min2 = Value.infinity
    var min3 = Value.infinity
    var max0 = -Value.infinity
    var max1 = -Value.infinity
    var max2 = -Value.infinity
    var max3 = -Value.infinity
    var nans = 0
    var index = 0
    let count = buffer.count
    while index &+ 4 <= count {
        let value0 = buffer[index]
        let value1 = buffer[index &+ 1]
        let value2 = buffer[index &+ 2]
        let value3 = buffer[index &+ 3]
        min0 = value0 < min0 ? value0 : min0
        min1 = value1 < min1 ? value1 : min1
        min2 = value2 < min2 ? value2 : min2
        min3 = value3 < min3 ? value3 : min3
        max0 = value0 > max0 ? value0 : max0
        max1 = value1 > max1 ? value1 : max1
        max2 = value2 > max2 ? value2 : max2
        max3 = value3 > max3 ? value3 : max3
        nans &+= (value0.isNaN ? 1 : 0) &+ (value1.isNaN ? 1 : 0) &+ (value2.isNaN ? 1 : 0) &+ (value3.isNaN ? 1 : 0)
        index &+= 4
    }
    while index < count {
        let value = buffer[index]
        min0 = value < min0 ? value : min0
        max0 = value > max0 ? value : max0
        nans &+= value.isNaN ? 1 : 0
        index &+= 1
    }
    let min = Swift.min(Swift.min(min0, min1), Swift.min(min2, min3))
    let max = Swift.max(Swift.max(max0, max1), Swift.max(max2, max3))
    return (min, max, nans)
}

/// The little-endian bytes of a fixed-width integer.
private func littleEndianBytes<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
    (0..<(Value.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value &>> ($0 &* 8)) }
}

/// The first 8 of the `count` bytes at `start` as a big-endian integer, zero-padded: if two
/// values' keys differ, they order the values (bytewise, a prefix first).
///
/// - Precondition: `start + count <= total`, the size of the buffer at `base`.
@inline(__always)
private func prefixKey(_ base: UnsafeRawPointer?, _ start: Int, _ count: Int, _ total: Int) -> UInt64 {
    guard count > 0, let base else { return 0 }
    if start &+ 8 <= total {
        let word = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: start, as: UInt64.self))
        return count >= 8 ? word : word & ~(UInt64.max &>> UInt64(truncatingIfNeeded: count &* 8))
    }
    var key: UInt64 = 0
    for index in 0..<Swift.min(count, 8) {
        key |= UInt64(base.load(fromByteOffset: start &+ index, as: UInt8.self)) &<< UInt64(56 &- index &* 8)
    }
    return key
}

/// Bytewise unsigned comparison of `count` bytes at `start` with `otherCount` at `otherStart`; a
/// prefix sorts first. Negative, zero or positive like `memcmp`.
@inline(__always)
private func compareBytes(
    _ base: UnsafeRawPointer?, _ start: Int, _ count: Int, _ otherBase: UnsafeRawPointer?, _ otherStart: Int,
    _ otherCount: Int
) -> Int {
    let common = Swift.min(count, otherCount)
    if common > 0, let base, let otherBase {
        let order = memcmp(base + start, otherBase + otherStart, common)
        if order != 0 { return Int(order) }
    }
    return count &- otherCount
}

/// Bytewise unsigned comparison of two byte arrays; a prefix sorts first.
private func compareBytes(_ left: [UInt8], _ right: [UInt8]) -> Int {
    left.withUnsafeBytes { leftBytes in
        right.withUnsafeBytes { rightBytes in
            compareBytes(leftBytes.baseAddress, 0, left.count, rightBytes.baseAddress, 0, right.count)
        }
    }
}
