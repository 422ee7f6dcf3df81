import LakeParquet
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Throughput of the hot decoders, in ns per value. Not a test: it only runs with `LAKE_BENCH=1`,
/// in a release build (see Tools/Benchmarks/EncodingBench.md):
///
///     LAKE_BENCH=1 swift test -c release --filter EncodingBenchmarkTests
@Suite("Encoding benchmarks", .enabled(if: getenv("LAKE_BENCH") != nil), .serialized)
struct EncodingBenchmarkTests {
    static let valueCount = 1 << 20

    /// Best-of-`repetitions` time of `body`, in ns per value.
    static func measure(_ name: String, values: Int = valueCount, repetitions: Int = 15, _ body: () throws -> Void)
        rethrows
    {
        let clock = ContinuousClock()
        var best = Duration.seconds(1000)
        for _ in 0..<repetitions {
            let elapsed = try clock.measure(body)
            best = min(best, elapsed)
        }
        let (seconds, attoseconds) = best.components
        let nanoseconds = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
        let perValue = (nanoseconds / Double(values) * 1000).rounded() / 1000
        let padded = name + String(repeating: " ", count: max(0, 52 - name.count))
        print("BENCH \(padded) \(perValue) ns/value")
    }

    @Test func hybridBitPacked() throws {
        var rng = SeededGenerator(seed: 1)
        for width in [1, 3, 8, 12, 17, 20, 32] {
            // Bit-packed only: the worst case for the hybrid (dictionary indices of a high-cardinality column).
            let runs = (0..<(Self.valueCount / 512)).map { _ in
                Reference.Run.packed((0..<512).map { _ in rng.bits(width) })
            }
            let bytes = Reference.encodeHybrid(runs, width: width)
            var output = [UInt32](repeating: 0, count: Self.valueCount)
            try bytes.withUnsafeBytes { raw in
                try output.withUnsafeMutableBufferPointer { buffer in
                    try Self.measure("hybrid bit-packed w=\(width) → UInt32") {
                        var decoder = try RLEBitPackedDecoder(raw, bitWidth: width)
                        try decoder.decode(count: Self.valueCount, into: buffer.baseAddress!)
                    }
                    let dictionaryCount = width == 32 ? Int(UInt32.max) : 1 << width
                    let page = [UInt8(width)] + bytes
                    try page.withUnsafeBytes { pageRaw in
                        try Self.measure("dictionary indices w=\(width) (with range check)") {
                            try DictionaryIndexDecoder.decode(
                                pageRaw, count: Self.valueCount, dictionaryCount: dictionaryCount,
                                into: buffer.baseAddress!)
                        }
                    }
                }
            }
        }
    }

    @Test func hybridLevels() throws {
        // Definition levels of a column with ~10% nulls in short runs: mixed RLE and bit-packed runs.
        var rng = SeededGenerator(seed: 2)
        var levels = [UInt8](repeating: 1, count: Self.valueCount)
        for index in levels.indices where rng.next() % 10 == 0 { levels[index] = 0 }
        var encoder = RLEBitPackedEncoder(bitWidth: 1)
        levels.withUnsafeBufferPointer { encoder.append(contentsOf: $0) }
        var bytes = ContiguousArray<UInt8>()
        encoder.finish(into: &bytes)
        var output = [UInt8](repeating: 0, count: Self.valueCount)
        try bytes.withUnsafeBytes { raw in
            try output.withUnsafeMutableBufferPointer { buffer in
                try Self.measure("levels w=1, 10% nulls → UInt8") {
                    var decoder = try RLEBitPackedDecoder(raw, bitWidth: 1)
                    try decoder.decode(count: Self.valueCount, into: buffer.baseAddress!)
                }
                try Self.measure("levels w=1, 10% nulls, batches of 2048") {
                    var decoder = try RLEBitPackedDecoder(raw, bitWidth: 1)
                    var done = 0
                    while done < Self.valueCount {
                        try decoder.decode(count: 2048, into: buffer.baseAddress! + done)
                        done += 2048
                    }
                }
            }
        }
        #expect(output == levels)
    }

