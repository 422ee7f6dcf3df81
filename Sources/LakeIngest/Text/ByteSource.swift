import CZlib
import CZstd

#if canImport(Glibc)
    import Glibc
#endif

/// A stream of input bytes: a file or standard input, decompressed on the fly when it starts with
/// the gzip or zstd magic bytes (SPEC.md §2.8). Reads are sequential; memory is a few buffers.
public final class ByteSource {
    /// The path reported in errors (`-` for standard input).
    public let path: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var codec: Codec = .none
    private var compressed: UnsafeMutableRawBufferPointer
    private var compressedStart = 0
    private var compressedEnd = 0
    private var sawEOF = false
    private var zlib: UnsafeMutablePointer<z_stream>?
    private var zstd: OpaquePointer?
    /// Whether the compressed stream ended cleanly (no member or frame is open).
    private var zstdFinished = true
    /// Bytes read from the file (compressed size for compressed input).
    public private(set) var bytesRead = 0

    enum Codec { case none, gzip, zstd }

    /// Opens `path`, or standard input for `-`.
    public init(path: String) throws(IngestError) {
        self.path = path
        if path == "-" {
            descriptor = 0
            ownsDescriptor = false
        } else {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .readFailed(path: path, reason: String(cString: strerror(errno))) }
            descriptor = fd
            ownsDescriptor = true
        }
        compressed = .allocate(byteCount: 1 << 20, alignment: 16)
        try fillCompressed()
        let available = compressedEnd - compressedStart
        if available >= 2 && compressed[0] == 0x1F && compressed[1] == 0x8B {
            codec = .gzip
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            guard inflateInit2_(stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                stream.deallocate()
                throw .readFailed(path: path, reason: "cannot start gzip decompression")
            }
            zlib = stream
        } else if available >= 4 && compressed[0] == 0x28 && compressed[1] == 0xB5 && compressed[2] == 0x2F
            && compressed[3] == 0xFD
        {
            codec = .zstd
            zstd = ZSTD_createDStream()
            ZSTD_initDStream(zstd)
        }
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
        if let zlib {
            inflateEnd(zlib)
            zlib.deallocate()
        }
        if let zstd { ZSTD_freeDStream(zstd) }
        compressed.deallocate()
    }

    /// Reads up to `buffer.count` bytes of (decompressed) input; 0 means the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard buffer.count > 0 else { return 0 }
        switch codec {
        case .none:
            var total = 0
            if compressedEnd > compressedStart {
                let count = min(buffer.count, compressedEnd - compressedStart)
                buffer.baseAddress!.copyMemory(from: compressed.baseAddress! + compressedStart, byteCount: count)
                compressedStart += count
                total = count
            }
            while total < buffer.count && !sawEOF {
                let count = Glibc.read(descriptor, buffer.baseAddress! + total, buffer.count - total)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw .readFailed(path: path, reason: String(cString: strerror(errno)))
                }
                if count == 0 { sawEOF = true }
                bytesRead += count
                total += count
            }
            return total
        case .gzip: return try inflate(into: buffer)
        case .zstd: return try decompressZstd(into: buffer)
        }
    }

    private func fillCompressed() throws(IngestError) {
        if compressedStart > 0 {
            let remaining = compressedEnd - compressedStart
            if remaining > 0 {
                compressed.baseAddress!.copyMemory(from: compressed.baseAddress! + compressedStart, byteCount: remaining)
            }
            compressedStart = 0
            compressedEnd = remaining
        }
        while compressedEnd < compressed.count && !sawEOF {
            let count = Glibc.read(descriptor, compressed.baseAddress! + compressedEnd, compressed.count - compressedEnd)
            if count < 0 {
                if errno == EINTR { continue }
                throw .readFailed(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { sawEOF = true }
            bytesRead += count
            compressedEnd += count
        }
    }

    private func inflate(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard let stream = zlib else { return 0 }
        var produced = 0
        while produced < buffer.count {
            if compressedStart == compressedEnd {
                if !sawEOF { try fillCompressed() }
                if compressedStart == compressedEnd {
                    if !zstdFinished { throw .readFailed(path: path, reason: "truncated gzip data") }
                    break
                }
            }
            stream.pointee.next_in = (compressed.baseAddress! + compressedStart).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = uInt(compressedEnd - compressedStart)
            stream.pointee.next_out = (buffer.baseAddress! + produced).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(buffer.count - produced)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            compressedStart = compressedEnd - Int(stream.pointee.avail_in)
            produced = buffer.count - Int(stream.pointee.avail_out)
            zstdFinished = false
            if status == Z_STREAM_END {
                zstdFinished = true
                // Concatenated gzip members continue the stream (as gzip -d does).
                if compressedStart == compressedEnd && !sawEOF { try fillCompressed() }
                if compressedStart == compressedEnd { break }
                inflateReset(stream)
            } else if status != Z_OK && status != Z_BUF_ERROR {
                throw .readFailed(path: path, reason: "corrupt gzip data (zlib status \(status))")
            }
        }
        return produced
    }

    private func decompressZstd(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        var output = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
        while output.pos < output.size {
            if compressedStart == compressedEnd {
                if !sawEOF { try fillCompressed() }
                if compressedStart == compressedEnd {
                    if !zstdFinished { throw .readFailed(path: path, reason: "truncated zstd data") }
                    break
                }
            }
            var input = ZSTD_inBuffer(
                src: compressed.baseAddress! + compressedStart, size: compressedEnd - compressedStart, pos: 0)
            let status = ZSTD_decompressStream(zstd, &output, &input)
            if ZSTD_isError(status) != 0 {
                throw .readFailed(path: path, reason: "corrupt zstd data: \(String(cString: ZSTD_getErrorName(status)))")
            }
            compressedStart += input.pos
            zstdFinished = status == 0
        }
        return output.pos
    }
}
