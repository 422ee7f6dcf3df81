/// BYTE_STREAM_SPLIT (encoding 9) decoding for FLOAT, DOUBLE, INT32, INT64 and FIXED_LEN_BYTE_ARRAY
/// (Encodings.md "Byte Stream Split"; parquet brief §6.7).
///
/// ```
/// K = width in bytes, N = values:  [byte 0 of every value][byte 1 of every value] … [byte K-1 …]
/// value i, byte j = input[j * N + i];   input.count must be exactly K * N
/// ```
package enum ByteStreamSplitDecoder {
    /// Decodes `count` values of `width` bytes into `output` (`count * width` bytes, any alignment).
    ///
    /// - Throws: ``DecodeError/corrupt(_:)`` when `width` is not positive or `input.count` is not
    ///   exactly `count * width`.
    /// - Complexity: O(`count * width`); widths 2, 4 and 8 gather a whole value per step.
    package static func decode(
        _ input: UnsafeRawBufferPointer, count: Int, width: Int, into output: UnsafeMutableRawPointer
    ) throws(DecodeError) {
        guard width > 0 else { throw PlainDecoder.badWidth(width) }
        guard count >= 0 else { throw .corrupt("negative value count \(count)") }
        let (size, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, size == input.count else { throw wrongSize(input.count, count: count, width: width) }
        guard count > 0, let source = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        switch width {
        case 2: gather(source, count: count, into: output, as: UInt16.self)
        case 4: gather(source, count: count, into: output, as: UInt32.self)
        case 8: gather(source, count: count, into: output, as: UInt64.self)
        default:
            let destination = output.assumingMemoryBound(to: UInt8.self)
            for stream in 0..<width {
                let streamBytes = source + stream &* count
                for index in 0..<count { destination[index &* width &+ stream] = streamBytes[index] }
            }
        }
    }

    /// Reassembles `Word`-sized values: byte `j` of value `i` comes from stream `j`.
    @inline(__always)
    static func gather<Word: FixedWidthInteger & UnsignedInteger>(
        _ source: UnsafePointer<UInt8>, count: Int, into output: UnsafeMutableRawPointer, as: Word.Type
    ) {
        let width = MemoryLayout<Word>.size
        for index in 0..<count {
            var value: Word = 0
            for stream in 0..<width {
                value |= Word(source[stream &* count &+ index]) &<< Word(truncatingIfNeeded: stream &* 8)
            }
            output.storeBytes(of: value.littleEndian, toByteOffset: index &* width, as: Word.self)
        }
    }

    @inline(never)
    static func wrongSize(_ size: Int, count: Int, width: Int) -> DecodeError {
        .corrupt("BYTE_STREAM_SPLIT data has \(size) bytes; \(count) values of \(width) bytes need exactly \(count &* width)")
    }
}
