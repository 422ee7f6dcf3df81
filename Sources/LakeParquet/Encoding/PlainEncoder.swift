/// PLAIN (encoding 0) value encoding for the writer; the inverse of ``PlainDecoder``.
///
/// Every function appends to `output`. Row selections let the writer skip null rows without first
/// compacting the column. Assumes a little-endian host.
package enum PlainEncoder {
    /// Appends fixed-width values (INT32, INT64, FLOAT, DOUBLE) little-endian.
    ///
    /// - Complexity: O(`values.count`): one copy.
    package static func encode<Value: BitwiseCopyable>(
        _ values: UnsafeBufferPointer<Value>, into output: inout ContiguousArray<UInt8>
    ) {
        output.append(contentsOf: UnsafeRawBufferPointer(values))
    }

    /// Appends the fixed-width values at `rows`.
    ///
    /// - Precondition: Every row is within `values`.
    package static func encode<Value: BitwiseCopyable, Rows: EncodingRows>(
        _ values: UnsafeBufferPointer<Value>, rows: Rows, into output: inout ContiguousArray<UInt8>
    ) {
        if let range = rows.contiguousRows {
            encode(UnsafeBufferPointer(rebasing: values[range]), into: &output)
            return
        }
        let size = MemoryLayout<Value>.size
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: rows.rowCount &* size))
        output.withUnsafeMutableBytes { buffer in
            guard let destination = buffer.baseAddress else { return }
            for position in 0..<rows.rowCount {
                let row = rows.row(at: position)
                precondition(row >= 0 && row < values.count, "row \(row) is outside the column")
                destination.storeBytes(of: values[row], toByteOffset: start &+ position &* size, as: Value.self)
            }
        }
    }

    /// Appends BOOLEAN values bit-packed LSB first, the last byte padded with zero bits.
    package static func encodeBooleans(_ values: UnsafeBufferPointer<Bool>, into output: inout ContiguousArray<UInt8>) {
        encodeBooleans(values, rows: 0..<values.count, into: &output)
    }

    /// Appends the BOOLEAN values at `rows`, bit-packed LSB first.
    package static func encodeBooleans<Rows: EncodingRows>(
        _ values: UnsafeBufferPointer<Bool>, rows: Rows, into output: inout ContiguousArray<UInt8>
    ) {
        let count = rows.rowCount
        var position = 0
        while position < count {
            var byte: UInt8 = 0
            let end = min(position &+ 8, count)
            for bit in position..<end where values[rows.row(at: bit)] {
                byte |= 1 &<< UInt8(truncatingIfNeeded: bit &- position)
            }
            output.append(byte)
            position = end
        }
    }

    /// Appends BYTE_ARRAY values (`u32 LE` length, then the bytes) for `rows` of a column stored as
    /// Arrow-style offsets (`offsets[r]..<offsets[r + 1]` in `bytes`).
    ///
    /// - Precondition: Every row `r` has `offsets[r + 1]` within `offsets`, and the offsets are valid
    ///   for `bytes`.
    package static func encodeByteArrays<Rows: EncodingRows>(
        offsets: UnsafeBufferPointer<Int32>, bytes: UnsafeBufferPointer<UInt8>, rows: Rows,
        into output: inout ContiguousArray<UInt8>
    ) {
        var total = 0
        for position in 0..<rows.rowCount {
            let row = rows.row(at: position)
            total &+= Int(offsets[row &+ 1]) &- Int(offsets[row])
        }
        output.reserveCapacity(output.count &+ total &+ rows.rowCount &* 4)
        for position in 0..<rows.rowCount {
            let row = rows.row(at: position)
            let range = Int(offsets[row])..<Int(offsets[row &+ 1])
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: range.count).littleEndian) { output.append(contentsOf: $0) }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
        }
    }

    /// Appends FIXED_LEN_BYTE_ARRAY values: row `r` is `bytes[r * width ..< (r + 1) * width]`.
    ///
    /// - Precondition: `width > 0` and every row is within `bytes`.
    package static func encodeFixed<Rows: EncodingRows>(
        _ bytes: UnsafeBufferPointer<UInt8>, width: Int, rows: Rows, into output: inout ContiguousArray<UInt8>
    ) {
        precondition(width > 0, "fixed-length byte array width must be positive")
        if let range = rows.contiguousRows {
            output.append(
                contentsOf: UnsafeBufferPointer(
                    rebasing: bytes[(range.lowerBound &* width)..<(range.upperBound &* width)]))
            return
        }
        output.reserveCapacity(output.count &+ rows.rowCount &* width)
        for position in 0..<rows.rowCount {
            let start = rows.row(at: position) &* width
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<(start &+ width)]))
        }
    }
}
