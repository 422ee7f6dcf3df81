import LakeParquet
import Testing

@Suite("Dictionary indices")
struct EncodingDictionaryIndexTests {
    private func decode(_ bytes: [UInt8], count: Int, dictionaryCount: Int) throws -> [UInt32] {
        var output = [UInt32](repeating: 0, count: max(count, 1))
        try withBytes(bytes) { raw in
            try output.withUnsafeMutableBufferPointer {
                try DictionaryIndexDecoder.decode(
                    raw, count: count, dictionaryCount: dictionaryCount, into: $0.baseAddress!)
            }
        }
        return Array(output.prefix(count))
    }

    @Test("encoder → decoder round trip", arguments: [1, 2, 3, 100, 1000, 65536, 70000])
    func roundTrip(dictionaryCount: Int) throws {
        var rng = SeededGenerator(seed: UInt64(dictionaryCount))
        for size in encodingSizes + [10_000] {
            let indices = (0..<size).map { index in
                index % 50 < 20 ? UInt32(7 % dictionaryCount) : UInt32(rng.next() % UInt64(dictionaryCount))
            }
            var encoded = ContiguousArray<UInt8>()
            indices.withUnsafeBufferPointer {
                DictionaryIndexEncoder.encode($0, dictionaryCount: dictionaryCount, into: &encoded)
            }
            #expect(Int(encoded[0]) == DictionaryIndexEncoder.bitWidth(dictionaryCount: dictionaryCount))
            #expect(
                firstMismatch(try decode(Array(encoded), count: size, dictionaryCount: dictionaryCount), indices) == nil
            )
        }
    }

    @Test("an index at or above the dictionary size throws, also deep into a long page")
    func outOfRange() throws {
        var indices = [UInt32](repeating: 1, count: 9000)
        indices[8500] = 5
        var encoded = ContiguousArray<UInt8>()
        indices.withUnsafeBufferPointer { DictionaryIndexEncoder.encode($0, dictionaryCount: 6, into: &encoded) }
        #expect(try decode(Array(encoded), count: 9000, dictionaryCount: 6) == indices)
        #expect(throws: DecodeError.self) { try decode(Array(encoded), count: 9000, dictionaryCount: 5) }
        // Width 3 cannot express values >= 8, but 5..7 are still out of range for 5 entries.
        #expect(throws: DecodeError.self) { try decode([0x03, 0x02, 0x05], count: 1, dictionaryCount: 5) }
    }

    @Test("width 0 is legal for a one-entry dictionary (ARROW-GH-43605)")
    func widthZero() throws {
        #expect(try decode([0x00, 0x0A], count: 5, dictionaryCount: 1) == [0, 0, 0, 0, 0])
        #expect(throws: DecodeError.self) { try decode([0x00, 0x0A], count: 5, dictionaryCount: 0) }
    }

    @Test("bad bit widths and empty data throw")
    func malformed() throws {
        #expect(throws: DecodeError.self) { try decode([33, 0x02, 0, 0, 0, 0, 0], count: 1, dictionaryCount: 10) }
        // Width 254, as in bad/ARROW-GH-41321.
        #expect(throws: DecodeError.self) { try decode([254, 0x02, 0], count: 1, dictionaryCount: 10) }
        #expect(throws: DecodeError.self) { try decode([], count: 1, dictionaryCount: 10) }
        #expect(throws: DecodeError.self) { try decode([0x04], count: 1, dictionaryCount: 10) }
        #expect(try decode([], count: 0, dictionaryCount: 0) == [])
    }

    @Test("every truncation throws or yields the right indices")
    func truncation() throws {
        var rng = SeededGenerator(seed: 31)
        let indices = (0..<65).map { _ in UInt32(rng.next() % 300) }
        var encoded = ContiguousArray<UInt8>()
        indices.withUnsafeBufferPointer { DictionaryIndexEncoder.encode($0, dictionaryCount: 300, into: &encoded) }
        var successes = 0
        for cut in 0..<encoded.count {
            if let decoded = try? decode(Array(encoded.prefix(cut)), count: 65, dictionaryCount: 300) {
                #expect(decoded == indices)
                successes += 1
            }
        }
        #expect(successes <= 9)  // only cuts inside the last group's padding bytes
    }
}
