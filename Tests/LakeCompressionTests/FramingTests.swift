import LakeCompression
import Testing

@Suite("Multi-part and framed blocks")
struct FramingTests {
    // MARK: gzip

    @Test("concatenated gzip members inflate into their summed size")
    func concatenatedGzipMembers() throws {
        let first = TestData.bytes(.compressible, count: 3_000)
        let second = TestData.bytes(.random, count: 5_000)
        let members =
            try TestData.compress(.gzip, first) + TestData.compress(.gzip, [])
            + TestData.compress(.gzip, second)
        let total = first.count + second.count
        #expect(try TestData.decompress(.gzip, members, count: total) == first + second)
        TestData.expectCorrupt("one byte short") { _ = try TestData.decompress(.gzip, members, count: total - 1) }
        TestData.expectCorrupt("one byte over") { _ = try TestData.decompress(.gzip, members, count: total + 1) }
    }

    @Test(
        "bytes after the last gzip member are corrupt", arguments: [[0x00], [0x1F, 0x8B], [0x1F, 0x8B, 0x08, 0x00]])
    func trailingGarbageAfterGzip(trailer: [UInt8]) throws {
        let data = TestData.bytes(.compressible, count: 2_000)
        let member = try TestData.compress(.gzip, data)
        TestData.expectCorrupt("trailer \(trailer)") {
            _ = try TestData.decompress(.gzip, member + trailer, count: data.count)
        }
    }

    @Test("a zlib-wrapped stream is accepted too (header auto-detection, as Arrow reads GZIP)")
    func zlibWrappedStream() throws {
        let data: [UInt8] = Array("parquet".utf8)
        // zlib header 78 01, one final stored block (LEN, ~LEN little-endian), then Adler-32 big-endian.
        var stream: [UInt8] = [0x78, 0x01, 0x01, UInt8(data.count), 0x00, ~UInt8(data.count), 0xFF] + data
        var low: UInt32 = 1
        var high: UInt32 = 0
        for byte in data {
            low = (low + UInt32(byte)) % 65_521
            high = (high + low) % 65_521
        }
        stream += TestData.bigEndian(Int(high << 16 | low))
        #expect(try TestData.decompress(.gzip, stream, count: data.count) == data)
    }

    // MARK: LZ4 (Hadoop framing)

    /// One Hadoop frame around an LZ4_RAW block of `data`.
    static func hadoopFrame(_ data: [UInt8]) throws -> [UInt8] {
        let block = try TestData.compress(.lz4Raw, data)
        return TestData.bigEndian(data.count) + TestData.bigEndian(block.count) + block
    }

    @Test("three Hadoop frames built by hand inflate into their summed size")
    func threeHadoopFrames() throws {
        let parts = [
            TestData.bytes(.compressible, count: 1_000, seed: 1),
            TestData.bytes(.random, count: 2_000, seed: 2),
            TestData.bytes(.compressible, count: 70_000, seed: 3),
        ]
        let framed = try parts.flatMap(Self.hadoopFrame)
        let total = parts.reduce(0) { $0 + $1.count }
        #expect(try TestData.decompress(.lz4Hadoop, framed, count: total) == parts.flatMap { $0 })
        TestData.expectCorrupt("one byte short") { _ = try TestData.decompress(.lz4Hadoop, framed, count: total - 1) }
        TestData.expectCorrupt("one byte over") { _ = try TestData.decompress(.lz4Hadoop, framed, count: total + 1) }
    }

    @Test("an empty Hadoop frame between others is skipped")
    func emptyHadoopFrame() throws {
        let first = TestData.bytes(.compressible, count: 500, seed: 4)
        let second = TestData.bytes(.random, count: 300, seed: 5)
        let framed =
            try Self.hadoopFrame(first) + TestData.bigEndian(0) + TestData.bigEndian(0)
            + Self.hadoopFrame(second)
        #expect(try TestData.decompress(.lz4Hadoop, framed, count: 800) == first + second)
    }

