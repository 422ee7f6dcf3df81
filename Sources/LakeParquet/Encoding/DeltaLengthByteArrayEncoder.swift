/// DELTA_LENGTH_BYTE_ARRAY (encoding 6) encoding for BYTE_ARRAY; the inverse of
/// ``DeltaLengthByteArrayDecoder``.
package enum DeltaLengthByteArrayEncoder {
    /// Appends the lengths of `rows` as DELTA_BINARY_PACKED, then their bytes back to back.
    ///
    /// - Precondition: The offsets are Arrow-style (`offsets[r]..<offsets[r + 1]`) and valid for `bytes`.
    package static func encode<Rows: EncodingRows>(
        offsets: UnsafeBufferPointer<Int32>, bytes: UnsafeBufferPointer<UInt8>, rows: Rows,
        into output: inout ContiguousArray<UInt8>
    ) {
        var lengths = ContiguousArray<Int32>()
        lengths.reserveCapacity(rows.rowCount)
        for position in 0..<rows.rowCount {
            let row = rows.row(at: position)
            lengths.append(offsets[row &+ 1] &- offsets[row])
        }
        lengths.withUnsafeBufferPointer { DeltaBinaryPackedEncoder.encode($0, into: &output) }
        for position in 0..<rows.rowCount {
            let row = rows.row(at: position)
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[Int(offsets[row])..<Int(offsets[row &+ 1])]))
        }
    }
}
