import LakeParquet
import Testing

/// Garbage and bit-flipped streams: every decoder must throw or return, never trap or read out of
/// bounds (the debug build checks pointer and integer arithmetic).
@Suite("Encodings on corrupt input")
struct EncodingRobustnessTests {
    /// Random byte strings of assorted lengths, plus some bit-flipped valid streams.
    static func inputs() -> [[UInt8]] {
        var rng = SeededGenerator(seed: 0xF022)
        var result: [[UInt8]] = [[], [0], [0xFF], Array(repeating: 0xFF, count: 40), Array(repeating: 0x80, count: 40)]
        for length in [1, 2, 3, 4, 5, 8, 9, 17, 33, 100, 300] {
            for _ in 0..<12 { result.append((0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }) }
        }
        var valid = ContiguousArray<UInt8>()
        let values = (0..<300).map { _ in Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64) }
        values.withUnsafeBufferPointer { DeltaBinaryPackedEncoder.encode($0, into: &valid) }
        for _ in 0..<60 {
            var mutated = Array(valid)
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                mutated[Int(rng.next() % UInt64(mutated.count))] ^= UInt8(1) << UInt8(rng.next() % 8)
            }
            result.append(mutated)
        }
        return result
    }

    @Test("no decoder traps on garbage")
    func garbage() {
        var level = [UInt8](repeating: 0, count: 600)
        var indices = [UInt32](repeating: 0, count: 600)
        var longs = [Int64](repeating: 0, count: 600)
        var ints = [Int32](repeating: 0, count: 600)
        var flags = [Bool](repeating: false, count: 600)
        var raw = [UInt8](repeating: 0, count: 600 * 16)
        for input in Self.inputs() {
            input.withUnsafeBytes { bytes in
                for count in [0, 1, 7, 9, 64, 300, 600] {
                    for width in [0, 1, 2, 5, 8, 13, 32] {
                        _ = try? level.withUnsafeMutableBufferPointer { out in
                            var decoder = try RLEBitPackedDecoder(bytes, bitWidth: min(width, 8))
                            try decoder.decode(count: count, into: out.baseAddress!)
                        }
                        _ = try? indices.withUnsafeMutableBufferPointer { out in
                            var decoder = try RLEBitPackedDecoder(bytes, bitWidth: width)
                            try decoder.decode(count: count, into: out.baseAddress!)
                        }
                        _ = try? level.withUnsafeMutableBufferPointer {
                            try BitPackedDecoder.decode(
                                bytes, count: count, bitWidth: min(width, 8), into: $0.baseAddress!)
                        }
                    }
                    _ = try? indices.withUnsafeMutableBufferPointer {
                        try DictionaryIndexDecoder.decode(
                            bytes, count: count, dictionaryCount: 37, into: $0.baseAddress!)
                    }
                    _ = try? longs.withUnsafeMutableBufferPointer {
                        try DeltaBinaryPackedDecoder.decode(bytes, capacity: count, into: $0.baseAddress!)
                    }
                    _ = try? ints.withUnsafeMutableBufferPointer {
                        try DeltaBinaryPackedDecoder.decode(bytes, capacity: count, into: $0.baseAddress!)
                    }
                    _ = try? flags.withUnsafeMutableBufferPointer {
                        try PlainDecoder.decodeBooleans(bytes, count: count, into: $0.baseAddress!)
                    }
                    _ = try? longs.withUnsafeMutableBufferPointer {
                        try PlainDecoder.decode(bytes, count: count, into: $0.baseAddress!)
                    }
                    _ = try? RLEBitPackedDecoder.lengthPrefixedRuns(bytes)
                    var offsets: ContiguousArray<Int32> = [0]
                    var data = ContiguousArray<UInt8>()
                    _ = try? PlainDecoder.decodeByteArrays(bytes, count: count, offsets: &offsets, bytes: &data)
                    _ = try? PlainDecoder.decodeFixed(bytes, count: count, width: 3, bytes: &data)
                    _ = try? DeltaLengthByteArrayDecoder.decode(bytes, count: count, offsets: &offsets, bytes: &data)
                    _ = try? DeltaByteArrayDecoder.decode(bytes, count: count, offsets: &offsets, bytes: &data)
                    _ = try? DeltaByteArrayDecoder.decodeFixed(bytes, count: count, width: 4, bytes: &data)
                    for width in [1, 2, 4, 8, 12] {
                        _ = try? raw.withUnsafeMutableBytes {
                            try ByteStreamSplitDecoder.decode(bytes, count: count, width: width, into: $0.baseAddress!)
                        }
                    }
                }
            }
        }
    }
}
