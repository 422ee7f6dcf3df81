/// Short byte copies for byte-array decoders, where a `memcpy` call per value costs more than the
/// copy itself (values average 10–30 bytes).
enum ByteCopy {
    /// Bytes that must be writable past every destination that takes the fast path.
    static let slack = 16

    /// The longest copy done in 16-byte steps; longer ones call `memcpy`.
    static let inlineLimit = 128

    /// Copies `count` bytes from `source` to `destination`.
    ///
    /// When `count <= inlineLimit` and the source has `count` rounded up to 16 bytes readable
    /// (`sourceAvailable`), copies whole 16-byte chunks with unaligned loads and stores: up to 15
    /// bytes past `count` are written, so the caller keeps ``slack`` writable bytes after the
    /// destination and overwrites (or trims) them. The regions must not overlap.
    @inline(__always)
    static func copy(
        to destination: UnsafeMutableRawPointer, from source: UnsafeRawPointer, count: Int, sourceAvailable: Int
    ) {
        if count <= inlineLimit && sourceAvailable &- count >= 15 {
            var offset = 0
            while offset < count {
                let low = source.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                let high = source.loadUnaligned(fromByteOffset: offset &+ 8, as: UInt64.self)
                destination.storeBytes(of: low, toByteOffset: offset, as: UInt64.self)
                destination.storeBytes(of: high, toByteOffset: offset &+ 8, as: UInt64.self)
                offset &+= 16
            }
        } else if count > 0 {
            destination.copyMemory(from: source, byteCount: count)
        }
    }
}
