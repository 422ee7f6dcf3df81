import CLZ4
import CSnappy
import CZlib
import CZstd

/// Reusable compression state: one per task, never shared between tasks.
///
/// Holds a `ZSTD_CCtx` and a deflate `z_stream`, created on first use and reused by later calls.
/// Output is written straight into the spare capacity of the caller's array: no intermediate copy.
///
/// ```swift
/// let compressor = Compressor(level: 1)
/// var body = ContiguousArray<UInt8>()
/// try page.withUnsafeBytes { try compressor.compress(.zstd, $0, appendingTo: &body) }
/// ```
public final class Compressor {
    /// The zstd level used for ``Codec/zstd``.
    public let zstdLevel: Int32
    /// The zlib level (0–9) used for ``Codec/gzip``.
    public let gzipLevel: Int32
    /// The zstd compression context, created on first zstd call.
    private var zstdContext: OpaquePointer?
    /// The zlib deflate stream (gzip header), initialized on first gzip call and reset before later ones.
    private var deflateStream: UnsafeMutablePointer<z_stream>?
    /// A few readable bytes to pass to C where an input is empty and Swift's base address is `nil`.
    private let scratch: UnsafeMutableRawPointer

    /// Creates a compressor.
    ///
    /// - Parameter level: the zstd level (default 3, clamped to zstd's range) and the gzip level
    ///   (default 6, clamped to 0...9). The other codecs have no level and ignore it.
    public init(level: Int? = nil) {
        let zstd = min(max(level ?? 3, Int(ZSTD_minCLevel())), Int(ZSTD_maxCLevel()))
        zstdLevel = Int32(truncatingIfNeeded: zstd)
        gzipLevel = Int32(truncatingIfNeeded: min(max(level ?? 6, 0), 9))
        scratch = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)
        scratch.initializeMemory(as: UInt8.self, repeating: 0, count: 16)
    }

    deinit {
        if let zstdContext { ZSTD_freeCCtx(zstdContext) }
        if let deflateStream {
            deflateEnd(deflateStream)
            deflateStream.deallocate()
        }
        scratch.deallocate()
    }

    /// An upper bound on the compressed size of `inputCount` bytes, for sizing buffers.
    ///
    /// ``compress(_:_:appendingTo:)`` never appends more than this.
    public static func maxCompressedLength(_ codec: Codec, inputCount: Int) -> Int {
        let count = max(inputCount, 0)
        switch codec {
        case .none:
            return count
        case .snappy:
            return snappy_max_compressed_length(count)
        case .gzip:
            // zlib's deflateBound for windowBits 15, memLevel 8, plus the 18-byte gzip wrapper.
            return count + (count >> 12) + (count >> 14) + (count >> 25) + 7 + 18
        case .lz4Raw:
            return lz4Bound(count)
        case .lz4Hadoop:
            return lz4Bound(count) + 8
        case .zstd:
            return ZSTD_compressBound(count)
        }
    }

    /// `LZ4_COMPRESSBOUND`, computed in `Int` so it cannot overflow.
    private static func lz4Bound(_ count: Int) -> Int { count + count / 255 + 16 }

    /// Compresses `input`, appending to `output` (which may already hold bytes).
    ///
    /// ``Codec/gzip`` writes one gzip member, ``Codec/lz4Hadoop`` one Hadoop frame, ``Codec/zstd``
    /// one frame that records its content size. On error `output` is left as it was.
    ///
    /// - Returns: the number of bytes appended.
    /// - Throws: `CompressionError.failed` when the input is larger than the codec's block format
    ///   allows (about 2 GiB for LZ4, 4 GiB for snappy) or the library runs out of memory.
    @discardableResult
    public func compress(
        _ codec: Codec,
        _ input: UnsafeRawBufferPointer,
        appendingTo output: inout ContiguousArray<UInt8>
    ) throws(CompressionError) -> Int {
        let source = input.baseAddress ?? UnsafeRawPointer(scratch)
        let sourceCount = input.count
        if codec == .none {
            output.append(contentsOf: UnsafeRawBufferPointer(start: source, count: sourceCount))
            return sourceCount
        }
        try checkSize(codec, sourceCount)
        let bound = try preparedBound(codec, sourceCount)
        var result = CodecResult.written(0)
        output.append(addingCapacity: bound) { span in
            span.withUnsafeMutableBufferPointer { buffer, initializedCount in
                // `buffer` starts at the old end of `output` and spans at least `bound` bytes.
                let destination = UnsafeMutableRawPointer(buffer.baseAddress) ?? scratch
                result = compressBlock(codec, source, sourceCount, into: destination, bound)
                if case .written(let count) = result { initializedCount = count }
            }
        }
        switch result {
        case .written(let count): return count
        case .failure(let reason): throw .failed(codec: codec.name, reason: reason)
        }
    }

    /// The outcome of one block compression, kept out of the array-initializing closure's error path.
    private enum CodecResult {
        case written(Int)
        case failure(String)
    }

    /// Throws when `count` bytes do not fit the codec's block format.
    private func checkSize(_ codec: Codec, _ count: Int) throws(CompressionError) {
        let limit: Int
        switch codec {
        case .lz4Raw, .lz4Hadoop: limit = Int(LZ4_MAX_INPUT_SIZE)
        case .snappy: limit = Int(UInt32.max)
        case .none, .gzip, .zstd: return
        }
        guard count <= limit else {
            throw .failed(codec: codec.name, reason: "\(count) bytes exceed the format's limit of \(limit) bytes")
        }
    }

    /// Creates or resets the codec's context and returns the output capacity the block needs.
    private func preparedBound(_ codec: Codec, _ count: Int) throws(CompressionError) -> Int {
        switch codec {
        case .zstd:
            if zstdContext == nil {
                guard let created = ZSTD_createCCtx() else {
                    throw .failed(codec: codec.name, reason: "out of memory creating a compression context")
                }
                zstdContext = created
            }
        case .gzip:
            let stream = try readyDeflateStream()
            return Int(deflateBound(stream, UInt(count)))
        case .none, .snappy, .lz4Raw, .lz4Hadoop:
            break
        }
        return Self.maxCompressedLength(codec, inputCount: count)
    }

    /// Returns the deflate stream, ready for a new input: initialized on first use, reset after.
    private func readyDeflateStream() throws(CompressionError) -> UnsafeMutablePointer<z_stream> {
        if let deflateStream {
            guard deflateReset(deflateStream) == Z_OK else {
                throw .failed(codec: Codec.gzip.name, reason: "could not reset the deflate stream")
            }
            return deflateStream
        }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 15 + 16: a 32 KiB window with a gzip header and trailer; memLevel 8 is zlib's default.
        let status = deflateInit2_(
            stream,
            gzipLevel,
            Z_DEFLATED,
            15 + 16,
            8,
            Z_DEFAULT_STRATEGY,
            zlibVersion(),
            Int32(MemoryLayout<z_stream>.size)
        )
        guard status == Z_OK else {
            stream.deallocate()
            throw .failed(codec: Codec.gzip.name, reason: "could not initialize zlib (status \(status))")
        }
        deflateStream = stream
        return stream
    }

    /// Compresses one block into `destination`, which holds at least the codec's bound.
    private func compressBlock(
        _ codec: Codec,
        _ source: UnsafeRawPointer,
        _ sourceCount: Int,
        into destination: UnsafeMutableRawPointer,
        _ capacity: Int
    ) -> CodecResult {
        switch codec {
        case .none:
            destination.copyMemory(from: source, byteCount: sourceCount)
            return .written(sourceCount)
        case .snappy:
            var written = capacity
            let status = snappy_compress(
                source.assumingMemoryBound(to: CChar.self),
                sourceCount,
                destination.assumingMemoryBound(to: CChar.self),
                &written
            )
            return status == SNAPPY_OK ? .written(written) : .failure("snappy status \(status.rawValue)")
        case .lz4Raw:
            return Self.compressLZ4(source, sourceCount, into: destination, capacity)
        case .lz4Hadoop:
            let block = Self.compressLZ4(source, sourceCount, into: destination + 8, capacity - 8)
            guard case .written(let count) = block else { return block }
            destination.storeBytes(of: UInt32(truncatingIfNeeded: sourceCount).bigEndian, as: UInt32.self)
            destination.storeBytes(of: UInt32(truncatingIfNeeded: count).bigEndian, toByteOffset: 4, as: UInt32.self)
            return .written(count + 8)
        case .zstd:
            guard let zstdContext else { return .failure("no compression context") }
            let written = ZSTD_compressCCtx(zstdContext, destination, capacity, source, sourceCount, zstdLevel)
            if ZSTD_isError(written) != 0 { return .failure(String(cString: ZSTD_getErrorName(written))) }
            return .written(written)
        case .gzip:
            guard let deflateStream else { return .failure("no deflate stream") }
            return Self.deflateAll(deflateStream, source, sourceCount, into: destination, capacity)
        }
    }

    /// Compresses one raw LZ4 block with `LZ4_compress_default`.
    private static func compressLZ4(
        _ source: UnsafeRawPointer,
        _ sourceCount: Int,
        into destination: UnsafeMutableRawPointer,
        _ capacity: Int
    ) -> CodecResult {
        let written = LZ4_compress_default(
            source.assumingMemoryBound(to: CChar.self),
            destination.assumingMemoryBound(to: CChar.self),
            Int32(truncatingIfNeeded: sourceCount),
            Int32(truncatingIfNeeded: min(capacity, Int(Int32.max)))
        )
        return written > 0 ? .written(Int(written)) : .failure("LZ4_compress_default failed")
    }

    /// Deflates all of `source` as one gzip member, feeding zlib 32-bit-sized pieces.
    private static func deflateAll(
        _ stream: UnsafeMutablePointer<z_stream>,
        _ source: UnsafeRawPointer,
        _ sourceCount: Int,
        into destination: UnsafeMutableRawPointer,
        _ capacity: Int
    ) -> CodecResult {
        let pieceLimit = Int(UInt32.max)
        var inputLeft = sourceCount
        var outputLeft = capacity
        stream.pointee.next_in = UnsafeMutablePointer(mutating: source.assumingMemoryBound(to: UInt8.self))
        stream.pointee.next_out = destination.assumingMemoryBound(to: UInt8.self)
        while true {
            let inputPiece = min(inputLeft, pieceLimit)
            let outputPiece = min(outputLeft, pieceLimit)
            stream.pointee.avail_in = UInt32(truncatingIfNeeded: inputPiece)
            stream.pointee.avail_out = UInt32(truncatingIfNeeded: outputPiece)
            let flush = inputPiece == inputLeft ? Z_FINISH : Z_NO_FLUSH
            let status = deflate(stream, flush)
            inputLeft &-= inputPiece &- Int(stream.pointee.avail_in)
            outputLeft &-= outputPiece &- Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END: return .written(capacity &- outputLeft)
            case Z_OK: continue
            default: return .failure("deflate status \(status)")  // Z_BUF_ERROR: the bound was too small
            }
        }
    }
}

/// A compressor's contexts are used by one task at a time; share the class by creating one per task.
@available(*, unavailable)
extension Compressor: Sendable {}
