import CLZ4
import CSnappy
import CZlib
import CZstd

/// Reusable decompression state: one per task, never shared between tasks.
///
/// Holds a `ZSTD_DCtx` and a `z_stream`, created on first use and reused by every later call, so
/// decompressing a page allocates nothing. The caller owns the output buffer and sizes it from the
/// page header (capped by the caller); nothing here allocates from sizes read out of the input.
///
/// ```swift
/// let decompressor = Decompressor()
/// try decompressor.decompress(.zstd, compressedBytes, into: pageBuffer)
/// ```
public final class Decompressor {
    /// The zstd decompression context, created on first zstd call.
    private var zstdContext: OpaquePointer?
    /// The zlib inflate stream, initialized on first gzip call and reset before every later one.
    private var inflateStream: UnsafeMutablePointer<z_stream>?
    /// A few writable bytes to pass to C where a buffer is empty and Swift's base address is `nil`.
    private let scratch: UnsafeMutableRawPointer

    /// Creates a decompressor; contexts are created lazily, per codec, on first use.
    public init() {
        scratch = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)
    }

    deinit {
        if let zstdContext { ZSTD_freeDCtx(zstdContext) }
        if let inflateStream {
            inflateEnd(inflateStream)
            inflateStream.deallocate()
        }
        scratch.deallocate()
    }

    /// Decompresses `input` into exactly `output.count` bytes.
    ///
    /// An empty `input` is accepted for every codec when `output` is empty too (a page section with
    /// nothing in it); otherwise each codec's own format rules apply (parquet.md §7). On failure the
    /// contents of `output` are unspecified.
    ///
    /// - Throws: `CompressionError.corrupt` when the data is invalid or inflates to any other size
    ///   (too few or too many bytes); `CompressionError.failed` when the library runs out of memory
    ///   or a size is beyond what the codec's format can represent.
    /// - Complexity: O(`input.count` + `output.count`); no allocation after a codec's first call.
    public func decompress(
        _ codec: Codec,
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) throws(CompressionError) {
        guard let source = input.baseAddress, input.count > 0 else {
            guard output.isEmpty else {
                throw .corrupt(codec: codec.name, reason: "no bytes to inflate into \(output.count) bytes")
            }
            return
        }
        let destination = output.baseAddress ?? scratch
        switch codec {
        case .none:
            guard input.count == output.count else {
                throw .corrupt(
                    codec: codec.name,
                    reason: "holds \(input.count) bytes, expected \(output.count)"
                )
            }
            destination.copyMemory(from: source, byteCount: input.count)
        case .snappy:
            try decompressSnappy(source, input.count, into: destination, output.count)
        case .gzip:
            try decompressGzip(source, input.count, into: destination, output.count)
        case .lz4Hadoop:
            try decompressLZ4Hadoop(source, input.count, into: destination, output.count)
        case .lz4Raw:
            try decompressLZ4Raw(source, input.count, into: destination, output.count)
        case .zstd:
            try decompressZstd(source, input.count, into: destination, output.count)
        }
    }

    /// The decompressed size `input` records about itself, when its format records one exactly.
    ///
    /// A snappy block starts with its length; a single zstd frame may carry its content size. Other
    /// codecs (and zstd input of several frames, or a frame without the size) return `nil`. Readers
    /// compare this with the size a page header states before allocating the output.
    public static func declaredSize(_ codec: Codec, of input: UnsafeRawBufferPointer) -> Int? {
        guard let source = input.baseAddress, input.count > 0 else { return nil }
        switch codec {
        case .snappy:
            var declared = 0
            let status = snappy_uncompressed_length(
                source.assumingMemoryBound(to: CChar.self), input.count, &declared)
            return status == SNAPPY_OK ? declared : nil
        case .zstd:
            let frameSize = ZSTD_findFrameCompressedSize(source, input.count)
            guard ZSTD_isError(frameSize) == 0, frameSize == input.count else { return nil }
            let contentSize = ZSTD_getFrameContentSize(source, input.count)
            // ZSTD_CONTENTSIZE_UNKNOWN and _ERROR are the two largest values.
            guard contentSize < UInt64.max - 1, contentSize <= UInt64(Int.max) else { return nil }
            return Int(contentSize)
        case .none, .gzip, .lz4Hadoop, .lz4Raw:
            return nil
        }
    }

    // MARK: snappy

    /// Decompresses one raw snappy block, checking its declared length before inflating.
    private func decompressSnappy(
        _ source: UnsafeRawPointer,
        _ sourceCount: Int,
        into destination: UnsafeMutableRawPointer,
        _ destinationCount: Int
    ) throws(CompressionError) {
        let compressed = source.assumingMemoryBound(to: CChar.self)
        var declared = 0
        guard snappy_uncompressed_length(compressed, sourceCount, &declared) == SNAPPY_OK else {
            throw .corrupt(codec: Codec.snappy.name, reason: "the block's length header is invalid")
        }
        guard declared == destinationCount else {
            throw .corrupt(
                codec: Codec.snappy.name,
                reason: "the block declares \(declared) bytes, expected \(destinationCount)"
            )
        }
        var produced = destinationCount
        let status = snappy_uncompress(
            compressed,
            sourceCount,
            destination.assumingMemoryBound(to: CChar.self),
            &produced
        )
        guard status == SNAPPY_OK else {
            throw .corrupt(codec: Codec.snappy.name, reason: "the block is invalid")
        }
        guard produced == destinationCount else {
            throw .corrupt(
                codec: Codec.snappy.name,
                reason: "inflates to \(produced) bytes, expected \(destinationCount)"
            )
        }
    }

    // MARK: zstd

    /// Decompresses one or more zstd frames (with or without a recorded content size).
    private func decompressZstd(
        _ source: UnsafeRawPointer,
        _ sourceCount: Int,
        into destination: UnsafeMutableRawPointer,
        _ destinationCount: Int
    ) throws(CompressionError) {
        let context: OpaquePointer
        if let zstdContext {
            context = zstdContext
        } else {
            guard let created = ZSTD_createDCtx() else {
                throw .failed(codec: Codec.zstd.name, reason: "out of memory creating a decompression context")
            }
            zstdContext = created
            context = created
        }
        let result = ZSTD_decompressDCtx(context, destination, destinationCount, source, sourceCount)
        if ZSTD_isError(result) != 0 {
            // `zstd_errors.h` is not in the shim: an error result is `0 - ZSTD_ErrorCode`, and the codes
            // are stable (70 = ZSTD_error_dstSize_tooSmall, 64 = ZSTD_error_memory_allocation).
            let errorCode = 0 &- result
            if errorCode == 70 {
                throw .corrupt(codec: Codec.zstd.name, reason: "inflates to more than \(destinationCount) bytes")
            }
            if errorCode == 64 {
                throw .failed(codec: Codec.zstd.name, reason: "out of memory")
            }
            throw .corrupt(codec: Codec.zstd.name, reason: String(cString: ZSTD_getErrorName(result)))
        }
        guard result == destinationCount else {
            throw .corrupt(codec: Codec.zstd.name, reason: "inflates to \(result) bytes, expected \(destinationCount)")
        }
    }

    // MARK: gzip

    /// Returns the inflate stream, ready for a new input: initialized on first use, reset after.
    private func readyInflateStream() throws(CompressionError) -> UnsafeMutablePointer<z_stream> {
        if let inflateStream {
            guard inflateReset(inflateStream) == Z_OK else {
                throw .failed(codec: Codec.gzip.name, reason: "could not reset the inflate stream")
            }
            return inflateStream
        }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 32: a 32 KiB window, and detect the gzip (or zlib) header automatically.
        let status = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            throw .failed(codec: Codec.gzip.name, reason: "could not initialize zlib (status \(status))")
        }
        inflateStream = stream
        return stream
    }

    /// Inflates one or more concatenated gzip members until every input byte is used.
    ///
    /// zlib counts in 32-bit `uInt`s, so inputs and outputs over 4 GiB are fed in pieces.
    private func decompressGzip(
        _ source: UnsafeRawPointer,
        _ sourceCount: Int,
        into destination: UnsafeMutableRawPointer,
        _ destinationCount: Int
    ) throws(CompressionError) {
        let stream = try readyInflateStream()
        let name = Codec.gzip.name
        let pieceLimit = Int(UInt32.max)
        var inputLeft = sourceCount
        var outputLeft = destinationCount
        stream.pointee.next_in = UnsafeMutablePointer(mutating: source.assumingMemoryBound(to: UInt8.self))
        stream.pointee.next_out = destination.assumingMemoryBound(to: UInt8.self)
        while true {
            let inputPiece = min(inputLeft, pieceLimit)
            let outputPiece = min(outputLeft, pieceLimit)
            stream.pointee.avail_in = UInt32(truncatingIfNeeded: inputPiece)
            stream.pointee.avail_out = UInt32(truncatingIfNeeded: outputPiece)
            let status = inflate(stream, Z_NO_FLUSH)
            inputLeft &-= inputPiece &- Int(stream.pointee.avail_in)
            outputLeft &-= outputPiece &- Int(stream.pointee.avail_out)
            switch status {
            case Z_OK:
                continue  // progress was made; feed the next piece
            case Z_STREAM_END:
                if inputLeft == 0 {
                    guard outputLeft == 0 else {
                        throw .corrupt(
                            codec: name,
                            reason: "inflates to \(destinationCount &- outputLeft) bytes, expected \(destinationCount)"
                        )
                    }
                    return
                }
                // Another member follows (concatenated_gzip_members); anything else fails its header.
                guard inflateReset(stream) == Z_OK else {
                    throw .failed(codec: name, reason: "could not reset the inflate stream")
                }
            case Z_BUF_ERROR:
                if outputLeft == 0 {
                    throw .corrupt(codec: name, reason: "inflates to more than \(destinationCount) bytes")
                }
                throw .corrupt(
                    codec: name,
                    reason: "truncated after \(destinationCount &- outputLeft) of \(destinationCount) bytes"
                )
            case Z_MEM_ERROR:
                throw .failed(codec: name, reason: "out of memory")
            default:  // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw .corrupt(codec: name, reason: message)
            }
        }
    }
}

/// A decompressor's contexts are used by one task at a time; share the class by creating one per task.
@available(*, unavailable)
extension Decompressor: Sendable {}
