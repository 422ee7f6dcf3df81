import LakeParquet
import Testing

/// Decoded byte arrays: the values, and the bytes each decoder consumed.
private struct DecodedArrays: Equatable {
    var values: [[UInt8]]
    var consumed: Int
}

/// Runs a byte-array decoder into fresh offsets (starting at `[0]`) and bytes, then splits them.
private func decodeArrays(
    _ bytes: [UInt8], count: Int,
    _ decoder: (UnsafeRawBufferPointer, Int, inout ContiguousArray<Int32>, inout ContiguousArray<UInt8>)
        throws(DecodeError) -> Int
) throws -> DecodedArrays {
    var offsets: ContiguousArray<Int32> = [0]
    var data = ContiguousArray<UInt8>()
    let consumed = try withBytes(bytes) { raw in try decoder(raw, count, &offsets, &data) }
    #expect(offsets.count == count + 1)
    let values = (0..<count).map { Array(data[Int(offsets[$0])..<Int(offsets[$0 + 1])]) }
    return DecodedArrays(values: values, consumed: consumed)
}

private func lengthDecoder(
    _ raw: UnsafeRawBufferPointer, _ count: Int, _ offsets: inout ContiguousArray<Int32>,
    _ bytes: inout ContiguousArray<UInt8>
) throws(DecodeError) -> Int {
    try DeltaLengthByteArrayDecoder.decode(raw, count: count, offsets: &offsets, bytes: &bytes)
}

private func prefixDecoder(
    _ raw: UnsafeRawBufferPointer, _ count: Int, _ offsets: inout ContiguousArray<Int32>,
    _ bytes: inout ContiguousArray<UInt8>
) throws(DecodeError) -> Int {
    try DeltaByteArrayDecoder.decode(raw, count: count, offsets: &offsets, bytes: &bytes)
}

/// Reference DELTA_LENGTH_BYTE_ARRAY stream: lengths via the reference delta encoder, then payloads.
private func referenceLengthStream(_ values: [[UInt8]]) -> [UInt8] {
    Reference.encodeDelta(values.map { Int64($0.count) }, valueBits: 32) + values.flatMap { $0 }
}

/// Reference DELTA_BYTE_ARRAY stream: shared-prefix lengths, then suffixes as DELTA_LENGTH.
private func referencePrefixStream(_ values: [[UInt8]]) -> [UInt8] {
    var previous: [UInt8] = []
    var prefixes: [Int64] = []
    var suffixes: [[UInt8]] = []
    for value in values {
        var shared = 0
        while shared < min(previous.count, value.count) && previous[shared] == value[shared] { shared += 1 }
        prefixes.append(Int64(shared))
        suffixes.append(Array(value[shared...]))
        previous = value
    }
    return Reference.encodeDelta(prefixes, valueBits: 32) + referenceLengthStream(suffixes)
}

/// Random strings with shared prefixes (sorted keys, the data DELTA_BYTE_ARRAY is for).
private func randomKeys(_ count: Int, using rng: inout SeededGenerator) -> [[UInt8]] {
    (0..<count).map { _ in
        let length = Int(rng.next() % 24)
        return (0..<length).map { position in position < 6 ? UInt8(65 + rng.next() % 2) : UInt8(97 + rng.next() % 26) }
    }.sorted { $0.lexicographicallyPrecedes($1) }
}

private func withColumn<R>(_ values: [[UInt8]], _ body: (UnsafeBufferPointer<Int32>, UnsafeBufferPointer<UInt8>) -> R)
    -> R
{
    var offsets: [Int32] = [0]
    for value in values { offsets.append(offsets.last! + Int32(value.count)) }
    let flat = values.flatMap { $0 }
    return offsets.withUnsafeBufferPointer { offsetBuffer in flat.withUnsafeBufferPointer { body(offsetBuffer, $0) } }
}

@Suite("DELTA_LENGTH_BYTE_ARRAY")
struct EncodingDeltaLengthByteArrayTests {
    @Test("Encodings.md example: Hello, World, Foobar, ABCDEF")
    func specExample() throws {
        let values = ["Hello", "World", "Foobar", "ABCDEF"].map { Array($0.utf8) }
        let stream = referenceLengthStream(values)
        #expect(stream.suffix(22) == Array("HelloWorldFoobarABCDEF".utf8))
        let decoded = try decodeArrays(stream, count: 4, lengthDecoder)
        #expect(decoded == DecodedArrays(values: values, consumed: stream.count))
    }

