import LakeParquet
import Testing

@Suite("PLAIN")
struct EncodingPlainTests {
    @Test("fixed-width values round trip and match little-endian bytes", arguments: encodingSizes)
    func fixedWidth(size: Int) throws {
        var rng = SeededGenerator(seed: 0x91A + UInt64(size))
        let ints = (0..<size).map { _ in Int32(truncatingIfNeeded: rng.next()) }
        let longs = (0..<size).map { _ in Int64(bitPattern: rng.next()) }
        let doubles = (0..<size).map { _ in Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF) }
        // Reference bytes, built one byte at a time.
        let intBytes = ints.flatMap { value in
            (0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: value) >> (8 * $0)) }
        }
        var encoded = ContiguousArray<UInt8>()
        ints.withUnsafeBufferPointer { PlainEncoder.encode($0, into: &encoded) }
        #expect(Array(encoded) == intBytes)

        #expect(try decodePlain(intBytes + [1, 2, 3], count: size, as: Int32.self) == ints)
        var longBytes = ContiguousArray<UInt8>()
        longs.withUnsafeBufferPointer { PlainEncoder.encode($0, into: &longBytes) }
        #expect(try decodePlain(Array(longBytes), count: size, as: Int64.self) == longs)
        var doubleBytes = ContiguousArray<UInt8>()
        doubles.withUnsafeBufferPointer { PlainEncoder.encode($0, into: &doubleBytes) }
        #expect(try decodePlain(Array(doubleBytes), count: size, as: Double.self) == doubles)
        if size > 0 {
            #expect(throws: DecodeError.self) {
                try decodePlain(Array(intBytes.dropLast()), count: size, as: Int32.self)
            }
        }
    }

    @Test("fixed-width values at selected rows")
    func selectedRows() {
        let values: [Int64] = [10, 11, 12, 13, 14]
        let selection: [UInt32] = [0, 2, 4]
        var encoded = ContiguousArray<UInt8>()
        values.withUnsafeBufferPointer { buffer in
            selection.withUnsafeBufferPointer { PlainEncoder.encode(buffer, rows: $0, into: &encoded) }
        }
        var expected = ContiguousArray<UInt8>()
        [Int64(10), 12, 14].withUnsafeBufferPointer { PlainEncoder.encode($0, into: &expected) }
        #expect(encoded == expected)
        var ranged = ContiguousArray<UInt8>()
        values.withUnsafeBufferPointer { PlainEncoder.encode($0, rows: 1..<3, into: &ranged) }
        var expectedRange = ContiguousArray<UInt8>()
        [Int64(11), 12].withUnsafeBufferPointer { PlainEncoder.encode($0, into: &expectedRange) }
        #expect(ranged == expectedRange)
    }

    @Test("booleans are bit-packed LSB first", arguments: encodingSizes)
    func booleans(size: Int) throws {
        var rng = SeededGenerator(seed: 0xB001 + UInt64(size))
        let values = (0..<size).map { _ in rng.next() % 3 == 0 }
        let reference = Reference.packLSB(values.map { $0 ? 1 : 0 }, width: 1)
        var encoded = ContiguousArray<UInt8>()
        values.withUnsafeBufferPointer { PlainEncoder.encodeBooleans($0, into: &encoded) }
        #expect(Array(encoded) == reference)
        var output = [Bool](repeating: false, count: size)
        let consumed = try withBytes(reference + [0xFF]) { raw in
            try output.withUnsafeMutableBufferPointer {
                try PlainDecoder.decodeBooleans(raw, count: size, into: $0.baseAddress!)
            }
        }
        #expect(consumed == (size + 7) / 8)
        #expect(firstMismatch(output, values) == nil)
        if size > 0 {
            #expect(throws: DecodeError.self) {
                try withBytes(Array(reference.dropLast())) { raw in
                    try output.withUnsafeMutableBufferPointer {
                        try PlainDecoder.decodeBooleans(raw, count: size, into: $0.baseAddress!)
                    }
                }
            }
        }
    }

    @Test("every byte decodes to the right eight booleans")
    func booleanBytes() throws {
        let bytes = (0...255).map { UInt8($0) }
        var output = [Bool](repeating: false, count: 256 * 8)
        _ = try withBytes(bytes) { raw in
            try output.withUnsafeMutableBufferPointer {
                try PlainDecoder.decodeBooleans(raw, count: 256 * 8, into: $0.baseAddress!)
            }
        }
        let expected = bytes.flatMap { byte -> [Bool] in (0..<8).map { (byte >> UInt8($0)) & 1 == 1 } }
        #expect(output == expected)
    }

    @Test("byte arrays: u32 length + bytes", arguments: encodingSizes)
    func byteArrays(size: Int) throws {
        var rng = SeededGenerator(seed: 0xBA + UInt64(size))
        let values: [[UInt8]] = (0..<size).map { _ in
            (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        }
        let reference = values.flatMap { value in
            withUnsafeBytes(of: UInt32(value.count).littleEndian, Array.init) + value
        }
        // Encoder over Arrow-style offsets.
        var offsets: [Int32] = [0]
        for value in values { offsets.append(offsets.last! + Int32(value.count)) }
        let flat = values.flatMap { $0 }
        var encoded = ContiguousArray<UInt8>()
        offsets.withUnsafeBufferPointer { offsetBuffer in
            flat.withUnsafeBufferPointer {
                PlainEncoder.encodeByteArrays(offsets: offsetBuffer, bytes: $0, rows: 0..<size, into: &encoded)
            }
        }
        #expect(Array(encoded) == reference)

        // Decoding appends after existing content: offsets continue from the current byte count.
        var decodedOffsets: ContiguousArray<Int32> = [0, 3]
        var decodedBytes: ContiguousArray<UInt8> = [9, 9, 9]
        let consumed = try withBytes(reference + [7, 7]) {
            try PlainDecoder.decodeByteArrays($0, count: size, offsets: &decodedOffsets, bytes: &decodedBytes)
        }
        #expect(consumed == reference.count)
        #expect(Array(decodedOffsets) == [0, 3] + offsets.dropFirst().map { $0 + 3 })
        #expect(Array(decodedBytes) == [9, 9, 9] + flat)

        // Every truncation throws and leaves the outputs untouched (small sizes: this is quadratic).
        for cut in 0..<reference.count where size <= 65 {
            var untouchedOffsets: ContiguousArray<Int32> = [0]
            var untouchedBytes = ContiguousArray<UInt8>()
            #expect(throws: DecodeError.self) {
                try withBytes(Array(reference.prefix(cut))) {
                    try PlainDecoder.decodeByteArrays(
                        $0, count: size, offsets: &untouchedOffsets, bytes: &untouchedBytes)
                }
            }
            #expect(untouchedOffsets == [0] && untouchedBytes.isEmpty)
        }
    }

    @Test("a huge byte-array count is rejected before allocating")
    func hugeCount() {
        var offsets = ContiguousArray<Int32>()
        var bytes = ContiguousArray<UInt8>()
        #expect(throws: DecodeError.self) {
            try withBytes([0, 0, 0, 0]) {
                try PlainDecoder.decodeByteArrays($0, count: 1 << 40, offsets: &offsets, bytes: &bytes)
            }
        }
        #expect(throws: DecodeError.self) {
            try withBytes([0, 0, 0, 0]) {
                try PlainDecoder.decodeFixed($0, count: Int.max / 2, width: 12, bytes: &bytes)
            }
        }
        // Counts near Int.max must not wrap the byte-count arithmetic.
        var flag = false
        var level: UInt8 = 0
        for count in [Int.max, Int.max - 3, Int.max - 7] {
            #expect(throws: DecodeError.self) {
                try withBytes([0xFF]) { try PlainDecoder.decodeBooleans($0, count: count, into: &flag) }
            }
            #expect(throws: DecodeError.self) {
                try withBytes([0xFF]) { try PlainDecoder.decode($0, count: count, into: &level) }
            }
            #expect(throws: DecodeError.self) {
                try withBytes([0xFF]) { try BitPackedDecoder.decode($0, count: count, bitWidth: 1, into: &level) }
            }
        }
    }

    @Test("fixed-length byte arrays (and INT96 as width 12)", arguments: [1, 2, 12, 16])
    func fixed(width: Int) throws {
        var rng = SeededGenerator(seed: UInt64(width))
        for size in encodingSizes {
            let raw = (0..<(size * width)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var bytes: ContiguousArray<UInt8> = [1]
            let consumed = try withBytes(raw + [0]) {
                try PlainDecoder.decodeFixed($0, count: size, width: width, bytes: &bytes)
            }
            #expect(consumed == raw.count)
            #expect(Array(bytes) == [1] + raw)
            var encoded = ContiguousArray<UInt8>()
            raw.withUnsafeBufferPointer { PlainEncoder.encodeFixed($0, width: width, rows: 0..<size, into: &encoded) }
            #expect(Array(encoded) == raw)
            if size > 1 {
                var picked = ContiguousArray<UInt8>()
                let selection: [UInt32] = [UInt32(size - 1), 0]
                raw.withUnsafeBufferPointer { buffer in
                    selection.withUnsafeBufferPointer {
                        PlainEncoder.encodeFixed(buffer, width: width, rows: $0, into: &picked)
                    }
                }
                #expect(Array(picked) == Array(raw[((size - 1) * width)...]) + Array(raw[..<width]))
            }
            if size > 0 {
                #expect(throws: DecodeError.self) {
                    try withBytes(Array(raw.dropLast())) {
                        try PlainDecoder.decodeFixed($0, count: size, width: width, bytes: &bytes)
                    }
                }
            }
        }
        var bytes = ContiguousArray<UInt8>()
        #expect(throws: DecodeError.self) {
            try withBytes([1]) { try PlainDecoder.decodeFixed($0, count: 1, width: 0, bytes: &bytes) }
        }
    }

    private func decodePlain<Value: BitwiseCopyable>(_ bytes: [UInt8], count: Int, as: Value.Type) throws -> [Value] {
        let output = UnsafeMutablePointer<Value>.allocate(capacity: max(count, 1))
        defer { output.deallocate() }
        let consumed = try withBytes(bytes) { try PlainDecoder.decode($0, count: count, into: output) }
        #expect(consumed == count * MemoryLayout<Value>.size)
        return Array(UnsafeBufferPointer(start: output, count: count))
    }
}
