/// The number of bits needed to store every value in `0...maxValue` (0 for `maxValue == 0`).
///
/// The bit width of dictionary indices is `bitWidth(forMaxValue: dictionaryCount - 1)`, of levels
/// `bitWidth(forMaxValue: maxLevel)`.
@inlinable
package func bitWidth(forMaxValue maxValue: UInt64) -> Int {
    64 &- maxValue.leadingZeroBitCount
}

/// LSB-first bit packing for the encoders (Encodings.md, "Bit-packed"); the inverse of
/// ``BitUnpacking``.
enum BitPacking {
    /// Appends `count` values of `width` bits, LSB first, padding the last byte with zero bits.
    ///
    /// `count * width` is a multiple of 8 when `count` is a multiple of 8, which is how every caller
    /// uses it (hybrid groups, DELTA_BINARY_PACKED miniblocks). Values must fit `width`.
    ///
    /// - Precondition: `0 <= width <= 64`.
    static func pack<Value: FixedWidthInteger>(
        _ values: UnsafePointer<Value>, count: Int, width: Int, into output: inout ContiguousArray<UInt8>
    ) {
        precondition(width >= 0 && width <= 64, "bit width \(width) is outside 0...64")
        guard width > 0, count > 0 else { return }
        let mask = UInt64.max &>> UInt64(truncatingIfNeeded: 64 &- width)
        let byteCount = (count &* width &+ 7) &>> 3
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: byteCount &+ 8))
        output.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let destination = UnsafeMutableRawPointer(base + start)
            var accumulator: UInt64 = 0
            var bits = 0
            var wordOffset = 0
            for index in 0..<count {
                let value = UInt64(truncatingIfNeeded: values[index]) & mask
                accumulator |= value &<< UInt64(truncatingIfNeeded: bits)
                let total = bits &+ width
                if total >= 64 {
                    destination.storeBytes(of: accumulator.littleEndian, toByteOffset: wordOffset, as: UInt64.self)
                    wordOffset &+= 8
                    accumulator = bits == 0 ? 0 : value &>> UInt64(truncatingIfNeeded: 64 &- bits)
                    bits = total &- 64
                } else {
                    bits = total
                }
            }
            if bits > 0 {
                destination.storeBytes(of: accumulator.littleEndian, toByteOffset: wordOffset, as: UInt64.self)
            }
        }
        output.removeLast(8)
    }
}
