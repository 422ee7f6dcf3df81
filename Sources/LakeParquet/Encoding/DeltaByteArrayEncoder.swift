/// DELTA_BYTE_ARRAY (encoding 7) encoding for BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY; the inverse of
/// ``DeltaByteArrayDecoder``.
///
/// Each value is stored as the length of the prefix it shares with the previous value plus the rest
/// (the suffix): prefix lengths as DELTA_BINARY_PACKED, suffixes as DELTA_LENGTH_BYTE_ARRAY.
package enum DeltaByteArrayEncoder {
    /// Appends the encoding of `rows` of a column stored as Arrow-style offsets and bytes.
    package static func encode<Rows: EncodingRows>(
        offsets: UnsafeBufferPointer<Int32>, bytes: UnsafeBufferPointer<UInt8>, rows: Rows,
        into output: inout ContiguousArray<UInt8>
    ) {
        encode(bytes, count: rows.rowCount, range: { Int(offsets[rows.row(at: $0)])..<Int(offsets[rows.row(at: $0) &+ 1]) }, into: &output)
    }

    /// Appends the encoding of `rows` of a FIXED_LEN_BYTE_ARRAY column (`width` bytes per row).
    package static func encodeFixed<Rows: EncodingRows>(
        _ bytes: UnsafeBufferPointer<UInt8>, width: Int, rows: Rows, into output: inout ContiguousArray<UInt8>
    ) {
        encode(bytes, count: rows.rowCount, range: { (rows.row(at: $0) &* width)..<((rows.row(at: $0) &+ 1) &* width) }, into: &output)
    }

    /// The shared encoder; `range(position)` gives value `position`'s bytes. A closure is fine
    /// here: this is the writer's cold path, once per value, not an inner decode loop.
    private static func encode(
        _ bytes: UnsafeBufferPointer<UInt8>, count: Int, range: (Int) -> Range<Int>,
        into output: inout ContiguousArray<UInt8>
    ) {
        var prefixes = ContiguousArray<Int32>(repeating: 0, count: count)
        var suffixes = ContiguousArray<Int32>(repeating: 0, count: count)
        var previous = 0..<0
        for position in 0..<count {
            let current = range(position)
            var shared = 0
            let limit = min(previous.count, current.count)
            while shared < limit && bytes[previous.lowerBound &+ shared] == bytes[current.lowerBound &+ shared] {
                shared &+= 1
            }
            prefixes[position] = Int32(shared)
            suffixes[position] = Int32(current.count &- shared)
            previous = current
        }
        prefixes.withUnsafeBufferPointer { DeltaBinaryPackedEncoder.encode($0, into: &output) }
        suffixes.withUnsafeBufferPointer { DeltaBinaryPackedEncoder.encode($0, into: &output) }
        for position in 0..<count {
            let current = range(position)
            let start = current.lowerBound &+ Int(prefixes[position])
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<current.upperBound]))
        }
    }
}
