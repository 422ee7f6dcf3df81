import LakeCompression
import Testing

@Suite("Corrupt compressed input")
struct CorruptInputTests {
    @Test("every prefix of a small block is corrupt", arguments: Codec.allCases, DataKind.allCases)
    func everyPrefixOfSmallBlock(codec: Codec, kind: DataKind) throws {
        let data = TestData.bytes(kind, count: 100)
        let compressed = try TestData.compress(codec, data)
        let decompressor = Decompressor()
        for cut in 0..<compressed.count {
            TestData.expectCorrupt("prefix of \(cut) of \(compressed.count) bytes") {
                _ = try TestData.decompress(codec, Array(compressed[..<cut]), count: data.count, with: decompressor)
            }
        }
    }

    @Test("cuts through a 1 MiB block are corrupt", arguments: Codec.allCases, DataKind.allCases)
    func cutsOfLargeBlock(codec: Codec, kind: DataKind) throws {
        let data = TestData.bytes(kind, count: 1_048_576 + 17)
        let compressed = try TestData.compress(codec, data)
        let decompressor = Decompressor()
        let count = compressed.count
        for cut in Set([1, 8, 9, count / 3, count / 2, count - 9, count - 4, count - 1]) {
            TestData.expectCorrupt("prefix of \(cut) of \(count) bytes") {
                _ = try TestData.decompress(codec, Array(compressed[..<cut]), count: data.count, with: decompressor)
            }
        }
    }

    @Test("random garbage throws corrupt or fills exactly the output", arguments: Codec.allCases)
    func garbage(codec: Codec) throws {
        var generator = SplitMix64(seed: 0xBAD0 &+ UInt64(Codec.allCases.firstIndex(of: codec) ?? 0))
        let decompressor = Decompressor()
        for iteration in 0..<600 {
            let outputCount = Int(generator.next() % 400)
            let length = Int(generator.next() % 300)
            var input = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if iteration % 2 == 1 {  // half the time, get past the format's first check
                input = Self.plausibleHeader(codec, outputCount: outputCount, length: length) + input
            }
            do {
                let output = try TestData.decompress(codec, input, count: outputCount, with: decompressor)
                #expect(output.count == outputCount)
                if codec == .none { #expect(output == input) }
            } catch {
                guard case .corrupt = error as? CompressionError else {
                    Issue.record("garbage gave \(error), expected .corrupt")
                    continue
                }
            }
        }
    }

    @Test(
        "single-byte changes to a valid block throw corrupt or fill exactly the output",
        arguments: Codec.allCases)
    func mutations(codec: Codec) throws {
        let data = TestData.bytes(.compressible, count: 3_000)
        let compressed = try TestData.compress(codec, data)
        var generator = SplitMix64(seed: 77)
        let decompressor = Decompressor()
        for _ in 0..<300 {
            var mutated = compressed
            let position = Int(generator.next() % UInt64(mutated.count))
            mutated[position] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            do {
                let output = try TestData.decompress(codec, mutated, count: data.count, with: decompressor)
                #expect(output.count == data.count)
            } catch {
                guard case .corrupt = error as? CompressionError else {
                    Issue.record("mutation gave \(error), expected .corrupt")
                    continue
                }
            }
        }
    }

    @Test("gzip checks the member's CRC and length")
    func gzipTrailer() throws {
        let data = TestData.bytes(.compressible, count: 1_000)
        let compressed = try TestData.compress(.gzip, data)
        for offset in 1...8 {  // the CRC-32 and ISIZE fields
            var damaged = compressed
            damaged[damaged.count - offset] ^= 0x01
            TestData.expectCorrupt("trailer byte -\(offset)") {
                _ = try TestData.decompress(.gzip, damaged, count: data.count)
            }
        }
    }

    @Test("snappy rejects a block whose declared length differs from the output size")
    func snappyDeclaredLength() throws {
        // A literal-only block: varint length 5, a literal tag for 5 bytes, then the bytes.
        let block: [UInt8] = [5, 4 << 2, 1, 2, 3, 4, 5]
        #expect(try TestData.decompress(.snappy, block, count: 5) == [1, 2, 3, 4, 5])
        var lying = block
        lying[0] = 6
        TestData.expectCorrupt("declares 6, holds 5") { _ = try TestData.decompress(.snappy, lying, count: 6) }
        TestData.expectCorrupt("declares 5, asked 6") { _ = try TestData.decompress(.snappy, block, count: 6) }
    }

    /// A header that passes the codec's first check, so garbage reaches the deeper decoder.
    static func plausibleHeader(_ codec: Codec, outputCount: Int, length: Int) -> [UInt8] {
        switch codec {
        case .none, .lz4Raw:
            return []
        case .snappy:  // the uncompressed length as a varint
            var header: [UInt8] = []
            var value = outputCount
            while value >= 0x80 {
                header.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            return header + [UInt8(value)]
        case .gzip:  // magic, deflate, no flags, mtime, xfl, OS
            return [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]
        case .lz4Hadoop:  // one frame whose lengths match
            return TestData.bigEndian(outputCount) + TestData.bigEndian(length)
        case .zstd:  // frame magic
            return [0x28, 0xB5, 0x2F, 0xFD]
        }
    }
}
