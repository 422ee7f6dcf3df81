/// DELTA_LENGTH_BYTE_ARRAY (encoding 6) decoding for BYTE_ARRAY (Encodings.md "Delta-length byte
/// array"; parquet brief §6.5).
///
/// ```
/// [DELTA_BINARY_PACKED stream of the n lengths][the n payloads, back to back]
/// ```
package enum DeltaLengthByteArrayDecoder {
    /// Decodes `count` values: appends one end offset per value to `offsets` and the payloads to
    /// `bytes`, as ``PlainDecoder/decodeByteArrays(_:count:offsets:bytes:)`` does.
    ///
    /// On a throw, `offsets` and `bytes` are left as they were. `count` must already be validated by
    /// the caller (it sizes the offsets; lengths of 0 take almost no input). With `count == 0`, an
    /// empty `input` is accepted.
    ///
    /// - Returns: The number of bytes consumed: the lengths stream plus the payloads.
    /// - Throws: ``DecodeError/corrupt(_:)`` when the lengths stream is malformed or does not hold
    ///   exactly `count` lengths, a length is negative, or the payloads run past `input`;
    ///   ``DecodeError/unsupported(_:)`` when `bytes` would exceed 2 GiB.
    /// - Complexity: O(`count` + payload bytes); the payloads are one copy.
    package static func decode(
        _ input: UnsafeRawBufferPointer, count: Int,
        offsets: inout ContiguousArray<Int32>, bytes: inout ContiguousArray<UInt8>
    ) throws(DecodeError) -> Int {
        guard count >= 0 else { throw .corrupt("negative value count \(count)") }
        // An all-null page may carry no lengths stream at all.
        if count == 0 && input.isEmpty { return 0 }
        try DeltaLengths.checkHeader(input, count: count)
        let offsetStart = offsets.count
        offsets.append(contentsOf: repeatElement(0, count: count))
        do {
            let base = bytes.count
            // The lengths go where the end offsets will be, then become offsets in place.
            let (lengthsConsumed, payloadTotal) = try offsets.withUnsafeMutableBufferPointer {
                (buffer) throws(DecodeError) -> (Int, Int) in
                let lengths = UnsafeMutableBufferPointer(rebasing: buffer[offsetStart...])
                let consumed = try DeltaLengths.decode(input, count: count, into: lengths)
                let total = try DeltaLengths.total(
                    UnsafeBufferPointer(lengths), available: input.count &- consumed, base: base)
                DeltaLengths.makeEndOffsets(lengths, base: base)
                return (consumed, total)
            }
            if payloadTotal > 0 {
                bytes.append(
                    contentsOf: UnsafeRawBufferPointer(
                        rebasing: input[lengthsConsumed..<(lengthsConsumed &+ payloadTotal)]))
            }
            return lengthsConsumed &+ payloadTotal
        } catch {
            offsets.removeLast(offsets.count &- offsetStart)
            throw error
        }
    }
}

/// Length arrays stored as DELTA_BINARY_PACKED (DELTA_LENGTH_BYTE_ARRAY lengths, DELTA_BYTE_ARRAY
/// prefix and suffix lengths): decoding, validation and conversion to offsets.
enum DeltaLengths {
    /// Checks, before anything is allocated for them, that the lengths stream's header states
    /// `count` values.
    static func checkHeader(_ input: UnsafeRawBufferPointer, count: Int) throws(DecodeError) {
        let stated = try DeltaBinaryPackedDecoder.headerValueCount(input)
        guard stated == count else { throw countMismatch(stated, expected: count) }
    }

    /// Decodes exactly `lengths.count` lengths; returns the bytes the stream takes.
    static func decode(
        _ input: UnsafeRawBufferPointer, count: Int, into lengths: UnsafeMutableBufferPointer<Int32>
    ) throws(DecodeError) -> Int {
        guard let pointer = lengths.baseAddress else {
            // No values: the stream must still be a valid (empty) header.
            var empty: Int32 = 0
            let (decoded, consumed) = try withUnsafeMutablePointer(to: &empty) { (pointer) throws(DecodeError) in
                try DeltaBinaryPackedDecoder.decode(input, capacity: 0, into: pointer)
            }
            guard decoded == 0 else { throw countMismatch(decoded, expected: 0) }
            return consumed
        }
        let (decoded, consumed) = try DeltaBinaryPackedDecoder.decode(input, capacity: count, into: pointer)
        guard decoded == count else { throw countMismatch(decoded, expected: count) }
        return consumed
    }

    /// The sum of `lengths`, checked: no length is negative, the sum fits `available` input bytes and
    /// `base + sum` fits 32-bit offsets.
    static func total(
        _ lengths: UnsafeBufferPointer<Int32>, available: Int, base: Int
    ) throws(DecodeError) -> Int {
        var sum = 0
        var signs: Int32 = 0
        for length in lengths {
            sum &+= Int(length)
            signs |= length
        }
        guard signs >= 0 else { throw negativeLength() }
        guard sum <= available else { throw payloadPastEnd(sum, available: available) }
        guard sum <= Int(Int32.max) &- base else { throw PlainDecoder.tooManyBytes(base &+ sum) }
        return sum
    }

    /// Replaces validated lengths with running end offsets starting from `base`.
    static func makeEndOffsets(_ lengths: UnsafeMutableBufferPointer<Int32>, base: Int) {
        var end = Int32(truncatingIfNeeded: base)
        for index in lengths.indices {
            end &+= lengths[index]
            lengths[index] = end
        }
    }

    @inline(never)
    static func countMismatch(_ decoded: Int, expected: Int) -> DecodeError {
        .corrupt("delta lengths stream holds \(decoded) lengths, but the page has \(expected) values")
    }

    @inline(never)
    static func negativeLength() -> DecodeError {
        .corrupt("delta-encoded byte array has a negative length")
    }

    @inline(never)
    static func payloadPastEnd(_ total: Int, available: Int) -> DecodeError {
        .corrupt("delta-encoded byte array payloads need \(total) bytes; \(available) remain")
    }
}
