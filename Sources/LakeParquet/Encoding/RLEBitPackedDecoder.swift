/// RLE / bit-packing hybrid (encoding 3) decoding: definition and repetition levels, dictionary
/// indices and RLE-encoded booleans (Encodings.md "Run Length Encoding / Bit-Packing Hybrid";
/// parquet brief §6.2).
///
/// ```
/// runs        := run*
/// run         := rle-run | bit-packed-run
/// rle-run     := uvarint(count << 1)            value in ceil(bitWidth / 8) bytes, little-endian
/// bit-packed  := uvarint((count / 8) << 1 | 1)  count * bitWidth / 8 bytes, LSB first
/// ```
///
/// The decoder is a cursor over runs: ``decode(count:into:)`` may be called repeatedly and
/// resumes mid-run (even mid-group). RLE runs become a fill; bit-packed runs unpack whole groups of
/// eight straight into the output with width-specialized code (``BitUnpacking``).
///
/// The input holds the runs only: callers strip the v1 level / RLE-boolean length prefix first
/// (``lengthPrefixedRuns(_:)``) and the dictionary-index bit-width byte (``DictionaryIndexDecoder``).
/// The decoder keeps a pointer into `input`, which must stay valid while it is used.
///
/// Lenience, as in Arrow (GH-47981): a final bit-packed run may be cut short inside its last group
/// of eight; the values whose bits are present decode, and reading past them throws.
package struct RLEBitPackedDecoder {
    /// The runs.
    private let input: UnsafeRawBufferPointer
    /// Bits per value, 0...32.
    private let bitWidth: Int
    /// Byte offset of the next run header (everything before it belongs to runs already read).
    private var offset = 0
    /// Values left in the current run, including any still waiting in ``pending``.
    private var runRemaining = 0
    /// Whether the current run is bit-packed (else it repeats ``repeatedValue``).
    private var runIsBitPacked = false
    /// The value of the current RLE run.
    private var repeatedValue: UInt64 = 0
    /// Byte offset of the next group of eight not yet unpacked, in a bit-packed run.
    private var groupOffset = 0
    /// The group that was unpacked but only partly handed out.
    private var pending = SIMD8<UInt64>()
    /// The next value to hand out from ``pending`` (8 when it is empty).
    private var pendingIndex = 8

    /// Creates a decoder over hybrid runs.
    ///
    /// - Parameters:
    ///   - input: The runs, without a length prefix.
    ///   - bitWidth: Bits per value, 0...32; 0 means every value is 0.
    /// - Throws: ``DecodeError/corrupt(_:)`` when `bitWidth` is outside 0...32.
    package init(_ input: UnsafeRawBufferPointer, bitWidth: Int) throws(DecodeError) {
        guard bitWidth >= 0 && bitWidth <= 32 else { throw Self.badWidth(bitWidth) }
        self.input = input
        self.bitWidth = bitWidth
    }

    /// Bytes consumed so far: the end of the last run started.
    package var position: Int { offset }

    /// Decodes exactly `count` values into `output`.
    ///
    /// - Parameters:
    ///   - count: The number of values to decode.
    ///   - output: Room for `count` values.
    /// - Throws: ``DecodeError/corrupt(_:)`` when the runs end before `count` values, a run is
    ///   malformed, an RLE value does not fit the bit width, or the bit width exceeds `Value`'s.
    /// - Complexity: O(`count`); about one load, shift, mask and store per bit-packed value.
    ///
    /// Pre-specialized for the usual level and index types, so callers outside LakeParquet (tests,
    /// benchmarks) do not run the unspecialized generic code; callers inside are specialized anyway.
    @_specialize(where Value == UInt8)
    @_specialize(where Value == Int16)
    @_specialize(where Value == UInt16)
    @_specialize(where Value == Int32)
    @_specialize(where Value == UInt32)
    package mutating func decode<Value: FixedWidthInteger>(
        count: Int, into output: UnsafeMutablePointer<Value>
    ) throws(DecodeError) {
        guard count >= 0 else { throw Self.negativeCount(count) }
        guard bitWidth <= Value.bitWidth else { throw Self.widthExceedsOutput(bitWidth, Value.bitWidth) }
        var written = 0
        while written < count {
            if runRemaining == 0 {
                try startRun()
                continue
            }
            let take = min(count &- written, runRemaining)
            if runIsBitPacked {
                unpack(take, into: output + written)
            } else {
                (output + written).initialize(repeating: Value(truncatingIfNeeded: repeatedValue), count: take)
            }
            written &+= take
            runRemaining &-= take
        }
    }

    /// Counts the values the runs in `input` hold, reading only run headers, stopping once the count
    /// reaches `limit`.
    ///
    /// Callers check that runs really hold the `count` values a header claims before allocating
    /// room for them (SPEC.md §4.5): a page's claim costs memory only once its bytes back it. The
    /// count follows ``decode(count:into:)``'s rules, including a last bit-packed run cut short.
    ///
    /// - Throws: ``DecodeError/corrupt(_:)`` when a run header met before `limit` is malformed.
    /// - Complexity: O(runs read), not O(values).
    package static func countValues(
        _ input: UnsafeRawBufferPointer, bitWidth: Int, limit: Int
    ) throws(DecodeError) -> Int {
        var scanner = try RLEBitPackedDecoder(input, bitWidth: bitWidth)
        var total = 0
        while total < limit && scanner.offset < input.count {
            try scanner.startRun()
            total &+= scanner.runRemaining
        }
        return total
    }

    /// Decodes `count` values of bit width 1 as booleans (RLE-encoded BOOLEAN pages).
    ///
    /// - Throws: As ``decode(count:into:)``; also when the bit width is not 1.
    package mutating func decodeBooleans(count: Int, into output: UnsafeMutablePointer<Bool>) throws(DecodeError) {
        guard bitWidth == 1 else { throw Self.booleanWidth(bitWidth) }
        // SAFETY: width-1 values are 0 or 1, exactly the bit patterns of `false` and `true`.
        try output.withMemoryRebound(to: UInt8.self, capacity: count) { (bytes) throws(DecodeError) in
            try decode(count: count, into: bytes)
        }
    }

    /// Splits a length-prefixed hybrid section (v1 data-page levels, RLE BOOLEAN values in v1 and v2
    /// pages) into its runs.
    ///
    /// - Returns: The runs (`u32 LE` length bytes after the prefix) and the bytes the section takes,
    ///   `4 + length`.
    /// - Throws: ``DecodeError/corrupt(_:)`` when the prefix or the runs run past `input`.
    package static func lengthPrefixedRuns(
        _ input: UnsafeRawBufferPointer
    ) throws(DecodeError) -> (runs: UnsafeRawBufferPointer, consumed: Int) {
        guard input.count >= 4, let base = input.baseAddress else { throw shortPrefix(input.count) }
        let length = Int(UInt32(littleEndian: base.loadUnaligned(as: UInt32.self)))
        guard length <= input.count &- 4 else { throw prefixPastEnd(length, available: input.count &- 4) }
        return (UnsafeRawBufferPointer(rebasing: input[4..<(4 &+ length)]), 4 &+ length)
    }

    /// Hands out `take` values of the current bit-packed run (`take <= runRemaining`).
    @inline(__always)
    private mutating func unpack<Value: FixedWidthInteger>(_ take: Int, into output: UnsafeMutablePointer<Value>) {
        var done = 0
        // 1. The rest of a group unpacked by an earlier call.
        while pendingIndex < 8 && done < take {
            output[done] = Value(truncatingIfNeeded: pending[pendingIndex])
            pendingIndex &+= 1
            done &+= 1
        }
        guard done < take, let base = input.baseAddress else { return }
        // 2. Whole groups, straight into the output.
        let groupCount = (take &- done) &>> 3
        if groupCount > 0 {
            var sink = StoreSink(pointer: output + done)
            BitUnpacking.unpack(
                base + groupOffset, available: input.count &- groupOffset, groupCount: groupCount,
                width: bitWidth, wide: false, into: &sink)
            groupOffset &+= groupCount &* bitWidth
            done &+= groupCount &<< 3
        }
        // 3. A partial group: unpack all eight, hand out what was asked for, keep the rest.
        if done < take {
            var sink = GroupSink()
            BitUnpacking.unpack(
                base + groupOffset, available: input.count &- groupOffset, groupCount: 1,
                width: bitWidth, wide: false, into: &sink)
            groupOffset &+= bitWidth
            pending = sink.values
            pendingIndex = 0
            while done < take {
                output[done] = Value(truncatingIfNeeded: pending[pendingIndex])
                pendingIndex &+= 1
                done &+= 1
            }
        }
    }

    /// Reads the next run header and sets up the run.
    private mutating func startRun() throws(DecodeError) {
        guard offset < input.count, let base = input.baseAddress else { throw Self.exhausted(at: offset) }
        let headerStart = offset
        let header = try VarInt.readCount(
            base, end: input.count, offset: &offset, limit: UInt64(UInt32.max), field: "run header")
        let runLength = header &>> 1
        if header & 1 == 0 {
            // RLE run: the value in ceil(bitWidth / 8) little-endian bytes.
            let valueBytes = (bitWidth &+ 7) &>> 3
            guard input.count &- offset >= valueBytes else { throw Self.shortRun(at: headerStart) }
            var value: UInt64 = 0
            for byteIndex in 0..<valueBytes {
                let byte = UInt64(base.load(fromByteOffset: offset &+ byteIndex, as: UInt8.self))
                value |= byte &<< UInt64(truncatingIfNeeded: byteIndex &* 8)
            }
            guard value &>> UInt64(truncatingIfNeeded: bitWidth) == 0 else {
                throw Self.valueTooWide(value, bitWidth: bitWidth, at: headerStart)
            }
            offset &+= valueBytes
            repeatedValue = value
            runRemaining = runLength
            runIsBitPacked = false
        } else if bitWidth == 0 {
            // Bit-packed zeros take no bytes: the same as an RLE run of 0.
            repeatedValue = 0
            runRemaining = runLength &<< 3
            runIsBitPacked = false
        } else {
            var valueCount = runLength &<< 3
            var byteCount = runLength &* bitWidth
            let available = input.count &- offset
            if byteCount > available {
                // Only the last group may be cut short (Arrow GH-47981); anything more is corrupt.
                let present = available &* 8 / bitWidth
                guard present > valueCount &- 8 else {
                    throw Self.shortBitPacked(valueCount, needed: byteCount, available: available, at: headerStart)
                }
                valueCount = present
                byteCount = available
            }
            groupOffset = offset
            offset &+= byteCount
            runRemaining = valueCount
            runIsBitPacked = true
            pendingIndex = 8
        }
    }

    @inline(never)
    private static func badWidth(_ width: Int) -> DecodeError {
        .corrupt("RLE/bit-packed bit width \(width) is outside 0...32")
    }

    @inline(never)
    private static func negativeCount(_ count: Int) -> DecodeError {
        .corrupt("negative value count \(count)")
    }

    @inline(never)
    private static func widthExceedsOutput(_ width: Int, _ outputWidth: Int) -> DecodeError {
        .corrupt("RLE/bit-packed bit width \(width) does not fit \(outputWidth)-bit values")
    }

    @inline(never)
    private static func booleanWidth(_ width: Int) -> DecodeError {
        .corrupt("RLE-encoded booleans need bit width 1, not \(width)")
    }

    @inline(never)
    private static func exhausted(at offset: Int) -> DecodeError {
        .corrupt("RLE/bit-packed data ends at byte \(offset) before all values were read")
    }

    @inline(never)
    private static func shortRun(at offset: Int) -> DecodeError {
        .corrupt("RLE run at byte \(offset) is missing its value bytes")
    }

    @inline(never)
    private static func valueTooWide(_ value: UInt64, bitWidth: Int, at offset: Int) -> DecodeError {
        .corrupt("RLE run at byte \(offset) repeats \(value), which does not fit bit width \(bitWidth)")
    }

    @inline(never)
    private static func shortBitPacked(_ count: Int, needed: Int, available: Int, at offset: Int) -> DecodeError {
        .corrupt("bit-packed run of \(count) values at byte \(offset) needs \(needed) bytes; \(available) remain")
    }

    @inline(never)
    private static func shortPrefix(_ count: Int) -> DecodeError {
        .corrupt("length-prefixed RLE data has \(count) bytes, too few for the 4-byte length")
    }

    @inline(never)
    private static func prefixPastEnd(_ length: Int, available: Int) -> DecodeError {
        .corrupt("RLE length prefix says \(length) bytes, but only \(available) follow")
    }
}