    @Test("the Hadoop compressor writes one frame with big-endian lengths")
    func hadoopCompressorFrame() throws {
        let data = TestData.bytes(.compressible, count: 10_000)
        let framed = try TestData.compress(.lz4Hadoop, data)
        #expect(Array(framed[0..<4]) == TestData.bigEndian(data.count))
        #expect(Array(framed[4..<8]) == TestData.bigEndian(framed.count - 8))
        #expect(try TestData.decompress(.lz4Raw, Array(framed[8...]), count: data.count) == data)
    }

    @Test(
        "a bare LZ4 block under the Hadoop codec is read as a raw block (old parquet-cpp)",
        arguments: RoundTripTests.samples.filter { $0.count <= 65_536 })
    func rawBlockFallback(sample: Sample) throws {
        let data = sample.bytes
        let block = try TestData.compress(.lz4Raw, data)
        #expect(try TestData.decompress(.lz4Hadoop, block, count: data.count) == data)
    }

    @Test("Hadoop frames with inconsistent lengths fall back, and then fail as a raw block")
    func inconsistentHadoopFrames() throws {
        let data = TestData.bytes(.compressible, count: 4_000)
        let frame = try Self.hadoopFrame(data)
        var wrongUncompressed = frame
        wrongUncompressed.replaceSubrange(0..<4, with: TestData.bigEndian(data.count - 1))
        var wrongCompressed = frame
        wrongCompressed.replaceSubrange(4..<8, with: TestData.bigEndian(frame.count))
        let shortHeader = frame + [0, 0, 0]
        for (label, framed) in [
            ("uncompressed", wrongUncompressed), ("compressed", wrongCompressed),
            ("short header", shortHeader),
        ] {
            TestData.expectCorrupt("\(label)") { _ = try TestData.decompress(.lz4Hadoop, framed, count: data.count) }
        }
    }

    // MARK: zstd

    @Test("two concatenated zstd frames, with a skippable frame between, inflate into their summed size")
    func concatenatedZstdFrames() throws {
        let first = TestData.bytes(.compressible, count: 40_000)
        let second = TestData.bytes(.random, count: 7_000)
        let skippable: [UInt8] = [0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 0xAA, 0xBB, 0xCC]
        let frames = try TestData.compress(.zstd, first) + skippable + TestData.compress(.zstd, second)
        let total = first.count + second.count
        #expect(try TestData.decompress(.zstd, frames, count: total) == first + second)
        TestData.expectCorrupt("one byte short") { _ = try TestData.decompress(.zstd, frames, count: total - 1) }
        TestData.expectCorrupt("one byte over") { _ = try TestData.decompress(.zstd, frames, count: total + 1) }
    }

    @Test("a zstd frame that does not record its content size inflates into the caller's size")
    func zstdFrameWithoutContentSize() throws {
        let text = Array("hello, zstd".utf8)
        // Magic; descriptor 0 (no content size, not single-segment); window descriptor 0x30 (64 KiB);
        // a raw block (not last) of 11 bytes; a last RLE block repeating "x" five times.
        let frame: [UInt8] =
            [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x30, 11 << 3, 0, 0] + text
            + [1 | 1 << 1 | 5 << 3, 0, 0, UInt8(ascii: "x")]
        let expected = text + Array("xxxxx".utf8)
        #expect(try TestData.decompress(.zstd, frame, count: expected.count) == expected)
        for count in [expected.count - 1, expected.count + 1] {
            TestData.expectCorrupt("into \(count)") { _ = try TestData.decompress(.zstd, frame, count: count) }
        }
    }

    @Test("a valid zstd frame inflating to zero bytes works (page_v2_empty_compressed)")
    func emptyZstdFrame() throws {
        let frame = try TestData.compress(.zstd, [])
        #expect(!frame.isEmpty)
        #expect(try TestData.decompress(.zstd, frame, count: 0) == [])
        TestData.expectCorrupt("into 1") { _ = try TestData.decompress(.zstd, frame, count: 1) }
    }
}
