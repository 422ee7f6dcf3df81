import LakeParquet
import Testing

@Suite("RLE / bit-packed hybrid")
struct EncodingRLEBitPackedTests {
    @Test("matches the scalar reference on random runs", arguments: 0...32)
    func matchesReference(width: Int) throws {
        var rng = SeededGenerator(seed: UInt64(width) &* 7919)
        for size in encodingSizes {
            let runs = Reference.randomRuns(count: size, width: width, using: &rng)
            let bytes = Reference.encodeHybrid(runs, width: width)
            let expected = Array(Reference.flatten(runs).prefix(size))
            #expect(firstMismatch(Reference.decodeHybrid(bytes, width: width, count: size) ?? [], expected) == nil)
            let whole = try fastHybrid(bytes, width: width, count: size, as: UInt32.self)
            #expect(firstMismatch(whole.map(UInt64.init), expected) == nil, "width \(width), size \(size)")
            // Resuming mid-run and mid-group.
            let chunked = try fastHybrid(bytes, width: width, count: size, chunk: 3, as: UInt64.self)
            #expect(firstMismatch(chunked, expected) == nil, "width \(width), size \(size), chunks of 3")
            let oddChunks = try fastHybrid(bytes, width: width, count: size, chunk: 13, as: UInt64.self)
            #expect(firstMismatch(oddChunks, expected) == nil, "width \(width), size \(size), chunks of 13")
            if width <= 8 {
                let narrow = try fastHybrid(bytes, width: width, count: size, as: UInt8.self)
                #expect(firstMismatch(narrow.map(UInt64.init), expected) == nil)
            }
        }
    }