    @Test("matches the reference and round trips", arguments: encodingSizes)
    func roundTrip(size: Int) throws {
        var rng = SeededGenerator(seed: 0xD1BA + UInt64(size))
        let values = randomKeys(size, using: &rng)
        let stream = referenceLengthStream(values)
        #expect(
            try decodeArrays(stream + [0x55], count: size, lengthDecoder)
                == DecodedArrays(values: values, consumed: stream.count))
        var encoded = ContiguousArray<UInt8>()
        withColumn(values) {
            DeltaLengthByteArrayEncoder.encode(offsets: $0, bytes: $1, rows: 0..<size, into: &encoded)
        }
        #expect(Array(encoded) == stream)
    }

    @Test("every truncation throws and leaves the outputs untouched")
    func truncation() {
        var rng = SeededGenerator(seed: 3)
        let stream = referenceLengthStream(randomKeys(65, using: &rng))
        for cut in 0..<stream.count {
            var offsets: ContiguousArray<Int32> = [0]
            var bytes: ContiguousArray<UInt8> = [1, 2]
            #expect(throws: DecodeError.self, "cut at \(cut)") {
                try withBytes(Array(stream.prefix(cut))) {
                    try DeltaLengthByteArrayDecoder.decode($0, count: 65, offsets: &offsets, bytes: &bytes)
                }
            }
            #expect(offsets == [0] && bytes == [1, 2])
        }
    }

    @Test("negative lengths and count mismatches throw")
    func malformed() {
        let negative = Reference.encodeDelta([3, -1], valueBits: 32) + [1, 2, 3]
        #expect(throws: DecodeError.self) { try decodeArrays(negative, count: 2, lengthDecoder) }
        let three = referenceLengthStream([[1], [2], [3]])
        #expect(throws: DecodeError.self) { try decodeArrays(three, count: 2, lengthDecoder) }
        #expect(throws: DecodeError.self) { try decodeArrays(three, count: 4, lengthDecoder) }
    }

    @Test("no values: an empty section or an empty header")
    func empty() throws {
        #expect(try decodeArrays([], count: 0, lengthDecoder) == DecodedArrays(values: [], consumed: 0))
        let header: [UInt8] = [0x80, 0x01, 0x04, 0x00, 0x00]
        #expect(try decodeArrays(header, count: 0, lengthDecoder) == DecodedArrays(values: [], consumed: 5))
    }
}

@Suite("DELTA_BYTE_ARRAY")
struct EncodingDeltaByteArrayTests {
    @Test("Encodings.md example: axis, axle, babble, babyhood")
    func specExample() throws {
        let values = ["axis", "axle", "babble", "babyhood"].map { Array($0.utf8) }
        let stream = referencePrefixStream(values)
        #expect(stream.suffix(17) == Array("axislebabbleyhood".utf8))
        // Prefix lengths 0, 2, 0, 3 and suffix lengths 4, 2, 6, 5 are what the reference encoded.
        #expect(Reference.decodeDelta(stream)?.values == [0, 2, 0, 3])
        let decoded = try decodeArrays(stream, count: 4, prefixDecoder)
        #expect(decoded == DecodedArrays(values: values, consumed: stream.count))
        var encoded = ContiguousArray<UInt8>()
        withColumn(values) { DeltaByteArrayEncoder.encode(offsets: $0, bytes: $1, rows: 0..<4, into: &encoded) }
        #expect(Array(encoded) == stream)
    }

