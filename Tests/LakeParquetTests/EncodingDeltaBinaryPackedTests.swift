import LakeParquet
import Testing

@Suite("DELTA_BINARY_PACKED")
struct EncodingDeltaBinaryPackedTests {
    /// A stream whose used miniblocks all have `width`, with random min deltas, random padding bits
    /// and random width bytes on unused miniblocks (readers must accept arbitrary values there).
    static func randomStream(
        width: Int, total: Int, blockSize: Int = 128, miniblockCount: Int = 4, using rng: inout SeededGenerator
    ) -> [UInt8] {
        let perMiniblock = blockSize / miniblockCount
        var blocks: [Reference.DeltaBlock] = []
        var remaining = max(total - 1, 0)
        while remaining > 0 {
            var block = Reference.DeltaBlock(
                minDelta: Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64), widths: [], miniblocks: [])
            for _ in 0..<miniblockCount {
                if remaining > 0 {
                    var values = (0..<perMiniblock).map { _ in rng.bits(width) }
                    if width > 0 {
                        values[Int(rng.next() % UInt64(min(perMiniblock, remaining)))] =
                            rng.bits(width) | (1 << UInt64(width - 1))
                    }
                    block.widths.append(UInt8(width))
                    block.miniblocks.append(values)
                    remaining -= min(perMiniblock, remaining)
                } else {
                    block.widths.append(UInt8(truncatingIfNeeded: rng.next()))
                }
            }
            blocks.append(block)
        }
        return Reference.makeDeltaStream(
            blockSize: blockSize, miniblockCount: miniblockCount, total: total,
            first: Int64(bitPattern: rng.next()), blocks: blocks)
    }

    @Test("INT64 matches the scalar reference at every width", arguments: 0...64)
    func int64EveryWidth(width: Int) throws {
        var rng = SeededGenerator(seed: 0xDB9 &+ UInt64(width))
        for size in encodingSizes {
            let bytes = Self.randomStream(width: width, total: size, using: &rng)
            let reference = try #require(Reference.decodeDelta(bytes))
            #expect(reference.consumed == bytes.count)
            let fast = try fastDelta(bytes + [0xAB, 0xCD], capacity: size, as: Int64.self)
            #expect(
                firstMismatch(fast.values.map { UInt64(bitPattern: $0) }, reference.values) == nil,
                "width \(width), size \(size)")
            #expect(fast.consumed == bytes.count, "must stop exactly at the end of the last miniblock")
            // INT32 output: widths above 32 (DuckDB writes 33) decode in 64 bits and truncate.
            let narrow = try fastDelta(bytes, capacity: size, as: Int32.self)
            #expect(firstMismatch(narrow.values, reference.values.map { Int32(truncatingIfNeeded: $0) }) == nil)
            #expect(narrow.consumed == bytes.count)
        }
    }

    @Test(
        "other block layouts: one miniblock, 2048 × 8 (DuckDB), 256 × 2",
        arguments: [(128, 1), (2048, 8), (256, 2), (512, 16)])
    func blockLayouts(blockSize: Int, miniblockCount: Int) throws {
        var rng = SeededGenerator(seed: UInt64(blockSize * 31 + miniblockCount))
        for size in encodingSizes + [5000] {
            let width = Int(rng.next() % 65)
            let bytes = Self.randomStream(
                width: width, total: size, blockSize: blockSize, miniblockCount: miniblockCount, using: &rng)
            let reference = try #require(Reference.decodeDelta(bytes))
            let fast = try fastDelta(bytes, capacity: size, as: Int64.self)
            #expect(firstMismatch(fast.values.map { UInt64(bitPattern: $0) }, reference.values) == nil)
            #expect(fast.consumed == bytes.count)
        }
    }

    @Test("mixed widths per miniblock, from the reference encoder", arguments: [32, 64])
    func referenceEncoderStreams(valueBits: Int) throws {
        var rng = SeededGenerator(seed: UInt64(valueBits))
        for size in encodingSizes {
            let values: [Int64] = (0..<size).map { index in
                let magnitude = rng.next() >> UInt64(rng.next() % 64)
                let value = index % 100 < 50 ? Int64(index) * 3 : Int64(bitPattern: magnitude)
                return valueBits == 32 ? Int64(Int32(truncatingIfNeeded: value)) : value
            }
            let bytes = Reference.encodeDelta(values, valueBits: valueBits)
            if valueBits == 32 {
                let fast = try fastDelta(bytes, capacity: size, as: Int32.self)
                #expect(firstMismatch(fast.values.map(Int64.init), values) == nil)
                #expect(fast.consumed == bytes.count)
            } else {
                let fast = try fastDelta(bytes, capacity: size, as: Int64.self)
                #expect(firstMismatch(fast.values, values) == nil)
                #expect(fast.consumed == bytes.count)
            }
        }
    }

    @Test("encoder round trip and byte-identical to the reference encoder", arguments: encodingSizes)
    func encoderRoundTrip(size: Int) throws {
        var rng = SeededGenerator(seed: 0xE4C + UInt64(size))
        let patterns: [[Int64]] = [
            (0..<size).map { _ in Int64(bitPattern: rng.next()) },  // full range: deltas wrap
            (0..<size).map { Int64($0) * 1000 + Int64(rng.next() % 7) },  // sorted
            Array(repeating: -42, count: size),  // constant: width 0
            (0..<size).map { $0 % 2 == 0 ? .min : .max },  // extreme swings
        ]
        for values in patterns {
            var encoded = ContiguousArray<UInt8>()
            values.withUnsafeBufferPointer { DeltaBinaryPackedEncoder.encode($0, into: &encoded) }
            #expect(Array(encoded) == Reference.encodeDelta(values, valueBits: 64))
            let fast = try fastDelta(Array(encoded), capacity: size, as: Int64.self)
            #expect(firstMismatch(fast.values, values) == nil)
            #expect(fast.consumed == encoded.count)

            let narrow = values.map { Int32(truncatingIfNeeded: $0) }
            var encoded32 = ContiguousArray<UInt8>()
            narrow.withUnsafeBufferPointer { DeltaBinaryPackedEncoder.encode($0, into: &encoded32) }
            #expect(Array(encoded32) == Reference.encodeDelta(narrow.map(Int64.init), valueBits: 32))
            let fast32 = try fastDelta(Array(encoded32), capacity: size, as: Int32.self)
            #expect(firstMismatch(fast32.values, narrow) == nil)
            // INT32 deltas wrap in 32 bits, so no miniblock is wider than 32.
            #expect(Reference.decodeDelta(Array(encoded32)) != nil)
        }
    }

    @Test("Encodings.md example 2 (7, 5, 3, 1, 2, 3, 4, 5) with a 128 × 4 block")
    func specExample() throws {
        // Header 128, 4, 8, zigzag(7) = 14; block: zigzag(-2) = 3, widths 2 0 0 0, then 32 values of
        // 2 bits: 0 0 0 3 | 3 3 3 0 | zeros → C0 3F 00 00 00 00 00 00.
        let bytes: [UInt8] = [
            0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0x00, 0x00, 0x00,
            0xC0, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ]
        let fast = try fastDelta(bytes, capacity: 8, as: Int32.self)
        #expect(fast.values == [7, 5, 3, 1, 2, 3, 4, 5])
        #expect(fast.consumed == bytes.count)
        var encoded = ContiguousArray<UInt8>()
        let values: [Int32] = [7, 5, 3, 1, 2, 3, 4, 5]
        values.withUnsafeBufferPointer { DeltaBinaryPackedEncoder.encode($0, into: &encoded) }
        #expect(Array(encoded) == bytes)
        // Example 1 (1...5): min delta 1, width 0, no data.
        let example1: [UInt8] = [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00]
        #expect(try fastDelta(example1, capacity: 5, as: Int64.self).values == [1, 2, 3, 4, 5])
    }

    @Test("a value count of 0 or 1 has no blocks")
    func tinyStreams() throws {
        let empty: [UInt8] = [0x80, 0x01, 0x04, 0x00, 0x00]
        let zero = try fastDelta(empty + [0x99], capacity: 0, as: Int64.self)
        #expect(zero.values.isEmpty && zero.consumed == 5)
        let one: [UInt8] = [0x80, 0x01, 0x04, 0x01, 0x01]  // first value zigzag(1) = -1
        let single = try fastDelta(one, capacity: 1, as: Int32.self)
        #expect(single.values == [-1] && single.consumed == 5)
    }

    @Test("every truncation throws", arguments: [0, 1, 7, 33, 64])
    func truncation(width: Int) {
        var rng = SeededGenerator(seed: 0x7AB + UInt64(width))
        let full = Self.randomStream(width: width, total: 200, using: &rng)
        for cut in 0..<full.count {
            #expect(throws: DecodeError.self, "cut at \(cut) of \(full.count)") {
                try fastDelta(Array(full.prefix(cut)), capacity: 200, as: Int64.self)
            }
        }
    }

    @Test("malformed headers throw")
    func badHeaders() {
        let cases: [(String, [UInt8])] = [
            ("block size 8 (not a multiple of 128)", [0x08, 0x01, 0x02, 0x00, 0x00, 0x00]),
            ("block size 0", [0x00, 0x01, 0x02, 0x00]),
            ("zero miniblocks", [0x80, 0x01, 0x00, 0x02, 0x00]),
            ("miniblock of 16 values", [0x80, 0x01, 0x08, 0x02, 0x00]),
            ("miniblock width 65", [0x80, 0x01, 0x01, 0x02, 0x00, 0x00, 0x41] + Array(repeating: 0, count: 1100)),
            ("varint overflow", [0x80, 0x01, 0x04, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x00]),
        ]
        for (name, bytes) in cases {
            #expect(throws: DecodeError.self, "\(name)") { try fastDelta(bytes, capacity: 10, as: Int64.self) }
        }
    }

    @Test("a total above the capacity throws")
    func capacityExceeded() {
        let bytes: [UInt8] = [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00]
        #expect(throws: DecodeError.self) { try fastDelta(bytes, capacity: 4, as: Int64.self) }
    }
}
