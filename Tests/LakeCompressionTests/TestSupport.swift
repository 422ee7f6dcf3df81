import LakeCompression
import Testing

/// A small deterministic generator (SplitMix64), so every run tests the same bytes.
struct SplitMix64: RandomNumberGenerator {
    /// The generator's state; the seed is its first value.
    var state: UInt64

    /// Creates a generator from `seed`.
    init(seed: UInt64) { state = seed }

    /// Returns the next 64 pseudo-random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// The kinds of test data: incompressible noise, and runs over a small alphabet that every codec shrinks.
enum DataKind: String, CaseIterable, Sendable {
    /// Uniformly random bytes.
    case random
    /// Short runs of a few distinct byte values, with an occasional random byte.
    case compressible
}

/// Test inputs and helpers shared by the suites.
enum TestData {
    /// `count` bytes of the given kind, from `seed`.
    static func bytes(_ kind: DataKind, count: Int, seed: UInt64 = 1) -> [UInt8] {
        var generator = SplitMix64(seed: seed &+ UInt64(count))
        var result = [UInt8](repeating: 0, count: count)
        result.withUnsafeMutableBufferPointer { buffer in
            var index = 0
            switch kind {
            case .random:
                while index < count {
                    var word = generator.next()
                    for _ in 0..<8 where index < count {
                        buffer[index] = UInt8(truncatingIfNeeded: word)
                        word >>= 8
                        index += 1
                    }
                }
            case .compressible:
                while index < count {
                    let word = generator.next()
                    let runLength = Int(word & 31) + 1
                    let value = UInt8(truncatingIfNeeded: (word >> 8) & 7) &+ 0x41
                    let end = min(index + runLength, count)
                    while index < end {
                        buffer[index] = value
                        index += 1
                    }
                    if index < count, word >> 60 == 0 {  // ~6% of runs end in a random byte
                        buffer[index] = UInt8(truncatingIfNeeded: word >> 16)
                        index += 1
                    }
                }
            }
        }
        return result
    }

    /// Compresses `data` with `codec`, as a fresh array.
    static func compress(
        _ codec: Codec,
        _ data: [UInt8],
        with compressor: Compressor = Compressor()
    ) throws -> [UInt8] {
        var output = ContiguousArray<UInt8>()
        try data.withUnsafeBytes { input in
            _ = try compressor.compress(codec, input, appendingTo: &output)
        }
        return Array(output)
    }

    /// Decompresses `data` with `codec` into exactly `count` bytes.
    ///
    /// Sixteen guard bytes after the output must survive untouched: no codec may write past the end.
    static func decompress(
        _ codec: Codec,
        _ data: [UInt8],
        count: Int,
        with decompressor: Decompressor = Decompressor(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [UInt8] {
        let guardCount = 16
        var buffer = [UInt8](repeating: 0xA5, count: count + guardCount)
        var failure: CompressionError?
        buffer.withUnsafeMutableBytes { raw in
            let output = UnsafeMutableRawBufferPointer(rebasing: raw[0..<count])
            data.withUnsafeBytes { input in
                do throws(CompressionError) {
                    try decompressor.decompress(codec, input, into: output)
                } catch {
                    failure = error
                }
            }
        }
        #expect(buffer[count...].allSatisfy { $0 == 0xA5 }, "wrote past the output", sourceLocation: sourceLocation)
        if let failure { throw failure }
        return Array(buffer[..<count])
    }

    /// Records an issue unless `body` throws `CompressionError.corrupt`.
    static func expectCorrupt(
        _ comment: Comment,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("expected a corrupt error, got success: \(comment)", sourceLocation: sourceLocation)
        } catch {
            guard case .corrupt = error as? CompressionError else {
                Issue.record("expected a corrupt error, got \(error): \(comment)", sourceLocation: sourceLocation)
                return
            }
        }
    }

    /// `value` as four big-endian bytes (a Hadoop LZ4 frame length).
    static func bigEndian(_ value: Int) -> [UInt8] {
        let word = UInt32(value)
        return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: word >> $0) }
    }
}
