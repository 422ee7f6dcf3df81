/// BYTE_STREAM_SPLIT (encoding 9) encoding; the inverse of ``ByteStreamSplitDecoder``.
package enum ByteStreamSplitEncoder {
    /// Appends `count` values of `width` bytes from `values` (stored back to back) as `width`
    /// streams: byte 0 of every value, then byte 1, and so on.
    ///
    /// - Precondition: `width > 0` and `values.count == count * width`.
    package static func encode(
        _ values: UnsafeRawBufferPointer, count: Int, width: Int, into output: inout ContiguousArray<UInt8>
    ) {
        precondition(width > 0 && values.count == count &* width, "BYTE_STREAM_SPLIT input size mismatch")
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: values.count))
        output.withUnsafeMutableBufferPointer { buffer in
            for stream in 0..<width {
                let streamStart = start &+ stream &* count
                for index in 0..<count { buffer[streamStart &+ index] = values[index &* width &+ stream] }
            }
        }
    }
}
