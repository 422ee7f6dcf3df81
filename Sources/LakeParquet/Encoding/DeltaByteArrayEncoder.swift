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
        encode(bytes, values: OffsetValues(offsets: offsets, rows: rows), into: &output)
    }

    /// Appends the encoding of `rows` of a FIXED_LEN_BYTE_ARRAY column (`width` bytes per row).
    package static func encodeFixed<Rows: EncodingRows>(
        _ bytes: UnsafeBufferPointer<UInt8>, width: Int, rows: Rows, into output: inout ContiguousArray<UInt8>
    ) {
        encode(bytes, values: FixedValues(width: width, rows: rows), into: &output)
    }

    /// The shared encoder over `values`' byte ranges in `bytes`.
    private static func encode<Values: ValueRanges>(
        _ bytes: UnsafeBufferPointer<UInt8>, values: Values, into output: inout ContiguousArray<UInt8>
    ) {
        let count = values.count
        var prefixes = ContiguousArray<Int32>(repeating: 0, count: count)
        var suffixes = ContiguousArray<Int32>(repeating: 0, count: count)
        var previous = 0..<0
        for position in 0..<count {
            let current = values.range(at: position)
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
            let current = values.range(at: position)
            let start = current.lowerBound &+ Int(prefixes[position])
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<current.upperBound]))
        }
    }
}

/// Where each value to encode lies in a column's bytes (generic, so the loops specialize).
private protocol ValueRanges {
    /// The number of values.
    var count: Int { get }
    /// The bytes of value `position`.
    func range(at position: Int) -> Range<Int>
}

/// Values of a BYTE_ARRAY column stored as Arrow-style offsets.
private struct OffsetValues<Rows: EncodingRows>: ValueRanges {
    let offsets: UnsafeBufferPointer<Int32>
    let rows: Rows

    var count: Int { rows.rowCount }

    func range(at position: Int) -> Range<Int> {
        let row = rows.row(at: position)
        return Int(offsets[row])..<Int(offsets[row &+ 1])
    }
}

/// Values of a FIXED_LEN_BYTE_ARRAY column: `width` bytes per row.
private struct FixedValues<Rows: EncodingRows>: ValueRanges {
    let width: Int
    let rows: Rows

    var count: Int { rows.rowCount }

    func range(at position: Int) -> Range<Int> {
        let start = rows.row(at: position) &* width
        return start..<(start &+ width)
    }
}
