/// DELTA_BINARY_PACKED (encoding 5) decoding for INT32 and INT64 (Encodings.md "Delta Encoding";
/// parquet brief §6.4, pitfall 4).
///
/// ```
/// header := uvarint block_size        multiple of 128
///           uvarint miniblocks        block_size / miniblocks is a multiple of 32
///           uvarint total_value_count
///           zigzag  first_value
/// block  := zigzag min_delta, one width byte per miniblock, then the miniblocks:
///           each values_per_miniblock * width / 8 bytes of LSB-first (delta - min_delta)
/// ```
///
/// Only `total_value_count - 1` deltas exist. Miniblocks after the last needed one have a width
/// byte (any value) but no data; padding inside the last used miniblock is present and ignored.
/// Arithmetic wraps in the output width; widths up to 64 are accepted for INT32 too (DuckDB writes
/// 33) and the result is truncated, which is exact modulo 2³².
package enum DeltaBinaryPackedDecoder {
    /// The largest block size and miniblock count accepted: far above any writer's (DuckDB 2048),
    /// low enough that byte counts cannot overflow.
    static let maxBlockSize: UInt64 = 1 << 31

    /// The value count a stream's header states, read without decoding the stream.
    ///
    /// Callers compare it with the count they expect before allocating room for the values, so a
    /// page's claim costs memory only once the stream agrees with it (SPEC.md §4.5).
    ///
    /// - Throws: ``DecodeError/corrupt(_:)`` when the header is empty or malformed.
    package static func headerValueCount(_ input: UnsafeRawBufferPointer) throws(DecodeError) -> Int {
        guard let base = input.baseAddress, !input.isEmpty else { throw emptyStream() }
        var offset = 0
        _ = try VarInt.readCount(
            base, end: input.count, offset: &offset, limit: maxBlockSize, field: "DELTA_BINARY_PACKED block size")
        _ = try VarInt.readCount(
            base, end: input.count, offset: &offset, limit: maxBlockSize, field: "DELTA_BINARY_PACKED miniblock count")
        return try VarInt.readCount(
            base, end: input.count, offset: &offset, limit: UInt64(Int.max), field: "DELTA_BINARY_PACKED value count")
    }

    /// Decodes a whole DELTA_BINARY_PACKED stream into `output`.
    ///
    /// - Parameters:
    ///   - input: The stream; may continue past its end (DELTA_LENGTH_BYTE_ARRAY payloads follow).
    ///   - capacity: How many values `output` has room for.
    ///   - output: Where the values go.
    /// - Returns: The number of values written (the header's total) and the exact number of bytes the
    ///   stream takes, through the end of its last used miniblock.
    /// - Throws: ``DecodeError/corrupt(_:)`` on a malformed header, a total above `capacity`, a
    ///   miniblock width above 64, or a stream that ends early.
    /// - Complexity: O(total + bytes); each value is one load, shift, mask and add.
    ///
    /// Pre-specialized for INT32 and INT64 so callers outside LakeParquet get the fast path too.
    @_specialize(where Value == Int32)
    @_specialize(where Value == Int64)
    package static func decode<Value: FixedWidthInteger>(
        _ input: UnsafeRawBufferPointer, capacity: Int, into output: UnsafeMutablePointer<Value>
    ) throws(DecodeError) -> (count: Int, consumed: Int) {
        guard let base = input.baseAddress, !input.isEmpty else { throw emptyStream() }
        let end = input.count
        var offset = 0
        let blockSize = try VarInt.readCount(
            base, end: end, offset: &offset, limit: maxBlockSize, field: "DELTA_BINARY_PACKED block size")
        let miniblockCount = try VarInt.readCount(
            base, end: end, offset: &offset, limit: maxBlockSize, field: "DELTA_BINARY_PACKED miniblock count")
        let total = try VarInt.readCount(
            base, end: end, offset: &offset, limit: UInt64(Int.max), field: "DELTA_BINARY_PACKED value count")
        let first = try VarInt.readZigZag(base, end: end, offset: &offset)
        guard blockSize > 0, blockSize % 128 == 0, miniblockCount > 0, blockSize % miniblockCount == 0,
            (blockSize / miniblockCount) % 32 == 0
        else { throw badHeader(blockSize: blockSize, miniblockCount: miniblockCount) }
        guard total <= capacity else { throw tooManyValues(total, capacity: capacity) }
        guard total > 0 else { return (0, offset) }

        let valuesPerMiniblock = blockSize / miniblockCount
        var last = Value(truncatingIfNeeded: first)
        output[0] = last
        var written = 1
        while written < total {
            let minDelta = Value(truncatingIfNeeded: try VarInt.readZigZag(base, end: end, offset: &offset))
            guard end &- offset >= miniblockCount else { throw truncated("miniblock bit widths", at: offset) }
            let widthOffset = offset
            offset &+= miniblockCount
            var miniblock = 0
            while miniblock < miniblockCount && written < total {
                let width = Int(base.load(fromByteOffset: widthOffset &+ miniblock, as: UInt8.self))
                guard width <= 64 else { throw badWidth(width, at: widthOffset &+ miniblock) }
                let byteCount = (valuesPerMiniblock &>> 3) &* width
                guard end &- offset >= byteCount else { throw truncated("a miniblock", at: offset) }
                let valueCount = min(valuesPerMiniblock, total &- written)
                decodeMiniblock(
                    base + offset, available: end &- offset, count: valueCount, width: width,
                    minDelta: minDelta, last: &last, into: output + written)
                offset &+= byteCount
                written &+= valueCount
                miniblock &+= 1
            }
        }
        return (written, offset)
    }

    /// Adds `count` deltas (`minDelta` plus each packed value) to `last`, storing each running value.
    @inline(__always)
    static func decodeMiniblock<Value: FixedWidthInteger>(
        _ source: UnsafeRawPointer, available: Int, count: Int, width: Int, minDelta: Value,
        last: inout Value, into output: UnsafeMutablePointer<Value>
    ) {
        if width == 0 {
            var value = last
            for index in 0..<count {
                value = value &+ minDelta
                output[index] = value
            }
            last = value
            return
        }
        let groupCount = count &>> 3
        var done = 0
        if groupCount > 0 {
            var sink = DeltaSink(pointer: output, last: last, minDelta: minDelta)
            BitUnpacking.unpack(
                source, available: available, groupCount: groupCount, width: width, wide: true, into: &sink)
            last = sink.last
            done = groupCount &<< 3
        }
        if done < count {
            var sink = GroupSink()
            BitUnpacking.unpack(
                source + (groupCount &* width), available: available &- groupCount &* width, groupCount: 1,
                width: width, wide: true, into: &sink)
            var value = last
            var index = 0
            while done < count {
                value = value &+ minDelta &+ Value(truncatingIfNeeded: sink.values[index])
                output[done] = value
                index &+= 1
                done &+= 1
            }
            last = value
        }
    }

    @inline(never)
    static func emptyStream() -> DecodeError {
        .corrupt("DELTA_BINARY_PACKED data is empty; expected a header")
    }

    @inline(never)
    static func badHeader(blockSize: Int, miniblockCount: Int) -> DecodeError {
        .corrupt(
            "DELTA_BINARY_PACKED header has block size \(blockSize) and \(miniblockCount) miniblocks; "
                + "the block size must be a multiple of 128 and each miniblock a multiple of 32 values")
    }

    @inline(never)
    static func tooManyValues(_ total: Int, capacity: Int) -> DecodeError {
        .corrupt("DELTA_BINARY_PACKED header declares \(total) values, more than the \(capacity) expected")
    }

    @inline(never)
    static func badWidth(_ width: Int, at offset: Int) -> DecodeError {
        .corrupt("DELTA_BINARY_PACKED miniblock bit width \(width) at byte \(offset) exceeds 64")
    }

    @inline(never)
    static func truncated(_ what: String, at offset: Int) -> DecodeError {
        .corrupt("DELTA_BINARY_PACKED data ends inside \(what) at byte \(offset)")
    }
}
