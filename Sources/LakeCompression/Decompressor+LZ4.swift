import CLZ4

extension Decompressor {
    /// Decompresses one raw LZ4 block (`LZ4_RAW`) into exactly `destinationCount` bytes.
    func decompressLZ4Raw(
        _ source: UnsafeRawPointer,
        _ sourceCount: Int,
        into destination: UnsafeMutableRawPointer,
        _ destinationCount: Int
    ) throws(CompressionError) {
        let produced = Self.decodeLZ4Block(source, sourceCount, into: destination, destinationCount)
        guard produced == destinationCount else {
            throw .corrupt(codec: Codec.lz4Raw.name, reason: Self.lz4Failure(produced, expected: destinationCount))
        }
    }

    /// Decompresses Parquet's deprecated LZ4 (5): Hadoop frames, else one raw LZ4 block.
    ///
    /// parquet-mr writes repeated `[u32 BE uncompressed length][u32 BE compressed length][LZ4 block]`
    /// frames; old parquet-cpp wrote a bare block under the same codec id (`non_hadoop_lz4_compressed`).
    /// When the frames do not parse, validate and fill the output exactly, the whole input is
    /// decoded again as one raw block, as Arrow does.
    func decompressLZ4Hadoop(
        _ source: UnsafeRawPointer,
        _ sourceCount: Int,
        into destination: UnsafeMutableRawPointer,
        _ destinationCount: Int
    ) throws(CompressionError) {
        if Self.decodeHadoopFrames(source, sourceCount, into: destination, destinationCount) { return }
        let produced = Self.decodeLZ4Block(source, sourceCount, into: destination, destinationCount)
        guard produced == destinationCount else {
            throw .corrupt(
                codec: Codec.lz4Hadoop.name,
                reason: "not Hadoop-framed LZ4, and as one raw block: "
                    + Self.lz4Failure(produced, expected: destinationCount)
            )
        }
    }

    /// Decodes Hadoop LZ4 frames; returns `false` (output unspecified) unless they fill the output exactly.
    static func decodeHadoopFrames(
        _ source: UnsafeRawPointer,
        _ sourceCount: Int,
        into destination: UnsafeMutableRawPointer,
        _ destinationCount: Int
    ) -> Bool {
        let headerSize = 8
        var inputOffset = 0
        var outputOffset = 0
        while inputOffset < sourceCount {
            guard sourceCount &- inputOffset >= headerSize else { return false }
            let declaredOutput = Int(
                UInt32(bigEndian: source.loadUnaligned(fromByteOffset: inputOffset, as: UInt32.self))
            )
            let declaredInput = Int(
                UInt32(bigEndian: source.loadUnaligned(fromByteOffset: inputOffset &+ 4, as: UInt32.self))
            )
            inputOffset &+= headerSize
            guard declaredInput <= sourceCount &- inputOffset, declaredOutput <= destinationCount &- outputOffset
            else { return false }
            if declaredInput == 0 {
                guard declaredOutput == 0 else { return false }  // an empty frame holds nothing
                continue
            }
            let produced = decodeLZ4Block(
                source + inputOffset,
                declaredInput,
                into: destination + outputOffset,
                declaredOutput
            )
            guard produced == declaredOutput else { return false }
            inputOffset &+= declaredInput
            outputOffset &+= declaredOutput
        }
        return outputOffset == destinationCount
    }

    /// Decodes one raw LZ4 block into at most `capacity` bytes: the byte count, or -1 on any error.
    ///
    /// `LZ4_decompress_safe` never reads or writes outside the two buffers, whatever the input.
    @inline(__always)
    static func decodeLZ4Block(
        _ source: UnsafeRawPointer,
        _ sourceCount: Int,
        into destination: UnsafeMutableRawPointer,
        _ capacity: Int
    ) -> Int {
        guard sourceCount > 0, sourceCount <= Int(Int32.max), capacity <= Int(Int32.max) else { return -1 }
        return Int(
            LZ4_decompress_safe(
                source.assumingMemoryBound(to: CChar.self),
                destination.assumingMemoryBound(to: CChar.self),
                Int32(truncatingIfNeeded: sourceCount),
                Int32(truncatingIfNeeded: capacity)
            )
        )
    }

    /// Words a failed or short LZ4 decode for an error message.
    static func lz4Failure(_ produced: Int, expected: Int) -> String {
        if produced < 0 {
            if expected > Int(Int32.max) { return "an LZ4 block cannot hold \(expected) bytes" }
            return "the block is invalid or inflates to more than \(expected) bytes"
        }
        return "inflates to \(produced) bytes, expected \(expected)"
    }
}
