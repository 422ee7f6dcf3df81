import LakeParquet
import Testing

@Suite("BIT_PACKED (deprecated)")
struct EncodingBitPackedTests {
    private func decode(_ bytes: [UInt8], count: Int, width: Int) throws -> (values: [UInt32], consumed: Int) {
        var output = [UInt32](repeating: 7, count: max(count, 1))
        let consumed = try withBytes(bytes) { raw in
            try output.withUnsafeMutableBufferPointer {
                try BitPackedDecoder.decode(raw, count: count, bitWidth: width, into: $0.baseAddress!)
            }
        }
        return (Array(output.prefix(count)), consumed)
    }

    @Test("Encodings.md example: 0...7 at width 3 is 05 39 77 (MSB first)")
    func specExample() throws {
        let decoded = try decode([0x05, 0x39, 0x77], count: 8, width: 3)
        #expect(decoded.values == [0, 1, 2, 3, 4, 5, 6, 7])
        #expect(decoded.consumed == 3)
    }

    @Test("matches a bit-by-bit MSB-first reference", arguments: 0...32)
    func reference(width: Int) throws {
        var rng = SeededGenerator(seed: 0xB17 + UInt64(width))
        for size in encodingSizes {
            let values = (0..<size).map { _ in UInt32(rng.bits(width)) }
            var bytes = [UInt8](repeating: 0, count: (size * width + 7) / 8)
            var bit = 0
            for value in values {
                for index in stride(from: width - 1, through: 0, by: -1) {
                    if (value >> UInt32(index)) & 1 == 1 { bytes[bit / 8] |= 0x80 >> UInt8(bit % 8) }
                    bit += 1
                }
            }
            let decoded = try decode(bytes, count: size, width: width)
            #expect(firstMismatch(decoded.values, values) == nil)
            #expect(decoded.consumed == bytes.count)
            if !bytes.isEmpty {
                #expect(throws: DecodeError.self) { try decode(Array(bytes.dropLast()), count: size, width: width) }
            }
        }
        #expect(throws: DecodeError.self) { try decode([0, 0, 0, 0, 0], count: 1, width: 33) }
    }
}