    @Test("matches the reference and round trips", arguments: encodingSizes)
    func roundTrip(size: Int) throws {
        var rng = SeededGenerator(seed: 0xDBA + UInt64(size))
        let values = randomKeys(size, using: &rng)
        let stream = referencePrefixStream(values)
        #expect(
            try decodeArrays(stream + [0x55], count: size, prefixDecoder)
                == DecodedArrays(values: values, consumed: stream.count))
        var encoded = ContiguousArray<UInt8>()
        withColumn(values) { DeltaByteArrayEncoder.encode(offsets: $0, bytes: $1, rows: 0..<size, into: &encoded) }
        #expect(Array(encoded) == stream)
        // A selection of rows encodes just those rows.
        if size > 2 {
            let selection: [UInt32] = [0, UInt32(size - 1)]
            var picked = ContiguousArray<UInt8>()
            withColumn(values) { offsets, bytes in
                selection.withUnsafeBufferPointer {
                    DeltaByteArrayEncoder.encode(offsets: offsets, bytes: bytes, rows: $0, into: &picked)
                }
            }
            #expect(Array(picked) == referencePrefixStream([values[0], values[size - 1]]))
        }
    }

    @Test("prefixes of exactly 16 bytes, values around 16 bytes and long shared prefixes")
    func prefixBoundaries() throws {
        let sixteen = Array("0123456789abcdef".utf8)
        var values: [[UInt8]] = [
            sixteen, sixteen, sixteen + [1], sixteen, Array(sixteen.prefix(15)) + [88], Array(sixteen.prefix(15)), [],
            sixteen,
        ]
        var rng = SeededGenerator(seed: 16)
        var previous: [UInt8] = []
        for _ in 0..<300 {
            let keep = previous.isEmpty ? 0 : Int(rng.next() % UInt64(previous.count + 1))
            let extra = (0..<Int(rng.next() % 20)).map { _ in UInt8(rng.next() % 4) }
            let value = Array(previous.prefix(keep)) + extra
            values.append(value)
            previous = value
        }
        let stream = referencePrefixStream(values)
        let decoded = try decodeArrays(stream, count: values.count, prefixDecoder)
        #expect(firstMismatch(decoded.values, values) == nil)
        #expect(decoded.consumed == stream.count)
    }

    @Test("FIXED_LEN_BYTE_ARRAY variant", arguments: [1, 4, 16])
    func fixed(width: Int) throws {
        var rng = SeededGenerator(seed: UInt64(width))
        for size in encodingSizes {
            let values = (0..<size).map { _ in (0..<width).map { _ in UInt8(rng.next() % 3) } }
            let stream = referencePrefixStream(values)
            var bytes: ContiguousArray<UInt8> = [42]
            let consumed = try withBytes(stream) {
                try DeltaByteArrayDecoder.decodeFixed($0, count: size, width: width, bytes: &bytes)
            }
            #expect(consumed == stream.count)
            #expect(Array(bytes) == [42] + values.flatMap { $0 })
            var encoded = ContiguousArray<UInt8>()
            let flat = values.flatMap { $0 }
            flat.withUnsafeBufferPointer {
                DeltaByteArrayEncoder.encodeFixed($0, width: width, rows: 0..<size, into: &encoded)
            }
            #expect(Array(encoded) == stream)
            if size > 0 {
                #expect(throws: DecodeError.self) {
                    try withBytes(stream) {
                        try DeltaByteArrayDecoder.decodeFixed($0, count: size, width: width + 1, bytes: &bytes)
                    }
                }
            }
        }
    }

    @Test("a prefix longer than the previous value throws")
    func prefixTooLong() {
        // Prefix lengths 0, 5 but the first value has 3 bytes.
        let stream = Reference.encodeDelta([0, 5], valueBits: 32) + referenceLengthStream([[1, 2, 3], [4]])
        #expect(throws: DecodeError.self) { try decodeArrays(stream, count: 2, prefixDecoder) }
        // The first value's prefix must be 0 (value[-1] is empty in every page).
        let first = Reference.encodeDelta([1], valueBits: 32) + referenceLengthStream([[1]])
        #expect(throws: DecodeError.self) { try decodeArrays(first, count: 1, prefixDecoder) }
        let negative = Reference.encodeDelta([0, -1], valueBits: 32) + referenceLengthStream([[1], [2]])
        #expect(throws: DecodeError.self) { try decodeArrays(negative, count: 2, prefixDecoder) }
    }

    @Test("every truncation throws and leaves the outputs untouched")
    func truncation() {
        var rng = SeededGenerator(seed: 9)
        let stream = referencePrefixStream(randomKeys(65, using: &rng))
        for cut in 0..<stream.count {
            var offsets: ContiguousArray<Int32> = [0]
            var bytes = ContiguousArray<UInt8>()
            #expect(throws: DecodeError.self, "cut at \(cut)") {
                try withBytes(Array(stream.prefix(cut))) {
                    try DeltaByteArrayDecoder.decode($0, count: 65, offsets: &offsets, bytes: &bytes)
                }
            }
            #expect(offsets == [0] && bytes.isEmpty)
        }
    }
}
