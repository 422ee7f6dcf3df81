import LakeParquet
import Testing

@Suite("BYTE_STREAM_SPLIT")
struct EncodingByteStreamSplitTests {
    private func decode(_ bytes: [UInt8], count: Int, width: Int) throws -> [UInt8] {
        // Malformed-input tests pass counts whose product overflows; the decoder throws first.
        let (product, overflow) = count.multipliedReportingOverflow(by: width)
        let size = overflow || product < 0 || product > 1 << 24 ? 0 : product
        var output = [UInt8](repeating: 0, count: max(size, 1))
        try withBytes(bytes) { raw in
            try output.withUnsafeMutableBytes {
                try ByteStreamSplitDecoder.decode(raw, count: count, width: width, into: $0.baseAddress!)
            }
        }
        return Array(output.prefix(size))
    }

    @Test("Encodings.md example: three FLOATs")
    func specExample() throws {
        let values: [UInt8] = [0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x11, 0x22, 0x33, 0xA3, 0xB4, 0xC5, 0xD6]
        let split: [UInt8] = [0xAA, 0x00, 0xA3, 0xBB, 0x11, 0xB4, 0xCC, 0x22, 0xC5, 0xDD, 0x33, 0xD6]
        #expect(try decode(split, count: 3, width: 4) == values)
        var encoded = ContiguousArray<UInt8>()
        values.withUnsafeBytes { ByteStreamSplitEncoder.encode($0, count: 3, width: 4, into: &encoded) }
        #expect(Array(encoded) == split)
    }

    @Test("matches the reference transpose and round trips", arguments: [1, 2, 3, 4, 8, 12, 16])
    func widths(width: Int) throws {
        var rng = SeededGenerator(seed: 0xB55 + UInt64(width))
        for size in encodingSizes {
            let values = (0..<(size * width)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var split = [UInt8](repeating: 0, count: values.count)
            for index in 0..<size {
                for stream in 0..<width { split[stream * size + index] = values[index * width + stream] }
            }
            #expect(firstMismatch(try decode(split, count: size, width: width), values) == nil)
            var encoded = ContiguousArray<UInt8>()
            values.withUnsafeBytes { ByteStreamSplitEncoder.encode($0, count: size, width: width, into: &encoded) }
            #expect(Array(encoded) == split)
            // The size must be exactly K * N.
            #expect(throws: DecodeError.self) { try decode(split + [0], count: size, width: width) }
            if size > 0 {
                #expect(throws: DecodeError.self) { try decode(Array(split.dropLast()), count: size, width: width) }
            }
        }
    }

    @Test("doubles decode to the same bits")
    func doubles() throws {
        let values: [Double] = [0, -0.0, 1.5, .pi, -.infinity, .nan, .leastNonzeroMagnitude]
        var encoded = ContiguousArray<UInt8>()
        values.withUnsafeBytes { ByteStreamSplitEncoder.encode($0, count: values.count, width: 8, into: &encoded) }
        var output = [Double](repeating: 1, count: values.count)
        try withBytes(Array(encoded)) { raw in
            try output.withUnsafeMutableBytes {
                try ByteStreamSplitDecoder.decode(raw, count: values.count, width: 8, into: $0.baseAddress!)
            }
        }
        #expect(output.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test("bad widths and counts throw")
    func malformed() {
        #expect(throws: DecodeError.self) { try decode([1, 2], count: 1, width: 0) }
        #expect(throws: DecodeError.self) { try decode([1, 2], count: -1, width: 2) }
        #expect(throws: DecodeError.self) { try decode([1, 2], count: Int.max / 2, width: 4) }
    }
}
