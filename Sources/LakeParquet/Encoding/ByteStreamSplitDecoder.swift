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
    /// - Complexity: O(`count * width`); widths 2, 4 and 8 transpose 16 values per step with
    ///   vector interleaves.
    package static func decode(
        _ input: UnsafeRawBufferPointer, count: Int, width: Int, into output: UnsafeMutableRawPointer
    ) throws(DecodeError) {
        guard width > 0 else { throw PlainDecoder.badWidth(width) }
        guard count >= 0 else { throw .corrupt("negative value count \(count)") }
        let (size, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, size == input.count else { throw wrongSize(input.count, count: count, width: width) }
        guard count > 0, let source = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        switch width {
        case 2:
            let done = transpose2(source, count: count, into: output)
            gather(source, from: done, count: count, into: output, as: UInt16.self)
        case 4:
            let done = transpose4(source, count: count, into: output)
            gather(source, from: done, count: count, into: output, as: UInt32.self)
        case 8:
            let done = transpose8(source, count: count, into: output)
            gather(source, from: done, count: count, into: output, as: UInt64.self)
        default:
            let destination = output.assumingMemoryBound(to: UInt8.self)
            for stream in 0..<width {
                let streamBytes = source + stream &* count
                for index in 0..<count { destination[index &* width &+ stream] = streamBytes[index] }
            }
        }
    }

    /// Reassembles `Word`-sized values `start..<count` one at a time: byte `j` of value `i` comes
    /// from stream `j`. Handles the tail the vector transposes leave.
    @inline(__always)
    static func gather<Word: FixedWidthInteger & UnsignedInteger>(
        _ source: UnsafePointer<UInt8>, from start: Int, count: Int, into output: UnsafeMutableRawPointer,
        as: Word.Type
    ) {
        let width = MemoryLayout<Word>.size
        for index in start..<count {
            var value: Word = 0
            for stream in 0..<width {
                value |= Word(source[stream &* count &+ index]) &<< Word(truncatingIfNeeded: stream &* 8)
            }
            output.storeBytes(of: value.littleEndian, toByteOffset: index &* width, as: Word.self)
        }
    }

    // The transposes below interleave 16-value blocks of the streams in log2(width) rounds (bytes,
    // then 16-bit, then 32-bit lanes). LLVM lowers each interleave to one punpckl/punpckh (x86) or
    // zip1/zip2 (ARM) instruction, so a value costs about 1.5 shuffles instead of `width` loads.

    /// Widths 2: 16 values per step; returns how many values were done (a multiple of 16).
    static func transpose2(_ source: UnsafePointer<UInt8>, count: Int, into output: UnsafeMutableRawPointer) -> Int {
        let streams = UnsafeRawPointer(source)
        var index = 0
        while count &- index >= 16 {
            let s0 = streams.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
            let s1 = streams.loadUnaligned(fromByteOffset: count &+ index, as: SIMD16<UInt8>.self)
            let base = index &* 2
            output.storeBytes(of: interleaveLow8(s0, s1), toByteOffset: base, as: SIMD16<UInt8>.self)
            output.storeBytes(of: interleaveHigh8(s0, s1), toByteOffset: base &+ 16, as: SIMD16<UInt8>.self)
            index &+= 16
        }
        return index
    }

    /// Width 4 (FLOAT, INT32): 16 values per step; returns how many values were done.
    static func transpose4(_ source: UnsafePointer<UInt8>, count: Int, into output: UnsafeMutableRawPointer) -> Int {
        let streams = UnsafeRawPointer(source)
        var index = 0
        while count &- index >= 16 {
            let s0 = streams.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
            let s1 = streams.loadUnaligned(fromByteOffset: count &+ index, as: SIMD16<UInt8>.self)
            let s2 = streams.loadUnaligned(fromByteOffset: 2 &* count &+ index, as: SIMD16<UInt8>.self)
            let s3 = streams.loadUnaligned(fromByteOffset: 3 &* count &+ index, as: SIMD16<UInt8>.self)
            let low01 = interleaveLow8(s0, s1)
            let high01 = interleaveHigh8(s0, s1)
            let low23 = interleaveLow8(s2, s3)
            let high23 = interleaveHigh8(s2, s3)
            let base = index &* 4
            output.storeBytes(of: interleaveLow16(low01, low23), toByteOffset: base, as: SIMD16<UInt8>.self)
            output.storeBytes(of: interleaveHigh16(low01, low23), toByteOffset: base &+ 16, as: SIMD16<UInt8>.self)
            output.storeBytes(of: interleaveLow16(high01, high23), toByteOffset: base &+ 32, as: SIMD16<UInt8>.self)
            output.storeBytes(of: interleaveHigh16(high01, high23), toByteOffset: base &+ 48, as: SIMD16<UInt8>.self)
            index &+= 16
        }
        return index
    }

    /// Width 8 (DOUBLE, INT64): 16 values per step; returns how many values were done.
    static func transpose8(_ source: UnsafePointer<UInt8>, count: Int, into output: UnsafeMutableRawPointer) -> Int {
        let streams = UnsafeRawPointer(source)
        var index = 0
        while count &- index >= 16 {
            let s0 = streams.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
            let s1 = streams.loadUnaligned(fromByteOffset: count &+ index, as: SIMD16<UInt8>.self)
            let s2 = streams.loadUnaligned(fromByteOffset: 2 &* count &+ index, as: SIMD16<UInt8>.self)
            let s3 = streams.loadUnaligned(fromByteOffset: 3 &* count &+ index, as: SIMD16<UInt8>.self)
            let s4 = streams.loadUnaligned(fromByteOffset: 4 &* count &+ index, as: SIMD16<UInt8>.self)
            let s5 = streams.loadUnaligned(fromByteOffset: 5 &* count &+ index, as: SIMD16<UInt8>.self)
            let s6 = streams.loadUnaligned(fromByteOffset: 6 &* count &+ index, as: SIMD16<UInt8>.self)
            let s7 = streams.loadUnaligned(fromByteOffset: 7 &* count &+ index, as: SIMD16<UInt8>.self)
            // Bytes: pairs of streams, values 0...7 (low) and 8...15 (high).
            let a01 = interleaveLow8(s0, s1), b01 = interleaveHigh8(s0, s1)
            let a23 = interleaveLow8(s2, s3), b23 = interleaveHigh8(s2, s3)
            let a45 = interleaveLow8(s4, s5), b45 = interleaveHigh8(s4, s5)
            let a67 = interleaveLow8(s6, s7), b67 = interleaveHigh8(s6, s7)
            // 16-bit lanes: bytes 0-3 and 4-7 of values 0-3, 4-7, 8-11, 12-15.
            let c0 = interleaveLow16(a01, a23), d0 = interleaveLow16(a45, a67)
            let c1 = interleaveHigh16(a01, a23), d1 = interleaveHigh16(a45, a67)
            let c2 = interleaveLow16(b01, b23), d2 = interleaveLow16(b45, b67)
            let c3 = interleaveHigh16(b01, b23), d3 = interleaveHigh16(b45, b67)
            // 32-bit lanes: whole values, two per vector.
            let base = index &* 8
            output.storeBytes(of: interleaveLow32(c0, d0), toByteOffset: base, as: SIMD16<UInt8>.self)
            output.storeBytes(of: interleaveHigh32(c0, d0), toByteOffset: base &+ 16, as: SIMD16<UInt8>.self)
            output.storeBytes(of: interleaveLow32(c1, d1), toByteOffset: base &+ 32, as: SIMD16<UInt8>.self)
            output.storeBytes(of: interleaveHigh32(c1, d1), toByteOffset: base &+ 48, as: SIMD16<UInt8>.self)
            output.storeBytes(of: interleaveLow32(c2, d2), toByteOffset: base &+ 64, as: SIMD16<UInt8>.self)
            output.storeBytes(of: interleaveHigh32(c2, d2), toByteOffset: base &+ 80, as: SIMD16<UInt8>.self)
            output.storeBytes(of: interleaveLow32(c3, d3), toByteOffset: base &+ 96, as: SIMD16<UInt8>.self)
            output.storeBytes(of: interleaveHigh32(c3, d3), toByteOffset: base &+ 112, as: SIMD16<UInt8>.self)
            index &+= 16
        }
        return index
    }

    /// Bytes 0...7 of `a` and `b`, alternating.
    @inline(__always)
    static func interleaveLow8(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> SIMD16<UInt8> {
        SIMD16(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7])
    }

    /// Bytes 8...15 of `a` and `b`, alternating.
    @inline(__always)
    static func interleaveHigh8(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> SIMD16<UInt8> {
        SIMD16(
            a[8], b[8], a[9], b[9], a[10], b[10], a[11], b[11], a[12], b[12], a[13], b[13], a[14], b[14], a[15], b[15])
    }

    /// 16-bit lanes 0...3 of `a` and `b`, alternating.
    @inline(__always)
    static func interleaveLow16(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> SIMD16<UInt8> {
        // SAFETY: both SIMD types are 16 plain bytes; this only reinterprets lanes.
        let x = unsafeBitCast(a, to: SIMD8<UInt16>.self), y = unsafeBitCast(b, to: SIMD8<UInt16>.self)
        return unsafeBitCast(SIMD8(x[0], y[0], x[1], y[1], x[2], y[2], x[3], y[3]), to: SIMD16<UInt8>.self)
    }

    /// 16-bit lanes 4...7 of `a` and `b`, alternating.
    @inline(__always)
    static func interleaveHigh16(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> SIMD16<UInt8> {
        // SAFETY: both SIMD types are 16 plain bytes; this only reinterprets lanes.
        let x = unsafeBitCast(a, to: SIMD8<UInt16>.self), y = unsafeBitCast(b, to: SIMD8<UInt16>.self)
        return unsafeBitCast(SIMD8(x[4], y[4], x[5], y[5], x[6], y[6], x[7], y[7]), to: SIMD16<UInt8>.self)
    }

    /// 32-bit lanes 0 and 1 of `a` and `b`, alternating.
    @inline(__always)
    static func interleaveLow32(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> SIMD16<UInt8> {
        // SAFETY: both SIMD types are 16 plain bytes; this only reinterprets lanes.
        let x = unsafeBitCast(a, to: SIMD4<UInt32>.self), y = unsafeBitCast(b, to: SIMD4<UInt32>.self)
        return unsafeBitCast(SIMD4(x[0], y[0], x[1], y[1]), to: SIMD16<UInt8>.self)
    }

    /// 32-bit lanes 2 and 3 of `a` and `b`, alternating.
    @inline(__always)
    static func interleaveHigh32(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> SIMD16<UInt8> {
        // SAFETY: both SIMD types are 16 plain bytes; this only reinterprets lanes.
        let x = unsafeBitCast(a, to: SIMD4<UInt32>.self), y = unsafeBitCast(b, to: SIMD4<UInt32>.self)
        return unsafeBitCast(SIMD4(x[2], y[2], x[3], y[3]), to: SIMD16<UInt8>.self)
    }

    @inline(never)
    static func wrongSize(_ size: Int, count: Int, width: Int) -> DecodeError {
        .corrupt(
            "BYTE_STREAM_SPLIT data has \(size) bytes; \(count) values of \(width) bytes need exactly \(count &* width)"
        )
    }
}
