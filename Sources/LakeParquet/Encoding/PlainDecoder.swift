/// PLAIN (encoding 0) value decoding (Encodings.md "Plain"; parquet brief §6.1).
///
/// ```
/// INT32/INT64/FLOAT/DOUBLE  count × 4 or 8 bytes, little-endian
/// INT96                     count × 12 bytes (decode with decodeFixed, width 12)
/// BOOLEAN                   ceil(count / 8) bytes, bit i of byte j = value 8j + i (LSB first)
/// BYTE_ARRAY                count × (u32 LE length, length bytes)
/// FIXED_LEN_BYTE_ARRAY      count × width bytes
/// ```
///
/// Every function checks the input length once, then copies; each returns the input bytes consumed.
/// The functions assume a little-endian host, as every supported platform is.
package enum PlainDecoder {
    /// Decodes `count` little-endian fixed-width values (INT32, INT64, FLOAT, DOUBLE) into `output`.
    ///
    /// - Parameters:
    ///   - input: The page's value section; may be longer than needed.
    ///   - count: The number of values to decode.
    ///   - output: Room for `count` values.
    /// - Returns: The number of bytes consumed, `count * MemoryLayout<Value>.size`.
    /// - Throws: ``DecodeError/corrupt(_:)`` when `input` holds fewer than `count` values.
    /// - Complexity: O(`count`): one `memcpy`.
    package static func decode<Value: BitwiseCopyable>(
        _ input: UnsafeRawBufferPointer, count: Int, into output: UnsafeMutablePointer<Value>
    ) throws(DecodeError) -> Int {
        let byteCount = try checkedByteCount(count: count, width: MemoryLayout<Value>.size, available: input.count)
        if byteCount > 0, let source = input.baseAddress {
            UnsafeMutableRawPointer(output).copyMemory(from: source, byteCount: byteCount)
        }
        return byteCount
    }

    /// Decodes `count` bit-packed BOOLEAN values (LSB first) into `output`.
    ///
    /// - Returns: The number of bytes consumed, `ceil(count / 8)`.
    /// - Throws: ``DecodeError/corrupt(_:)`` when `input` is shorter than that.
    /// - Complexity: O(`count`); eight values per step (a broadcast-and-mask bit spread, one 8-byte store).
    package static func decodeBooleans(
        _ input: UnsafeRawBufferPointer, count: Int, into output: UnsafeMutablePointer<Bool>
    ) throws(DecodeError) -> Int {
        guard count >= 0 else { throw negativeCount(count) }
        let byteCount = (count &>> 3) &+ (count & 7 == 0 ? 0 : 1)  // ceil(count / 8), cannot overflow
        guard byteCount <= input.count else { throw short("BOOLEAN", count: count, needed: byteCount, input.count) }
        guard count > 0, let source = input.baseAddress else { return byteCount }
        let destination = UnsafeMutableRawPointer(output)
        let fullBytes = count &>> 3
        for byteIndex in 0..<fullBytes {
            let spread = spreadBits(source.load(fromByteOffset: byteIndex, as: UInt8.self))
            destination.storeBytes(of: spread.littleEndian, toByteOffset: byteIndex &<< 3, as: UInt64.self)
        }
        let tail = count & 7
        if tail > 0 {
            let spread = spreadBits(source.load(fromByteOffset: fullBytes, as: UInt8.self))
            for bit in 0..<tail {
                output[(fullBytes &<< 3) &+ bit] = (spread &>> UInt64(truncatingIfNeeded: bit &* 8)) & 1 != 0
            }
        }
        return byteCount
    }

    /// Decodes `count` BYTE_ARRAY values: appends one end offset per value to `offsets` and the
    /// payloads to `bytes`.
    ///
    /// Each appended offset is `bytes.count` after appending that value, so a caller that starts
    /// `offsets` with `[0]` gets Arrow-style offsets. On a throw, `offsets` and `bytes` are left as
    /// they were.
    ///
    /// - Returns: The number of bytes consumed.
    /// - Throws: ``DecodeError/corrupt(_:)`` when a length prefix or payload runs past `input`;
    ///   ``DecodeError/unsupported(_:)`` when `bytes` would exceed 2 GiB (32-bit offsets).
    /// - Complexity: O(`count` + payload bytes): one pass over the length prefixes, one copy pass.
    package static func decodeByteArrays(
        _ input: UnsafeRawBufferPointer, count: Int,
        offsets: inout ContiguousArray<Int32>, bytes: inout ContiguousArray<UInt8>
    ) throws(DecodeError) -> Int {
        guard count >= 0 else { throw negativeCount(count) }
        // Each value needs at least its 4-byte length, which bounds the allocation below.
        guard count <= input.count / 4 else { throw short("BYTE_ARRAY", count: count, needed: count &* 4, input.count) }
        guard count > 0, let source = input.baseAddress else { return 0 }
        let end = input.count
        let base = bytes.count
        let offsetStart = offsets.count
        offsets.append(contentsOf: repeatElement(0, count: count))
        do {
            // Pass 1 walks the length prefixes (a serial chain: each position depends on the
            // previous length), validates them and writes the end offsets.
            let position = try offsets.withUnsafeMutableBufferPointer { (buffer) throws(DecodeError) -> Int in
                guard let offsetOut = buffer.baseAddress.map({ $0 + offsetStart }) else { return 0 }
                var position = 0
                var written = base
                for index in 0..<count {
                    guard end &- position >= 4 else { throw truncatedByteArray(at: position) }
                    let length = Int(
                        UInt32(littleEndian: source.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
                    position &+= 4
                    guard length <= end &- position else { throw truncatedByteArray(at: position &- 4, length: length) }
                    position &+= length
                    written &+= length
                    offsetOut[index] = Int32(truncatingIfNeeded: written)
                }
                guard written <= Int(Int32.max) else { throw tooManyBytes(written) }
                return position
            }
            // Pass 2 copies the payloads. Value i starts at 4 * (i + 1) + (its start offset - base) in
            // the input, so the copies do not depend on each other.
            let payloadTotal = position &- 4 &* count
            bytes.append(contentsOf: repeatElement(0, count: payloadTotal &+ ByteCopy.slack))
            offsets.withUnsafeBufferPointer { offsetBuffer in
                bytes.withUnsafeMutableBufferPointer { byteBuffer in
                    guard let offsetBase = offsetBuffer.baseAddress, let byteBase = byteBuffer.baseAddress else {
                        return
                    }
                    let ends = offsetBase + offsetStart
                    let byteOut = UnsafeMutableRawPointer(byteBase)
                    var valueStart = base
                    for index in 0..<count {
                        let valueEnd = Int(ends[index])
                        let read = 4 &* (index &+ 1) &+ (valueStart &- base)
                        ByteCopy.copy(
                            to: byteOut + valueStart, from: source + read, count: valueEnd &- valueStart,
                            sourceAvailable: end &- read)
                        valueStart = valueEnd
                    }
                }
            }
            bytes.removeLast(ByteCopy.slack)
            return position
        } catch {
            offsets.removeLast(offsets.count &- offsetStart)
            throw error
        }
    }

    /// Decodes `count` FIXED_LEN_BYTE_ARRAY values of `width` bytes (also INT96 with width 12),
    /// appending them back to back to `bytes`.
    ///
    /// - Returns: The number of bytes consumed, `count * width`.
    /// - Throws: ``DecodeError/corrupt(_:)`` when `width` is not positive or `input` is too short.
    /// - Complexity: O(`count * width`): one copy.
    package static func decodeFixed(
        _ input: UnsafeRawBufferPointer, count: Int, width: Int, bytes: inout ContiguousArray<UInt8>
    ) throws(DecodeError) -> Int {
        guard width > 0 else { throw badWidth(width) }
        let byteCount = try checkedByteCount(count: count, width: width, available: input.count)
        if byteCount > 0 {
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[0..<byteCount]))
        }
        return byteCount
    }

    /// `count * width`, checked against overflow and against `available`.
    static func checkedByteCount(count: Int, width: Int, available: Int) throws(DecodeError) -> Int {
        guard count >= 0 else { throw negativeCount(count) }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, byteCount <= available else {
            throw short("fixed-width", count: count, needed: overflow ? Int.max : byteCount, available)
        }
        return byteCount
    }

    /// Spreads the 8 bits of `byte` into the low bit of 8 bytes (bit i → byte i).
    @inline(__always)
    static func spreadBits(_ byte: UInt8) -> UInt64 {
        // Broadcast, keep bit i in byte i, then turn each non-zero byte into 1 without carries.
        let selected = (UInt64(byte) &* 0x0101_0101_0101_0101) & 0x8040_2010_0804_0201
        return ((selected &+ 0x7F7F_7F7F_7F7F_7F7F) &>> 7) & 0x0101_0101_0101_0101
    }

    @inline(never)
    static func negativeCount(_ count: Int) -> DecodeError {
        .corrupt("negative value count \(count)")
    }

    @inline(never)
    static func short(_ kind: String, count: Int, needed: Int, _ available: Int) -> DecodeError {
        .corrupt("PLAIN \(kind) data holds \(available) bytes, but \(count) values need \(needed)")
    }

    @inline(never)
    static func badWidth(_ width: Int) -> DecodeError {
        .corrupt("fixed-length byte array width \(width) is not positive")
    }

    @inline(never)
    static func truncatedByteArray(at position: Int, length: Int? = nil) -> DecodeError {
        if let length {
            return .corrupt("PLAIN BYTE_ARRAY value at byte \(position) has length \(length), past the end of the data")
        }
        return .corrupt("PLAIN BYTE_ARRAY length prefix at byte \(position) runs past the end of the data")
    }

    @inline(never)
    static func tooManyBytes(_ total: Int) -> DecodeError {
        .unsupported("byte array data of \(total) bytes exceeds the 2 GiB limit of 32-bit offsets")
    }
}
