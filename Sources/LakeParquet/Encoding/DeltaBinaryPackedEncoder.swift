/// DELTA_BINARY_PACKED (encoding 5) encoding for INT32 and INT64; the inverse of
/// ``DeltaBinaryPackedDecoder``.
///
/// Blocks of 128 deltas in 4 miniblocks of 32 (the parquet-java and Arrow layout). Deltas wrap in
/// the value type's width, so INT32 miniblocks never exceed 32 bits. A partly used last miniblock is
/// zero-padded; miniblocks after it get width 0 and no data.
package enum DeltaBinaryPackedEncoder {
    /// Values per block.
    static let blockSize = 128
    /// Miniblocks per block.
    static let miniblockCount = 4
    /// Values per miniblock.
    static let miniblockSize = blockSize / miniblockCount

    /// Appends the whole stream for `values` (the header and every block).
    ///
    /// - Precondition: `Value.bitWidth <= 64`.
    /// - Complexity: O(`values.count`).
    package static func encode<Value: FixedWidthInteger>(
        _ values: UnsafeBufferPointer<Value>, into output: inout ContiguousArray<UInt8>
    ) {
        precondition(Value.bitWidth <= 64, "DELTA_BINARY_PACKED encodes values of at most 64 bits")
        let count = values.count
        VarInt.appendUnsigned(UInt64(blockSize), to: &output)
        VarInt.appendUnsigned(UInt64(miniblockCount), to: &output)
        VarInt.appendUnsigned(UInt64(count), to: &output)
        VarInt.appendZigZag(count > 0 ? signExtended(values[0]) : 0, to: &output)
        guard count > 1 else { return }
        let mask = UInt64.max &>> UInt64(truncatingIfNeeded: 64 &- Value.bitWidth)
        var deltas = ContiguousArray<Int64>(repeating: 0, count: blockSize)
        var packed = ContiguousArray<UInt64>(repeating: 0, count: blockSize)
        var index = 1
        while index < count {
            let blockCount = min(blockSize, count &- index)
            var minDelta = Int64.max
            for position in 0..<blockCount {
                let delta = signExtended(values[index &+ position] &- values[index &+ position &- 1])
                deltas[position] = delta
                minDelta = min(minDelta, delta)
            }
            VarInt.appendZigZag(minDelta, to: &output)
            for position in 0..<blockSize {
                packed[position] =
                    position < blockCount ? UInt64(bitPattern: deltas[position] &- minDelta) & mask : 0
            }
            var widths = [Int](repeating: 0, count: miniblockCount)
            for miniblock in 0..<miniblockCount where miniblock &* miniblockSize < blockCount {
                var bits: UInt64 = 0
                for position in (miniblock &* miniblockSize)..<((miniblock &+ 1) &* miniblockSize) {
                    bits |= packed[position]
                }
                widths[miniblock] = bitWidth(forMaxValue: bits)
            }
            for width in widths { output.append(UInt8(truncatingIfNeeded: width)) }
            packed.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                for miniblock in 0..<miniblockCount where miniblock &* miniblockSize < blockCount {
                    BitPacking.pack(
                        base + miniblock &* miniblockSize, count: miniblockSize, width: widths[miniblock],
                        into: &output)
                }
            }
            index &+= blockCount
        }
    }

    /// `value` as a signed 64-bit integer: sign-extended from `Value.bitWidth` bits, so unsigned
    /// types encode the same bits as their signed twins.
    @inline(__always)
    static func signExtended<Value: FixedWidthInteger>(_ value: Value) -> Int64 {
        let shift = Int64(64 &- Value.bitWidth)
        return (Int64(truncatingIfNeeded: value) &<< shift) &>> shift
    }
}
