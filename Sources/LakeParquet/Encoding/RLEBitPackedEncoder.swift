/// RLE / bit-packing hybrid (encoding 3) encoding for levels, dictionary indices and booleans; the
/// inverse of ``RLEBitPackedDecoder``.
///
/// Repeats of at least 8 become RLE runs; everything else becomes bit-packed groups of eight. A
/// bit-packed run only ends on a multiple of eight values, except the last one, which is padded with
/// zeros (readers stop at their value count). The output has no length prefix: a v1 level section
/// or RLE BOOLEAN page writes `UInt32(littleEndian: byteCount)` in front itself.
///
/// ```swift
/// var encoder = RLEBitPackedEncoder(bitWidth: 1)
/// encoder.append(contentsOf: levels)      // any number of times
/// encoder.finish(into: &pageBody)
/// ```
package struct RLEBitPackedEncoder {
    /// Bits per value, 0...32.
    package let bitWidth: Int
    /// The values appended since the last ``finish(into:)``.
    private var values: ContiguousArray<UInt32> = []

    /// Creates an encoder for values of `bitWidth` bits.
    ///
    /// - Precondition: `0 <= bitWidth <= 32`.
    package init(bitWidth: Int) {
        precondition(bitWidth >= 0 && bitWidth <= 32, "RLE/bit-packed bit width \(bitWidth) is outside 0...32")
        self.bitWidth = bitWidth
    }

    /// The number of values appended and not yet finished.
    package var count: Int { values.count }

    /// Appends values to encode.
    ///
    /// - Precondition: Every value is non-negative and fits ``bitWidth`` bits.
    package mutating func append<Value: FixedWidthInteger>(contentsOf newValues: UnsafeBufferPointer<Value>) {
        var bits: UInt64 = 0
        for value in newValues { bits |= UInt64(truncatingIfNeeded: value) }
        precondition(bits &>> UInt64(truncatingIfNeeded: bitWidth) == 0, "a value does not fit bit width \(bitWidth)")
        values.reserveCapacity(values.count &+ newValues.count)
        for value in newValues { values.append(UInt32(truncatingIfNeeded: value)) }
    }

    /// Appends the encoded runs to `output` and empties the encoder for reuse.
    package mutating func finish(into output: inout ContiguousArray<UInt8>) {
        values.withUnsafeBufferPointer { Self.encode($0, bitWidth: bitWidth, into: &output) }
        values.removeAll(keepingCapacity: true)
    }

    /// Appends a `u32 LE` byte length and then the runs (v1 data-page level sections and
    /// RLE-encoded BOOLEAN values), and empties the encoder for reuse.
    package mutating func finishLengthPrefixed(into output: inout ContiguousArray<UInt8>) {
        let lengthOffset = output.count
        output.append(contentsOf: [0, 0, 0, 0])
        finish(into: &output)
        let length = UInt32(truncatingIfNeeded: output.count &- lengthOffset &- 4)
        for byteIndex in 0..<4 {
            output[lengthOffset &+ byteIndex] = UInt8(truncatingIfNeeded: length &>> UInt32(byteIndex &* 8))
        }
    }

    /// Encodes `values` (each fitting `bitWidth`) as hybrid runs appended to `output`.
    ///
    /// - Complexity: O(`values.count`).
    static func encode(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, into output: inout ContiguousArray<UInt8>)
    {
        let count = values.count
        var literalStart = 0
        var index = 0
        while index < count {
            let value = values[index]
            var runEnd = index &+ 1
            while runEnd < count && values[runEnd] == value { runEnd &+= 1 }
            let runLength = runEnd &- index
            if runLength >= 8 {
                // Borrow from the run to end the pending literal on a multiple of eight.
                let pad = (8 &- (index &- literalStart) & 7) & 7
                if runLength &- pad >= 8 {
                    let literalEnd = index &+ pad
                    if literalEnd > literalStart {
                        appendBitPacked(values, literalStart..<literalEnd, bitWidth: bitWidth, into: &output)
                    }
                    appendRepeated(value, count: runLength &- pad, bitWidth: bitWidth, into: &output)
                    literalStart = runEnd
                }
            }
            index = runEnd
        }
        if literalStart < count {
            appendBitPacked(values, literalStart..<count, bitWidth: bitWidth, into: &output)
        }
    }

    /// An RLE run: header `count << 1`, then the value in `ceil(bitWidth / 8)` bytes.
    private static func appendRepeated(
        _ value: UInt32, count: Int, bitWidth: Int, into output: inout ContiguousArray<UInt8>
    ) {
        VarInt.appendUnsigned(UInt64(count) &<< 1, to: &output)
        var remaining = value
        for _ in 0..<((bitWidth &+ 7) &>> 3) {
            output.append(UInt8(truncatingIfNeeded: remaining))
            remaining &>>= 8
        }
    }

    /// A bit-packed run of `range`, zero-padded to a multiple of eight values.
    private static func appendBitPacked(
        _ values: UnsafeBufferPointer<UInt32>, _ range: Range<Int>, bitWidth: Int,
        into output: inout ContiguousArray<UInt8>
    ) {
        let groupCount = (range.count &+ 7) &>> 3
        VarInt.appendUnsigned((UInt64(groupCount) &<< 1) | 1, to: &output)
        guard let base = values.baseAddress else { return }
        let fullCount = range.count & ~7
        BitPacking.pack(base + range.lowerBound, count: fullCount, width: bitWidth, into: &output)
        if fullCount < range.count {
            var tail: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &tail) { buffer in
                let tailValues = buffer.bindMemory(to: UInt32.self)
                for position in 0..<(range.count &- fullCount) {
                    tailValues[position] = values[range.lowerBound &+ fullCount &+ position]
                }
                if let tailBase = tailValues.baseAddress {
                    BitPacking.pack(tailBase, count: 8, width: bitWidth, into: &output)
                }
            }
        }
    }
}