    @Test func deltaBinaryPacked() throws {
        var rng = SeededGenerator(seed: 3)
        let patterns: [(String, [Int64])] = [
            ("sorted ids (w≈1)", (0..<Self.valueCount).map { Int64($0) * 2 + Int64(rng.next() % 2) }),
            (
                "timestamps, jitter (w≈16)",
                (0..<Self.valueCount).map { Int64($0) * 1_000_000 + Int64(rng.next() % 50_000) }
            ),
            ("random 64-bit (w=64)", (0..<Self.valueCount).map { _ in Int64(bitPattern: rng.next()) }),
        ]
        for (name, values) in patterns {
            var encoded = ContiguousArray<UInt8>()
            values.withUnsafeBufferPointer { DeltaBinaryPackedEncoder.encode($0, into: &encoded) }
            var output = [Int64](repeating: 0, count: Self.valueCount)
            try encoded.withUnsafeBytes { raw in
                try output.withUnsafeMutableBufferPointer { buffer in
                    try Self.measure("DELTA_BINARY_PACKED Int64 \(name)") {
                        _ = try DeltaBinaryPackedDecoder.decode(
                            raw, capacity: Self.valueCount, into: buffer.baseAddress!)
                    }
                }
            }
            #expect(output == values)
            let narrow = values.map { Int32(truncatingIfNeeded: $0) }
            var encoded32 = ContiguousArray<UInt8>()
            narrow.withUnsafeBufferPointer { DeltaBinaryPackedEncoder.encode($0, into: &encoded32) }
            var output32 = [Int32](repeating: 0, count: Self.valueCount)
            try encoded32.withUnsafeBytes { raw in
                try output32.withUnsafeMutableBufferPointer { buffer in
                    try Self.measure("DELTA_BINARY_PACKED Int32 \(name)") {
                        _ = try DeltaBinaryPackedDecoder.decode(
                            raw, capacity: Self.valueCount, into: buffer.baseAddress!)
                    }
                }
            }
            #expect(output32 == narrow)
        }
    }

    @Test func byteArraysAndFloats() throws {
        var rng = SeededGenerator(seed: 4)
        let count = 1 << 18
        let strings: [[UInt8]] = (0..<count).map { index in
            Array("customer-\(index / 3)-\(rng.next() % 1000)".utf8)
        }
        var offsets: [Int32] = [0]
        for value in strings { offsets.append(offsets.last! + Int32(value.count)) }
        let flat = strings.flatMap { $0 }
        var plain = ContiguousArray<UInt8>()
        var deltaLength = ContiguousArray<UInt8>()
        var deltaPrefix = ContiguousArray<UInt8>()
        offsets.withUnsafeBufferPointer { offsetBuffer in
            flat.withUnsafeBufferPointer { bytes in
                PlainEncoder.encodeByteArrays(offsets: offsetBuffer, bytes: bytes, rows: 0..<count, into: &plain)
                DeltaLengthByteArrayEncoder.encode(
                    offsets: offsetBuffer, bytes: bytes, rows: 0..<count, into: &deltaLength)
                DeltaByteArrayEncoder.encode(offsets: offsetBuffer, bytes: bytes, rows: 0..<count, into: &deltaPrefix)
            }
        }
        var decodedOffsets = ContiguousArray<Int32>()
        var decodedBytes = ContiguousArray<UInt8>()
        decodedOffsets.reserveCapacity(count + 1)
        decodedBytes.reserveCapacity(flat.count)
        for (name, stream) in [
            ("PLAIN", plain), ("DELTA_LENGTH_BYTE_ARRAY", deltaLength), ("DELTA_BYTE_ARRAY", deltaPrefix),
        ] {
            try stream.withUnsafeBytes { raw in
                try Self.measure("\(name) strings (avg \(flat.count / count) B)", values: count) {
                    decodedOffsets.removeAll(keepingCapacity: true)
                    decodedBytes.removeAll(keepingCapacity: true)
                    decodedOffsets.append(0)
                    switch name {
                    case "PLAIN":
                        _ = try PlainDecoder.decodeByteArrays(
                            raw, count: count, offsets: &decodedOffsets, bytes: &decodedBytes)
                    case "DELTA_LENGTH_BYTE_ARRAY":
                        _ = try DeltaLengthByteArrayDecoder.decode(
                            raw, count: count, offsets: &decodedOffsets, bytes: &decodedBytes)
                    default:
                        _ = try DeltaByteArrayDecoder.decode(
                            raw, count: count, offsets: &decodedOffsets, bytes: &decodedBytes)
                    }
                }
            }
            #expect(Array(decodedBytes) == flat && Array(decodedOffsets) == offsets)
        }

        let doubles = (0..<Self.valueCount).map { _ in Double(rng.next() % 1_000_000) / 100 }
        var split = ContiguousArray<UInt8>()
        doubles.withUnsafeBytes { ByteStreamSplitEncoder.encode($0, count: doubles.count, width: 8, into: &split) }
        var output = [Double](repeating: 0, count: Self.valueCount)
        try split.withUnsafeBytes { raw in
            try output.withUnsafeMutableBytes { buffer in
                try Self.measure("BYTE_STREAM_SPLIT doubles") {
                    try ByteStreamSplitDecoder.decode(raw, count: Self.valueCount, width: 8, into: buffer.baseAddress!)
                }
            }
        }
        #expect(output == doubles)
        var booleans = [Bool](repeating: false, count: Self.valueCount)
        let packedBooleans = (0..<(Self.valueCount / 8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        try packedBooleans.withUnsafeBytes { raw in
            try booleans.withUnsafeMutableBufferPointer { buffer in
                try Self.measure("PLAIN booleans") {
                    _ = try PlainDecoder.decodeBooleans(raw, count: Self.valueCount, into: buffer.baseAddress!)
                }
            }
        }
    }
}
