// Shared helpers for the Encoding*Tests suites: a seeded generator and plain scalar reference
// encoders/decoders, written bit by bit so they are obviously right (and obviously slow).

import LakeParquet

/// A deterministic generator (SplitMix64) so every run sees the same "random" data.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value of exactly `width` random low bits (0 when `width == 0`).
    mutating func bits(_ width: Int) -> UInt64 {
        width == 0 ? 0 : next() & (UInt64.max >> UInt64(64 - width))
    }
}

/// Boundary sizes from the brief: word and batch edges.
let encodingSizes = [0, 1, 7, 8, 63, 64, 65, 2048, 2049]

/// Scalar reference implementations used as the oracle for the fast paths.
enum Reference {
    // MARK: Bits

    /// Packs `values` LSB first, one bit at a time.
    static func packLSB(_ values: [UInt64], width: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: (values.count * width + 7) / 8)
        var bit = 0
        for value in values {
            for index in 0..<width {
                if (value >> UInt64(index)) & 1 == 1 { bytes[bit / 8] |= 1 << UInt8(bit % 8) }
                bit += 1
            }
        }
        return bytes
    }

    /// Reads `width` bits LSB first starting at `bitOffset`, or nil past the end.
    static func readLSB(_ bytes: ArraySlice<UInt8>, bitOffset: Int, width: Int) -> UInt64? {
        var value: UInt64 = 0
        for index in 0..<width {
            let bit = bitOffset + index
            guard bit / 8 < bytes.count else { return nil }
            if (bytes[bytes.startIndex + bit / 8] >> UInt8(bit % 8)) & 1 == 1 { value |= 1 << UInt64(index) }
        }
        return value
    }

    static func uleb(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        var rest = value
        repeat {
            var byte = UInt8(rest & 0x7F)
            rest >>= 7
            if rest != 0 { byte |= 0x80 }
            out.append(byte)
        } while rest != 0
        return out
    }

    static func zigzag(_ value: Int64) -> [UInt8] {
        uleb(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Reads a ULEB128 at `position`, or nil.
    static func readULEB(_ bytes: [UInt8], _ position: inout Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count, shift < 64 {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    // MARK: RLE / bit-packed hybrid

    enum Run {
        case repeated(UInt64, count: Int)
        /// Values; the count must be a multiple of 8.
        case packed([UInt64])
    }

    static func encodeHybrid(_ runs: [Run], width: Int) -> [UInt8] {
        var out: [UInt8] = []
        for run in runs {
            switch run {
            case .repeated(let value, let count):
                out += uleb(UInt64(count) << 1)
                for index in 0..<((width + 7) / 8) { out.append(UInt8((value >> UInt64(8 * index)) & 0xFF)) }
            case .packed(let values):
                precondition(values.count % 8 == 0)
                out += uleb(UInt64(values.count / 8) << 1 | 1)
                out += packLSB(values, width: width)
            }
        }
        return out
    }

    /// Decodes `count` values, or nil if the data is malformed or too short. A last bit-packed run
    /// may be cut inside its final group (as the fast decoder allows).
    static func decodeHybrid(_ bytes: [UInt8], width: Int, count: Int) -> [UInt64]? {
        var out: [UInt64] = []
        var position = 0
        while out.count < count {
            guard let header = readULEB(bytes, &position), header <= UInt64(UInt32.max) else { return nil }
            let length = Int(header >> 1)
            if header & 1 == 0 {
                let valueBytes = (width + 7) / 8
                guard position + valueBytes <= bytes.count else { return nil }
                var value: UInt64 = 0
                for index in 0..<valueBytes { value |= UInt64(bytes[position + index]) << UInt64(8 * index) }
                guard width == 64 || value >> UInt64(width) == 0 else { return nil }
                position += valueBytes
                out += Array(repeating: value, count: min(length, count - out.count))
            } else {
                var values = length * 8
                let needed = length * width
                let available = bytes.count - position
                if needed > available {
                    let present = available * 8 / width
                    guard present > values - 8 else { return nil }
                    values = present
                }
                let slice = bytes[position...]
                for index in 0..<min(values, count - out.count) {
                    guard let value = readLSB(slice, bitOffset: index * width, width: width) else { return nil }
                    out.append(value)
                }
                position += min(needed, available)
            }
        }
        return out
    }

    /// Random runs covering at least `count` values, each value < 2^width.
    static func randomRuns(count: Int, width: Int, using rng: inout SeededGenerator) -> [Run] {
        var runs: [Run] = []
        var total = 0
        while total < count {
            if rng.next() % 2 == 0 {
                let length = Int(rng.next() % 40) + 1
                runs.append(.repeated(rng.bits(width), count: length))
                total += length
            } else {
                let groups = Int(rng.next() % 6) + 1
                runs.append(.packed((0..<(groups * 8)).map { _ in rng.bits(width) }))
                total += groups * 8
            }
        }
        return runs
    }

    static func flatten(_ runs: [Run]) -> [UInt64] {
        runs.flatMap { run -> [UInt64] in
            switch run {
            case .repeated(let value, let count): Array(repeating: value, count: count)
            case .packed(let values): values
            }
        }
    }

    // MARK: DELTA_BINARY_PACKED

    /// One block for ``makeDeltaStream``: its min delta and, per miniblock, a width and the packed
    /// values (exactly values-per-miniblock of them, including padding).
    struct DeltaBlock {
        var minDelta: Int64
        var widths: [UInt8]
        var miniblocks: [[UInt64]]
    }

    /// Builds a DELTA_BINARY_PACKED stream from its parts. Miniblocks listed in `widths` beyond
    /// `miniblocks.count` get their width byte but no data.
    static func makeDeltaStream(
        blockSize: Int, miniblockCount: Int, total: Int, first: Int64, blocks: [DeltaBlock]
    ) -> [UInt8] {
        var out = uleb(UInt64(blockSize)) + uleb(UInt64(miniblockCount)) + uleb(UInt64(total)) + zigzag(first)
        for block in blocks {
            out += zigzag(block.minDelta)
            out += block.widths
            for (index, values) in block.miniblocks.enumerated() {
                out += packLSB(values, width: Int(block.widths[index]))
            }
        }
        return out
    }

    /// Decodes a stream to 64-bit values (wrapping), or nil; also returns the bytes consumed.
    static func decodeDelta(_ bytes: [UInt8]) -> (values: [UInt64], consumed: Int)? {
        var position = 0
        guard let blockSize = readULEB(bytes, &position), let miniblockCount = readULEB(bytes, &position),
            let total = readULEB(bytes, &position), let rawFirst = readULEB(bytes, &position),
            blockSize > 0, blockSize % 128 == 0, miniblockCount > 0, blockSize % miniblockCount == 0,
            (blockSize / miniblockCount) % 32 == 0, total < 1 << 40
        else { return nil }
        let perMiniblock = Int(blockSize / miniblockCount)
        var last = (rawFirst >> 1) ^ (0 &- (rawFirst & 1))
        var values: [UInt64] = total > 0 ? [last] : []
        while values.count < Int(total) {
            guard let rawMin = readULEB(bytes, &position) else { return nil }
            let minDelta = (rawMin >> 1) ^ (0 &- (rawMin & 1))
            guard position + Int(miniblockCount) <= bytes.count else { return nil }
            let widths = Array(bytes[position..<(position + Int(miniblockCount))])
            position += Int(miniblockCount)
            for width in widths where values.count < Int(total) {
                guard width <= 64 else { return nil }
                let byteCount = perMiniblock * Int(width) / 8
                guard position + byteCount <= bytes.count else { return nil }
                let slice = bytes[position..<(position + byteCount)]
                for index in 0..<min(perMiniblock, Int(total) - values.count) {
                    guard let packed = readLSB(slice, bitOffset: index * Int(width), width: Int(width)) else {
                        return nil
                    }
                    last = last &+ minDelta &+ packed
                    values.append(last)
                }
                position += byteCount
            }
        }
        return (values, position)
    }

    /// A reference encoder: any block layout, deltas and widths computed in `valueBits` (32 or 64).
    static func encodeDelta(_ values: [Int64], valueBits: Int, blockSize: Int = 128, miniblockCount: Int = 4) -> [UInt8]
    {
        let mask: UInt64 = valueBits == 64 ? .max : (1 << UInt64(valueBits)) - 1
        func signed(_ bits: UInt64) -> Int64 {
            valueBits == 64 ? Int64(bitPattern: bits) : Int64(bitPattern: bits << 32) >> 32
        }
        let perMiniblock = blockSize / miniblockCount
        var blocks: [DeltaBlock] = []
        var index = 1
        while index < values.count {
            let count = min(blockSize, values.count - index)
            let deltas = (0..<count).map {
                signed((UInt64(bitPattern: values[index + $0]) &- UInt64(bitPattern: values[index + $0 - 1])) & mask)
            }
            let minDelta = deltas.min()!
            var packed = deltas.map { UInt64(bitPattern: $0 &- minDelta) & mask }
            packed += Array(repeating: 0, count: blockSize - count)
            var block = DeltaBlock(minDelta: minDelta, widths: [], miniblocks: [])
            for miniblock in 0..<miniblockCount {
                let slice = Array(packed[(miniblock * perMiniblock)..<((miniblock + 1) * perMiniblock)])
                if miniblock * perMiniblock < count {
                    let width = 64 - (slice.reduce(0, |).leadingZeroBitCount)
                    block.widths.append(UInt8(width))
                    block.miniblocks.append(slice)
                } else {
                    block.widths.append(0)
                }
            }
            blocks.append(block)
            index += count
        }
        return makeDeltaStream(
            blockSize: blockSize, miniblockCount: miniblockCount, total: values.count,
            first: values.first ?? 0, blocks: blocks)
    }
}

/// Calls `body` with the bytes of `array` as an `UnsafeRawBufferPointer`.
func withBytes<R>(_ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try array.withUnsafeBytes(body)
}

/// Decodes with the fast hybrid decoder into `Value`s, in chunks of `chunk` values (resuming).
func fastHybrid<Value: FixedWidthInteger>(
    _ bytes: [UInt8], width: Int, count: Int, chunk: Int = .max, as: Value.Type = UInt32.self
) throws -> [Value] {
    var output = [Value](repeating: 0, count: count)
    try bytes.withUnsafeBytes { raw in
        var decoder = try RLEBitPackedDecoder(raw, bitWidth: width)
        try output.withUnsafeMutableBufferPointer { buffer in
            var done = 0
            while done < count {
                let step = min(chunk, count - done)
                try decoder.decode(count: step, into: buffer.baseAddress! + done)
                done += step
            }
        }
    }
    return output
}

/// Decodes a whole DELTA_BINARY_PACKED stream with the fast decoder.
func fastDelta<Value: FixedWidthInteger>(
    _ bytes: [UInt8], capacity: Int, as: Value.Type
) throws -> (values: [Value], consumed: Int) {
    var output = [Value](repeating: 0, count: max(capacity, 1))
    let (count, consumed) = try bytes.withUnsafeBytes { raw in
        try output.withUnsafeMutableBufferPointer { buffer in
            try DeltaBinaryPackedDecoder.decode(raw, capacity: capacity, into: buffer.baseAddress!)
        }
    }
    return (Array(output.prefix(count)), consumed)
}

/// `nil` when the arrays are equal, else a short description of the first difference (so a failure
/// does not print thousands of values).
func firstMismatch<Element: Equatable>(_ actual: [Element], _ expected: [Element]) -> String? {
    if actual.count != expected.count { return "count \(actual.count) != expected \(expected.count)" }
    for index in actual.indices where actual[index] != expected[index] {
        return "index \(index): \(actual[index]) != expected \(expected[index])"
    }
    return nil
}
