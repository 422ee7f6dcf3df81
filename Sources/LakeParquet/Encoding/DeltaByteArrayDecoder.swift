/// DELTA_BYTE_ARRAY (encoding 7) decoding for BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY (Encodings.md
/// "Delta Strings"; parquet brief §6.6).
///
/// ```
/// [DELTA_BINARY_PACKED prefix lengths][DELTA_LENGTH_BYTE_ARRAY suffixes]
/// value[i] = value[i - 1].prefix(prefixLength[i]) + suffix[i],  value[-1] = "" in every page
/// ```
package enum DeltaByteArrayDecoder {
    /// Decodes `count` values: appends one end offset per value to `offsets` and the values to
    /// `bytes`, as ``PlainDecoder/decodeByteArrays(_:count:offsets:bytes:)`` does.
    ///
    /// On a throw, `offsets` and `bytes` are left as they were. `count` must already be validated by
    /// the caller. With `count == 0`, an empty `input` is accepted.
    ///
    /// - Returns: The number of bytes consumed.
    /// - Throws: ``DecodeError/corrupt(_:)`` when a stream is malformed or holds other than `count`
    ///   lengths, a length is negative, a prefix is longer than the previous value, or the suffixes
    ///   run past `input`; ``DecodeError/unsupported(_:)`` when `bytes` would exceed 2 GiB.
    /// - Complexity: O(`count` + output bytes).
    package static func decode(
        _ input: UnsafeRawBufferPointer, count: Int,
        offsets: inout ContiguousArray<Int32>, bytes: inout ContiguousArray<UInt8>
    ) throws(DecodeError) -> Int {
        guard count >= 0 else { throw .corrupt("negative value count \(count)") }
        if count == 0 && input.isEmpty { return 0 }
        try DeltaLengths.checkHeader(input, count: count)
        let offsetStart = offsets.count
        offsets.append(contentsOf: repeatElement(0, count: count))
        do {
            return try offsets.withUnsafeMutableBufferPointer { (buffer) throws(DecodeError) -> Int in
                let endOffsets = UnsafeMutableBufferPointer(rebasing: buffer[offsetStart...])
                return try decode(input, count: count, fixedWidth: nil, endOffsets: endOffsets, bytes: &bytes)
            }
        } catch {
            offsets.removeLast(offsets.count &- offsetStart)
            throw error
        }
    }

    /// Decodes `count` FIXED_LEN_BYTE_ARRAY values of `width` bytes, appending them back to back to
    /// `bytes`. Every value must come out exactly `width` bytes long.
    ///
    /// - Returns: The number of bytes consumed.
    /// - Throws: As ``decode(_:count:offsets:bytes:)``; also when a value's length is not `width`.
    package static func decodeFixed(
        _ input: UnsafeRawBufferPointer, count: Int, width: Int, bytes: inout ContiguousArray<UInt8>
    ) throws(DecodeError) -> Int {
        guard count >= 0 else { throw .corrupt("negative value count \(count)") }
        guard width > 0 else { throw PlainDecoder.badWidth(width) }
        if count == 0 && input.isEmpty { return 0 }
        try DeltaLengths.checkHeader(input, count: count)
        return try decode(input, count: count, fixedWidth: width, endOffsets: nil, bytes: &bytes)
    }

    /// The shared decoder: prefix and suffix lengths into temporary buffers, one validation pass
    /// (prefix ≤ previous length, totals), then one assembly pass into `bytes`.
    private static func decode(
        _ input: UnsafeRawBufferPointer, count: Int, fixedWidth: Int?,
        endOffsets: UnsafeMutableBufferPointer<Int32>?, bytes: inout ContiguousArray<UInt8>
    ) throws(DecodeError) -> Int {
        try withUnsafeTemporaryAllocation(of: Int32.self, capacity: count) {
            (prefixes) throws(DecodeError) -> Int in
            try withUnsafeTemporaryAllocation(of: Int32.self, capacity: count) {
                (suffixes) throws(DecodeError) -> Int in
                let prefixBytes = try DeltaLengths.decode(input, count: count, into: prefixes)
                let rest = UnsafeRawBufferPointer(rebasing: input[prefixBytes...])
                let suffixLengthBytes = try DeltaLengths.decode(rest, count: count, into: suffixes)
                let suffixStart = prefixBytes &+ suffixLengthBytes
                let suffixTotal = try DeltaLengths.total(
                    UnsafeBufferPointer(suffixes), available: input.count &- suffixStart, base: 0)
                let outputTotal = try validate(
                    prefixes: UnsafeBufferPointer(prefixes), suffixes: UnsafeBufferPointer(suffixes),
                    fixedWidth: fixedWidth, base: bytes.count)
                assemble(
                    prefixes: UnsafeBufferPointer(prefixes), suffixes: UnsafeBufferPointer(suffixes),
                    suffixData: input.baseAddress.map { $0 + suffixStart },
                    suffixAvailable: input.count &- suffixStart, outputTotal: outputTotal,
                    endOffsets: endOffsets, bytes: &bytes)
                return suffixStart &+ suffixTotal
            }
        }
    }

    /// Checks every prefix against the previous value's length (and each length against
    /// `fixedWidth`) and returns the total output size.
    private static func validate(
        prefixes: UnsafeBufferPointer<Int32>, suffixes: UnsafeBufferPointer<Int32>, fixedWidth: Int?,
        base: Int
    ) throws(DecodeError) -> Int {
        let limit = Int(Int32.max) &- base
        var previous = 0
        var total = 0
        for index in prefixes.indices {
            let prefix = Int(prefixes[index])
            guard prefix >= 0 && prefix <= previous else { throw badPrefix(prefix, previous: previous, at: index) }
            // Suffix lengths are already checked non-negative and to fit the input.
            let length = prefix &+ Int(suffixes[index])
            if let fixedWidth, length != fixedWidth { throw wrongWidth(length, width: fixedWidth, at: index) }
            total &+= length
            guard total <= limit else { throw PlainDecoder.tooManyBytes(base &+ total) }
            previous = length
        }
        return total
    }

    /// Builds the values in `bytes` (zero-extended by `outputTotal`, then filled in one pass).
    private static func assemble(
        prefixes: UnsafeBufferPointer<Int32>, suffixes: UnsafeBufferPointer<Int32>,
        suffixData: UnsafeRawPointer?, suffixAvailable: Int, outputTotal: Int,
        endOffsets: UnsafeMutableBufferPointer<Int32>?, bytes: inout ContiguousArray<UInt8>
    ) {
        guard outputTotal > 0, let suffixData else {
            // Every value is empty; only the offsets need writing.
            if let endOffsets { endOffsets.update(repeating: Int32(truncatingIfNeeded: bytes.count)) }
            return
        }
        let base = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: outputTotal &+ ByteCopy.slack))
        defer { bytes.removeLast(ByteCopy.slack) }
        bytes.withUnsafeMutableBufferPointer { buffer in
            guard let output = buffer.baseAddress.map(UnsafeMutableRawPointer.init) else { return }
            // Values are written as 8-byte words at offsets 0, 8, 16, … from their start, and the next
            // value reads its prefix back with the same words, so every read is forwarded from one
            // earlier store. (Byte-exact copies would make the next value's reads straddle two
            // stores, which stalls store-to-load forwarding on every value.)
            var previousStart = base
            var written = base
            var suffixRead = 0
            for index in prefixes.indices {
                let start = written
                let prefix = Int(prefixes[index])
                let suffix = Int(suffixes[index])
                let length = prefix &+ suffix
                if suffixAvailable &- suffixRead >= suffix &+ 8 {
                    let previous = UnsafeRawPointer(output + previousStart)
                    let current = output + start
                    let suffixBytes = suffixData + suffixRead
                    var wordOffset = 0
                    // Words wholly inside the prefix.
                    while wordOffset &+ 8 <= prefix {
                        let word = previous.loadUnaligned(fromByteOffset: wordOffset, as: UInt64.self)
                        current.storeBytes(of: word, toByteOffset: wordOffset, as: UInt64.self)
                        wordOffset &+= 8
                    }
                    if wordOffset < length {
                        // The word where the prefix ends (0...7 prefix bytes; branch-free, a mask of
                        // 0 keeps none), then whole suffix words.
                        let bits = UInt64(truncatingIfNeeded: (prefix &- wordOffset) &* 8)
                        let head = UInt64(
                            littleEndian: previous.loadUnaligned(fromByteOffset: wordOffset, as: UInt64.self))
                        let tail = UInt64(littleEndian: suffixBytes.loadUnaligned(as: UInt64.self))
                        let word = (head & ((1 &<< bits) &- 1)) | (tail &<< bits)
                        current.storeBytes(of: word.littleEndian, toByteOffset: wordOffset, as: UInt64.self)
                        wordOffset &+= 8
                        while wordOffset < length {
                            let next = suffixBytes.loadUnaligned(fromByteOffset: wordOffset &- prefix, as: UInt64.self)
                            current.storeBytes(of: next, toByteOffset: wordOffset, as: UInt64.self)
                            wordOffset &+= 8
                        }
                    }
                } else {
                    // Near the end of the input: exact copies (the prefix source ends where this
                    // value starts, so the regions never overlap).
                    (output + written).copyMemory(from: output + previousStart, byteCount: prefix)
                    (output + (written &+ prefix)).copyMemory(from: suffixData + suffixRead, byteCount: suffix)
                }
                written &+= length
                suffixRead &+= suffix
                if let endOffsets { endOffsets[index] = Int32(truncatingIfNeeded: written) }
                previousStart = start
            }
        }
    }

    @inline(never)
    private static func badPrefix(_ prefix: Int, previous: Int, at index: Int) -> DecodeError {
        .corrupt(
            "DELTA_BYTE_ARRAY value \(index) has prefix length \(prefix), but the previous value has \(previous) bytes")
    }

    @inline(never)
    private static func wrongWidth(_ length: Int, width: Int, at index: Int) -> DecodeError {
        .corrupt("DELTA_BYTE_ARRAY value \(index) has \(length) bytes; the column's fixed width is \(width)")
    }
}
