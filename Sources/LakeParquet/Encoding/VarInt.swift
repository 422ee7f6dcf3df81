/// ULEB128 varints and zigzag integers as the Parquet encodings use them (Encodings.md: run headers,
/// DELTA_BINARY_PACKED headers and block minimum deltas).
///
/// Readers take a base pointer, the readable byte count and a cursor; they check the cursor against
/// the count before every byte, so a varint that runs off the end throws instead of over-reading.
enum VarInt {
    /// Reads one unsigned LEB128 varint of at most 64 bits at `offset`, advancing it.
    ///
    /// - Throws: ``DecodeError/corrupt(_:)`` when the varint runs past `end` or overflows 64 bits.
    @inline(__always)
    static func readUnsigned(
        _ base: UnsafeRawPointer, end: Int, offset: inout Int
    ) throws(DecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw truncated(at: offset) }
            let byte = base.load(fromByteOffset: offset, as: UInt8.self)
            offset &+= 1
            result |= UInt64(byte & 0x7F) &<< shift
            if byte < 0x80 {
                if shift == 63 && byte > 1 { throw overflow(at: offset) }
                return result
            }
            shift &+= 7
            guard shift <= 63 else { throw overflow(at: offset) }
        }
    }

    /// Reads a zigzag-encoded signed varint (`(n << 1) ^ (n >> 63)`) at `offset`, advancing it.
    @inline(__always)
    static func readZigZag(_ base: UnsafeRawPointer, end: Int, offset: inout Int) throws(DecodeError) -> Int64 {
        let raw = try readUnsigned(base, end: end, offset: &offset)
        return Int64(bitPattern: (raw &>> 1) ^ (0 &- (raw & 1)))
    }

    /// Reads an unsigned varint that must fit `limit` (a count or size field), as an `Int`.
    @inline(__always)
    static func readCount(
        _ base: UnsafeRawPointer, end: Int, offset: inout Int, limit: UInt64, field: StaticString
    ) throws(DecodeError) -> Int {
        let start = offset
        let raw = try readUnsigned(base, end: end, offset: &offset)
        guard raw <= limit else { throw tooLarge(field, raw, limit: limit, at: start) }
        return Int(raw)
    }

    /// Appends `value` as an unsigned LEB128 varint.
    @inline(__always)
    static func appendUnsigned(_ value: UInt64, to output: inout ContiguousArray<UInt8>) {
        var remaining = value
        while remaining >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining &>>= 7
        }
        output.append(UInt8(truncatingIfNeeded: remaining))
    }

    /// Appends `value` zigzag-encoded as a varint.
    @inline(__always)
    static func appendZigZag(_ value: Int64, to output: inout ContiguousArray<UInt8>) {
        appendUnsigned(UInt64(bitPattern: (value &<< 1) ^ (value &>> 63)), to: &output)
    }

    @inline(never)
    private static func truncated(at offset: Int) -> DecodeError {
        .corrupt("varint runs past the end of the data at byte \(offset)")
    }

    @inline(never)
    private static func overflow(at offset: Int) -> DecodeError {
        .corrupt("varint ending at byte \(offset) overflows 64 bits")
    }

    @inline(never)
    private static func tooLarge(_ field: StaticString, _ value: UInt64, limit: UInt64, at offset: Int) -> DecodeError {
        .corrupt("\(field) \(value) at byte \(offset) exceeds the limit \(limit)")
    }
}
