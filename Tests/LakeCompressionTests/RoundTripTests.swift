import LakeCompression
import Testing

/// One test input: a kind of data at a size.
struct Sample: Hashable, Sendable, CustomTestStringConvertible {
    /// Random or compressible bytes.
    let kind: DataKind
    /// The number of bytes.
    let count: Int

    var testDescription: String { "\(count) \(kind.rawValue) bytes" }

    /// The sample's bytes (deterministic).
    var bytes: [UInt8] { TestData.bytes(kind, count: count) }
}

@Suite("Codec round trips")
struct RoundTripTests {
    /// Empty, one byte, small, one 64 KiB LZ4/snappy window, and a page just over 1 MiB.
    static let sizes = [0, 1, 100, 65_536, 1_048_576 + 17]
    /// Every size with random and with compressible data.
    static let samples = DataKind.allCases.flatMap { kind in sizes.map { Sample(kind: kind, count: $0) } }

    @Test(
        "compress then decompress gives the input back, appending after existing bytes",
        arguments: Codec.allCases, samples)
    func roundTrip(codec: Codec, sample: Sample) throws {
        let data = sample.bytes
        let prefix: [UInt8] = [0xDE, 0xAD, 0xBE]
        var output = ContiguousArray(prefix)
        let appended = try data.withUnsafeBytes { input in
            try Compressor().compress(codec, input, appendingTo: &output)
        }
        #expect(appended == output.count - prefix.count)
        #expect(Array(output.prefix(prefix.count)) == prefix)
        #expect(appended <= Compressor.maxCompressedLength(codec, inputCount: data.count))
        if sample.kind == .compressible, sample.count >= 65_536, codec != .none {
            #expect(appended < sample.count / 2, "compressible data should shrink")
        }
        let restored = try TestData.decompress(codec, Array(output.dropFirst(prefix.count)), count: data.count)
        #expect(restored == data)
    }

    @Test(
        "decompressing into one byte less or one byte more is corrupt",
        arguments: Codec.allCases, [0, 1, 100, 65_536])
    func wrongOutputSize(codec: Codec, count: Int) throws {
        for kind in DataKind.allCases {
            let compressed = try TestData.compress(codec, TestData.bytes(kind, count: count))
            if count > 0 {
                TestData.expectCorrupt("\(kind) into \(count - 1)") {
                    _ = try TestData.decompress(codec, compressed, count: count - 1)
                }
            }
            TestData.expectCorrupt("\(kind) into \(count + 1)") {
                _ = try TestData.decompress(codec, compressed, count: count + 1)
            }
        }
    }

    @Test("empty input inflates to zero bytes for every codec, and to nothing else", arguments: Codec.allCases)
    func emptyInput(codec: Codec) throws {
        #expect(try TestData.decompress(codec, [], count: 0) == [])
        TestData.expectCorrupt("empty into 1") { _ = try TestData.decompress(codec, [], count: 1) }
    }

    @Test("one compressor and one decompressor serve many calls, across codecs and after failures")
    func contextsAreReused() throws {
        let compressor = Compressor()
        let decompressor = Decompressor()
        for round in 0..<3 {
            for codec in Codec.allCases {
                let data = TestData.bytes(round == 1 ? .random : .compressible, count: 5_000 + round)
                let compressed = try TestData.compress(codec, data, with: compressor)
                // A failure half way through a stream must not poison the next call.
                TestData.expectCorrupt("\(codec) truncated") {
                    _ = try TestData.decompress(
                        codec, Array(compressed.prefix(compressed.count / 2)), count: data.count, with: decompressor)
                }
                #expect(try TestData.decompress(codec, compressed, count: data.count, with: decompressor) == data)
            }
        }
    }

    @Test(
        "levels: zstd and gzip honour them and clamp them; every level round-trips",
        arguments: [nil, -5, 0, 1, 3, 9, 19, 100] as [Int?])
    func levels(level: Int?) throws {
        let compressor = Compressor(level: level)
        #expect(compressor.zstdLevel == Int32(min(max(level ?? 3, -131_072), 22)))
        #expect(compressor.gzipLevel == Int32(min(max(level ?? 6, 0), 9)))
        let data = TestData.bytes(.compressible, count: 20_000)
        for codec in Codec.allCases {
            let compressed = try TestData.compress(codec, data, with: compressor)
            #expect(try TestData.decompress(codec, compressed, count: data.count) == data)
        }
    }

    @Test(
        "maxCompressedLength bounds incompressible data",
        arguments: Codec.allCases, [0, 1, 15, 16, 255, 4_096, 70_000])
    func boundHolds(codec: Codec, count: Int) throws {
        let compressed = try TestData.compress(codec, TestData.bytes(.random, count: count, seed: 9))
        #expect(compressed.count <= Compressor.maxCompressedLength(codec, inputCount: count))
        #expect(Compressor.maxCompressedLength(codec, inputCount: count) >= count)
    }

    @Test("codec names are Parquet's, lowercased")
    func names() {
        #expect(Codec.allCases.map(\.name) == ["uncompressed", "snappy", "gzip", "lz4", "lz4_raw", "zstd"])
    }
}