    @Test("a long bit-packed run near the end of the buffer", arguments: [1, 2, 5, 8, 13, 31, 32])
    func longPackedRunAtEnd(width: Int) throws {
        var rng = SeededGenerator(seed: 99 + UInt64(width))
        for groups in [1, 2, 3, 17, 256] {
            let values = (0..<(groups * 8)).map { _ in rng.bits(width) }
            let bytes = Reference.encodeHybrid([.packed(values)], width: width)
            #expect(
                firstMismatch(try fastHybrid(bytes, width: width, count: values.count, as: UInt64.self), values) == nil)
        }
    }

    @Test("encoder output decodes to its input", arguments: [0, 1, 2, 3, 7, 8, 9, 16, 20, 31, 32])
    func roundTrip(width: Int) throws {
        var rng = SeededGenerator(seed: 4242 + UInt64(width))
        for size in encodingSizes {
            // Mixed data: stretches of repeats (some >= 8) between random values.
            var values: [UInt32] = []
            while values.count < size {
                let value = UInt32(rng.bits(width))
                let repeats = rng.next() % 3 == 0 ? Int(rng.next() % 20) + 1 : 1
                values += Array(repeating: value, count: min(repeats, size - values.count))
            }
            var encoder = RLEBitPackedEncoder(bitWidth: width)
            values.withUnsafeBufferPointer { encoder.append(contentsOf: $0) }
            var bytes = ContiguousArray<UInt8>()
            encoder.finish(into: &bytes)
            #expect(encoder.count == 0)
            let expected = values.map(UInt64.init)
            #expect(
                firstMismatch(Reference.decodeHybrid(Array(bytes), width: width, count: size) ?? [], expected) == nil)
            #expect(
                firstMismatch(try fastHybrid(Array(bytes), width: width, count: size, as: UInt64.self), expected) == nil
            )
        }
    }

    @Test("encoder uses RLE runs for repeats of 8 or more")
    func encoderUsesRuns() {
        var encoder = RLEBitPackedEncoder(bitWidth: 3)
        let values: [UInt8] = Array(repeating: 5, count: 100)
        values.withUnsafeBufferPointer { encoder.append(contentsOf: $0) }
        var bytes = ContiguousArray<UInt8>()
        encoder.finish(into: &bytes)
        #expect(Array(bytes) == [0xC8, 0x01, 0x05])  // header 100 << 1, value byte
    }

    @Test("spec vector: 0...7 at width 3 is 88 C6 FA")
    func specBitPackedVector() throws {
        let bytes: [UInt8] = [0x03, 0x88, 0xC6, 0xFA]  // one group of eight, bit-packed
        #expect(try fastHybrid(bytes, width: 3, count: 8, as: UInt8.self) == [0, 1, 2, 3, 4, 5, 6, 7])
        var encoder = RLEBitPackedEncoder(bitWidth: 3)
        let values: [UInt32] = [0, 1, 2, 3, 4, 5, 6, 7]
        values.withUnsafeBufferPointer { encoder.append(contentsOf: $0) }
        var encoded = ContiguousArray<UInt8>()
        encoder.finish(into: &encoded)
        #expect(Array(encoded) == bytes)
    }

    @Test("spec vector: an RLE run, then a bit-packed run with padding")
    func specRunVector() throws {
        // 10 × 4 at width 3 (header 20, value byte 04), then 0...4 bit-packed (padded to 8).
        let bytes: [UInt8] = [0x14, 0x04, 0x03, 0x88, 0x46, 0x00]
        #expect(
            try fastHybrid(bytes, width: 3, count: 15, as: Int32.self)
                == Array(repeating: 4, count: 10) + [0, 1, 2, 3, 4])
        try bytes.withUnsafeBytes { raw in
            var live = try RLEBitPackedDecoder(raw, bitWidth: 3)
            var out = [UInt8](repeating: 0, count: 15)
            try out.withUnsafeMutableBufferPointer { try live.decode(count: 15, into: $0.baseAddress!) }
            #expect(live.position == 6)
        }
    }

    @Test("width 0: runs carry no value bytes")
    func widthZero() throws {
        // RLE run of 5 (header 0x0A, no value byte), then a bit-packed run of 8 (no data bytes).
        let values = try fastHybrid([0x0A, 0x03], width: 0, count: 13, as: UInt32.self)
        #expect(values == Array(repeating: 0, count: 13))
    }

    @Test("widths outside 0...32 throw", arguments: [-1, 33, 64, 254])
    func badWidth(width: Int) {
        #expect(throws: DecodeError.self) {
            try withBytes([0x02, 0x01]) { try RLEBitPackedDecoder($0, bitWidth: width) }
        }
    }

    @Test("a width wider than the output type throws")
    func widthExceedsOutput() {
        #expect(throws: DecodeError.self) { try fastHybrid([0x02, 0x01, 0x00], width: 9, count: 1, as: UInt8.self) }
    }

    @Test("an RLE value wider than the bit width throws")
    func rleValueTooWide() {
        #expect(throws: DecodeError.self) { try fastHybrid([0x02, 0x08], width: 3, count: 1, as: UInt8.self) }
    }

    @Test("running out of runs throws")
    func exhausted() {
        #expect(throws: DecodeError.self) { try fastHybrid([0x02, 0x01], width: 1, count: 2) }
        #expect(throws: DecodeError.self) { try fastHybrid([], width: 1, count: 1) }
        #expect(throws: DecodeError.self) { try fastHybrid([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], width: 1, count: 1) }
    }

    @Test("every truncation throws or yields exactly the reference values", arguments: [1, 3, 8, 17, 32])
    func truncation(width: Int) throws {
        var rng = SeededGenerator(seed: 777 + UInt64(width))
        let size = 65
        let runs = Reference.randomRuns(count: size, width: width, using: &rng)
        let full = Reference.encodeHybrid(runs, width: width)
        let expected = Array(Reference.flatten(runs).prefix(size))
        var throwsCount = 0
        for cut in 0..<full.count {
            let bytes = Array(full.prefix(cut))
            let reference = Reference.decodeHybrid(bytes, width: width, count: size)
            let fast = try? fastHybrid(bytes, width: width, count: size, as: UInt64.self)
            #expect(
                fast.map { firstMismatch($0, reference ?? []) } ?? (reference == nil ? nil : "fast threw") == nil,
                "cut at \(cut) of \(full.count)")
            if let fast { #expect(firstMismatch(fast, expected) == nil) } else { throwsCount += 1 }
        }
        // Only cuts inside the padding of a final bit-packed group may succeed.
        #expect(throwsCount >= full.count - width)
    }

    @Test("a final bit-packed run cut inside its last group decodes the values present (GH-47981)")
    func truncatedFinalGroup() throws {
        // 25 values of 5 bits in a run declared as 4 groups (32 values), cut to 16 data bytes.
        var rng = SeededGenerator(seed: 47981)
        let values = (0..<32).map { _ in rng.bits(5) }
        let bytes = Array(Reference.encodeHybrid([.packed(values)], width: 5).prefix(17))
        #expect(try fastHybrid(bytes, width: 5, count: 25, as: UInt64.self) == Array(values.prefix(25)))
        #expect(throws: DecodeError.self) { try fastHybrid(bytes, width: 5, count: 26, as: UInt64.self) }
        // Missing more than the last group is corrupt even for few values.
        let shorter = Array(bytes.prefix(11))
        #expect(throws: DecodeError.self) { try fastHybrid(shorter, width: 5, count: 1, as: UInt64.self) }
    }

    @Test("length-prefixed sections and RLE booleans", arguments: encodingSizes)
    func lengthPrefixedBooleans(size: Int) throws {
        var rng = SeededGenerator(seed: 5 + UInt64(size))
        let runs = Reference.randomRuns(count: size, width: 1, using: &rng)
        let runBytes = Reference.encodeHybrid(runs, width: 1)
        let section = withUnsafeBytes(of: UInt32(runBytes.count).littleEndian, Array.init) + runBytes + [0xEE]
        let expected = Reference.flatten(runs).prefix(size).map { $0 == 1 }
        var output = [Bool](repeating: false, count: size)
        let consumed = try section.withUnsafeBytes { raw in
            let (runsBuffer, consumed) = try RLEBitPackedDecoder.lengthPrefixedRuns(raw)
            var decoder = try RLEBitPackedDecoder(runsBuffer, bitWidth: 1)
            try output.withUnsafeMutableBufferPointer { try decoder.decodeBooleans(count: size, into: $0.baseAddress!) }
            return consumed
        }
        #expect(consumed == 4 + runBytes.count)
        #expect(firstMismatch(output, expected) == nil)
        #expect(throws: DecodeError.self) {
            try withBytes(Array(section.prefix(3))) { try RLEBitPackedDecoder.lengthPrefixedRuns($0) }
        }
        #expect(throws: DecodeError.self) {
            try withBytes(Array(section.prefix(4 + runBytes.count - 1))) {
                try RLEBitPackedDecoder.lengthPrefixedRuns($0)
            }
        }
    }

    @Test("finishLengthPrefixed writes the section a v1 page needs")
    func lengthPrefixedEncoder() throws {
        var encoder = RLEBitPackedEncoder(bitWidth: 1)
        let values: [Bool] = (0..<100).map { $0 % 3 == 0 }
        let bits = values.map { UInt8($0 ? 1 : 0) }
        bits.withUnsafeBufferPointer { encoder.append(contentsOf: $0) }
        var section: ContiguousArray<UInt8> = [0xAA]
        encoder.finishLengthPrefixed(into: &section)
        var output = [Bool](repeating: false, count: 100)
        let consumed = try Array(section.dropFirst()).withUnsafeBytes { raw in
            let (runs, consumed) = try RLEBitPackedDecoder.lengthPrefixedRuns(raw)
            var decoder = try RLEBitPackedDecoder(runs, bitWidth: 1)
            try output.withUnsafeMutableBufferPointer { try decoder.decodeBooleans(count: 100, into: $0.baseAddress!) }
            return consumed
        }
        #expect(consumed == section.count - 1)
        #expect(output == values)
    }

    @Test("bitWidth(forMaxValue:)")
    func bitWidthForMaxValue() {
        #expect(bitWidth(forMaxValue: 0) == 0)
        #expect(bitWidth(forMaxValue: 1) == 1)
        #expect(bitWidth(forMaxValue: 7) == 3)
        #expect(bitWidth(forMaxValue: 8) == 4)
        #expect(bitWidth(forMaxValue: UInt64(UInt32.max)) == 32)
        #expect(bitWidth(forMaxValue: .max) == 64)
    }
}
