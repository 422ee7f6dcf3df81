/// The deprecated BIT_PACKED (encoding 4) level encoding: values packed MSB first with no run
/// headers (Encodings.md "Bit-packed (Deprecated)"). Only very old writers used it, for levels.
package enum BitPackedDecoder {
    /// Decodes `count` values of `bitWidth` bits (0...32), packed from the most significant bit of the
    /// first byte, into `output`.
    ///
    /// - Returns: The number of bytes consumed, `ceil(count * bitWidth / 8)`.
    /// - Throws: ``DecodeError/corrupt(_:)`` when `bitWidth` is outside 0...32, exceeds `Value`'s, or
    ///   `input` is too short.
    /// - Complexity: O(`count`); one big-endian 64-bit load per value where the input allows.
    package static func decode<Value: FixedWidthInteger>(
        _ input: UnsafeRawBufferPointer, count: Int, bitWidth: Int, into output: UnsafeMutablePointer<Value>
    ) throws(DecodeError) -> Int {
        guard bitWidth >= 0 && bitWidth <= 32 && bitWidth <= Value.bitWidth else {
            throw .corrupt("BIT_PACKED bit width \(bitWidth) is outside 0...\(min(32, Value.bitWidth))")
        }
        guard count >= 0 else { throw .corrupt("negative value count \(count)") }
        let (bits, overflow) = count.multipliedReportingOverflow(by: bitWidth)
        let byteCount = overflow ? Int.max : (bits &>> 3) &+ (bits & 7 == 0 ? 0 : 1)
        guard byteCount <= input.count else {
            throw .corrupt("BIT_PACKED data has \(input.count) bytes; \(count) values need \(byteCount)")
        }
        if bitWidth == 0 {
            output.initialize(repeating: 0, count: count)
            return 0
        }
        guard count > 0, let source = input.baseAddress else { return byteCount }
        let mask = UInt64.max &>> UInt64(truncatingIfNeeded: 64 &- bitWidth)
        for index in 0..<count {
            let bitOffset = index &* bitWidth
            let byteOffset = bitOffset &>> 3
            let window: UInt64
            if input.count &- byteOffset >= 8 {
                window = UInt64(bigEndian: source.loadUnaligned(fromByteOffset: byteOffset, as: UInt64.self))
            } else {
                var partial: UInt64 = 0
                for byteIndex in 0..<8 {
                    let byte =
                        byteOffset &+ byteIndex < input.count
                        ? source.load(fromByteOffset: byteOffset &+ byteIndex, as: UInt8.self) : 0
                    partial = (partial &<< 8) | UInt64(byte)
                }
                window = partial
            }
            // The value's first bit is bit (bitOffset & 7) from the top of the window.
            let shift = UInt64(truncatingIfNeeded: 64 &- (bitOffset & 7) &- bitWidth)
            output[index] = Value(truncatingIfNeeded: (window &>> shift) & mask)
        }
        return byteCount
    }
}
