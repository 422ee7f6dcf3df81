import Testing

@testable import LakeParquet

/// Runs `body` with a reader over `bytes`.
func withThriftReader<T>(
    _ bytes: [UInt8],
    _ body: (inout ThriftCompactReader) throws(DecodeError) -> T
) throws(DecodeError) -> T {
    try bytes.withUnsafeBufferPointer { (buffer) throws(DecodeError) -> T in
        var reader = ThriftCompactReader(UnsafeRawBufferPointer(buffer))
        return try body(&reader)
    }
}

/// Decodes a struct from bytes and checks that every byte was consumed.
func decodeExactly<T: ThriftStruct>(_ type: T.Type, _ bytes: some Collection<UInt8>) throws(DecodeError) -> T {
    try withThriftReader(Array(bytes)) { (reader) throws(DecodeError) -> T in
        let value = try T(from: &reader)
        guard reader.position == reader.bytes.count else {
            throw .corrupt("\(reader.bytes.count - reader.position) bytes left over")
        }
        return value
    }
}

@Suite("Thrift compact protocol")
struct ThriftCompactTests {
    /// Scalar reference: ULEB128, low 7-bit group first.
    static func referenceVarint(_ value: UInt64) -> [UInt8] {
        var groups: [UInt8] = []
        var rest = value
        repeat {
            groups.append(UInt8(rest % 128))
            rest /= 128
        } while rest > 0
        return groups.enumerated().map { index, group in index < groups.count - 1 ? group + 128 : group }
    }

    static let varintValues: [UInt64] = [
        0, 1, 63, 64, 65, 127, 128, 300, 2048, 2049, 16383, 16384, 1 << 21 - 1, 1 << 21, 1 << 28, 1 << 35,
        1 << 42, 1 << 49, 1 << 56, 1 << 63 - 1, 1 << 63, UInt64.max - 1, UInt64.max,
    ]

    @Test("varints match a scalar reference and round-trip", arguments: varintValues)
    func varintRoundTrip(value: UInt64) throws {
        var writer = ThriftCompactWriter()
        writer.writeVarint(value)
        #expect(Array(writer.bytes) == Self.referenceVarint(value))
        #expect(writer.bytes.count == max(1, (64 - value.leadingZeroBitCount + 6) / 7))
        let decoded = try withThriftReader(Array(writer.bytes)) { (reader) throws(DecodeError) in
            try reader.readVarint()
        }
        #expect(decoded == value)
    }

    @Test("known varint encodings")
    func knownVarints() {
        #expect(Self.referenceVarint(300) == [0xAC, 0x02])
        #expect(Self.referenceVarint(UInt64.max) == Array(repeating: 0xFF, count: 9) + [0x01])
    }

    static let zigzagValues: [(Int64, UInt64)] = [
        (0, 0), (-1, 1), (1, 2), (-2, 3), (2, 4), (-64, 127), (64, 128),
        (Int64(Int32.max), 4_294_967_294), (Int64(Int32.min), 4_294_967_295),
        (Int64.max, UInt64.max - 1), (Int64.min, UInt64.max),
    ]

    @Test("zigzag maps signed to unsigned and back", arguments: zigzagValues)
    func zigzag(value: Int64, mapped: UInt64) throws {
        var writer = ThriftCompactWriter()
        writer.writeZigzag(value)
        #expect(Array(writer.bytes) == Self.referenceVarint(mapped))
        let decoded = try withThriftReader(Array(writer.bytes)) { (reader) throws(DecodeError) in
            try reader.readI64()
        }
        #expect(decoded == value)
    }

    @Test("i16 and i32 reject values outside their range")
    func narrowRanges() throws {
        func encoded(_ value: Int64) -> [UInt8] {
            var writer = ThriftCompactWriter()
            writer.writeZigzag(value)
            return Array(writer.bytes)
        }
        for value in [Int64(Int32.min), -1, 0, Int64(Int32.max)] {
            #expect(try withThriftReader(encoded(value)) { (r) throws(DecodeError) in try r.readI32() } == Int32(value))
        }
        for value in [Int64(Int32.min) - 1, Int64(Int32.max) + 1, Int64.max, Int64.min] {
            #expect(throws: DecodeError.self) {
                try withThriftReader(encoded(value)) { (r) throws(DecodeError) in try r.readI32() }
            }
        }
        for value in [Int64(Int16.min), Int64(Int16.max)] {
            #expect(try withThriftReader(encoded(value)) { (r) throws(DecodeError) in try r.readI16() } == Int16(value))
        }
        for value in [Int64(Int16.min) - 1, Int64(Int16.max) + 1] {
            #expect(throws: DecodeError.self) {
                try withThriftReader(encoded(value)) { (r) throws(DecodeError) in try r.readI16() }
            }
        }
    }

    @Test("varints longer than 10 bytes, above 64 bits or truncated are corrupt")
    func badVarints() throws {
        let tenBytesTop = Array(repeating: UInt8(0x80), count: 9) + [0x01]
        #expect(try withThriftReader(tenBytesTop) { (r) throws(DecodeError) in try r.readVarint() } == 1 << 63)
        let cases: [[UInt8]] = [
            Array(repeating: 0x80, count: 10) + [0x00],  // 11 bytes
            Array(repeating: 0xFF, count: 9) + [0x02],  // bit 64
            Array(repeating: 0xFF, count: 12),
            [0x80], [],
        ]
        for bytes in cases {
            #expect(throws: DecodeError.self, "\(bytes)") {
                try withThriftReader(bytes) { (r) throws(DecodeError) in try r.readVarint() }
            }
        }
        #expect(throws: DecodeError.corrupt("varint longer than 10 bytes or above 64 bits at byte 0")) {
            try withThriftReader(Array(repeating: 0x80, count: 11)) { (r) throws(DecodeError) in try r.readVarint() }
        }
    }

    @Test("doubles are 8 bytes little-endian")
    func doubles() throws {
        for value in [0.0, -0.0, 1.5, -2.25e300, Double.infinity, Double.leastNonzeroMagnitude] {
            var writer = ThriftCompactWriter()
            writer.writeDouble(value)
            #expect(Array(writer.bytes) == (0..<8).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) })
            let decoded = try withThriftReader(Array(writer.bytes)) { (r) throws(DecodeError) in try r.readDouble() }
            #expect(decoded.bitPattern == value.bitPattern)
        }
        #expect(throws: DecodeError.self) {
            try withThriftReader([0, 0, 0, 0, 0, 0, 0]) { (r) throws(DecodeError) in try r.readDouble() }
        }
    }

    @Test("field headers: short form, long form, any order, per-struct deltas")
    func fieldHeaders() throws {
        var writer = ThriftCompactWriter()
        let outer = writer.beginStruct()
        writer.writeField(1, i32: 7)  // short: delta 1
        writer.writeFieldHeader(2, .struct)  // short: delta 1
        let inner = writer.beginStruct()
        writer.writeField(1, i32: 8)  // deltas restart inside the struct
        writer.writeField(16, i32: 9)  // delta 15: still short
        writer.writeField(40, i32: 10)  // delta 24: long form
        writer.endStruct(inner)
        writer.writeField(3, i32: 11)  // delta 1 from the outer struct's 2
        writer.writeField(1, i32: 12)  // decreasing: long form
        writer.writeField(-5, i32: 13)  // negative: long form
        writer.endStruct(outer)
        #expect(
            Array(writer.bytes) == [
                0x15, 0x0E, 0x1C, 0x15, 0x10, 0xF5, 0x12, 0x05, 0x50, 0x14, 0x00, 0x15, 0x16, 0x05, 0x02, 0x18,
                0x05, 0x09, 0x1A, 0x00,
            ]
        )
        let fields = try withThriftReader(Array(writer.bytes)) { (reader) throws(DecodeError) -> [(Int16, Int32)] in
            var fields: [(Int16, Int32)] = []
            let frame = try reader.beginStruct()
            while let field = try reader.readFieldHeader() {
                if field.type == .struct {
                    let innerFrame = try reader.beginStruct()
                    while let innerField = try reader.readFieldHeader() {
                        fields.append((100 + innerField.id, try reader.readI32()))
                    }
                    reader.endStruct(innerFrame)
                } else {
                    fields.append((field.id, try reader.readI32()))
                }
            }
            reader.endStruct(frame)
            #expect(reader.position == reader.bytes.count)
            return fields
        }
        #expect(fields.map(\.0) == [1, 101, 116, 140, 3, 1, -5])
        #expect(fields.map(\.1) == [7, 8, 9, 10, 11, 12, 13])
    }

    @Test("field headers with an unknown type nibble are corrupt")
    func unknownTypeNibble() {
        for byte: UInt8 in [0x1D, 0x1E, 0x1F, 0x10] {
            #expect(throws: DecodeError.self) {
                try decodeExactly(Statistics.self, [byte, 0x00])
            }
        }
    }

    /// A KeyValue whose key and value surround one unknown field of every type.
    static func keyValueWithUnknownFields() -> ContiguousArray<UInt8> {
        var writer = ThriftCompactWriter()
        let frame = writer.beginStruct()
        writer.writeField(1, string: "k")
        writer.writeField(3, bool: true)
        writer.writeField(4, bool: false)
        writer.writeField(5, i8: -3)
        writer.writeField(6, i16: -300)
        writer.writeField(7, i32: 1 << 30)
        writer.writeField(8, i64: Int64.min)
        writer.writeField(9, double: 3.5)
        writer.writeField(10, binary: [1, 2, 3])
        writer.writeField(11, i32List: Array(0..<20))
        writer.writeFieldHeader(12, .set)
        writer.writeListHeader(.binary, count: 2)
        writer.writeBinary([9])
        writer.writeBinary([])
        writer.writeFieldHeader(13, .map)
        writer.writeVarint(2)
        writer.bytes.append(0x5C)  // i32 keys, struct values
        for key: Int64 in [1, 2] {
            writer.writeZigzag(key)
            let entry = writer.beginStruct()
            writer.writeField(1, string: "entry")
            writer.endStruct(entry)
        }
        writer.writeFieldHeader(14, .map)
        writer.writeVarint(0)  // empty map: no type byte
        writer.writeFieldHeader(15, .struct)
        let nested = writer.beginStruct()
        writer.writeField(1, boolList: [true, false, true])
        writer.writeFieldHeader(2, .struct)
        let deeper = writer.beginStruct()
        writer.writeField(7, double: -1)
        writer.endStruct(deeper)
        writer.endStruct(nested)
        writer.writeFieldHeader(16, .list)
        writer.writeListHeader(.double, count: 2)
        writer.writeDouble(1)
        writer.writeDouble(2)
        writer.writeFieldHeader(17, .list)
        writer.writeListHeader(.list, count: 2)
        writer.writeListHeader(.i64, count: 1)
        writer.writeZigzag(5)
        writer.writeListHeader(.i64, count: 0)
        writer.writeField(200, i8: 1)  // far id: long form
        writer.writeField(2, string: "v")  // back to a known field: long form
        writer.endStruct(frame)
        return writer.bytes
    }

    @Test("unknown fields of every type are skipped")
    func skipsEveryType() throws {
        let keyValue = try decodeExactly(KeyValue.self, Self.keyValueWithUnknownFields())
        #expect(keyValue == KeyValue(key: "k", value: "v"))
    }

    @Test("a known field with an unexpected type is skipped like an unknown one")
    func typeMismatchIsSkipped() throws {
        var writer = ThriftCompactWriter()
        let frame = writer.beginStruct()
        writer.writeField(1, string: "k")
        writer.writeField(2, i32: 5)  // value should be a string
        writer.endStruct(frame)
        #expect(try decodeExactly(KeyValue.self, writer.bytes) == KeyValue(key: "k", value: nil))
    }

    @Test("every truncation of a struct with every type throws")
    func truncationsThrow() {
        let bytes = Self.keyValueWithUnknownFields()
        for length in 0..<bytes.count {
            #expect(throws: DecodeError.self, "length \(length)") {
                try decodeExactly(KeyValue.self, bytes.prefix(length))
            }
        }
    }

    @Test("bools in lists: element type 1 or 2, byte 1 is true")
    func boolLists() throws {
        var writer = ThriftCompactWriter()
        writer.writeField(1, boolList: [true, false, false, true])
        // Element type 1 and values 1/2, as parquet-java, Arrow C++, arrow-rs and polars write.
        #expect(Array(writer.bytes) == [0x19, 0x41, 0x01, 0x02, 0x02, 0x01])
        for elementType: UInt8 in [1, 2] {
            // Byte 0 (the Thrift spec's false) reads as false too.
            let bytes: [UInt8] = [0x40 | elementType, 0x01, 0x02, 0x00, 0x01]
            let values = try withThriftReader(bytes) { (r) throws(DecodeError) in try r.readBoolList() }
            #expect(values == [true, false, false, true])
        }
        #expect(throws: DecodeError.self) {
            try withThriftReader([0x45, 1, 2, 3, 4]) { (r) throws(DecodeError) in try r.readBoolList() }
        }
    }

    @Test("lengths and counts are checked against the remaining bytes before allocating")
    func hugeLengths() {
        // Binary of length 2^40 with 2 bytes left.
        #expect(throws: DecodeError.self) {
            try withThriftReader([0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 1, 2]) { (r) throws(DecodeError) in
                try r.readBinary()
            }
        }
        // A list of 2^40 i32 elements.
        #expect(throws: DecodeError.self) {
            try withThriftReader([0xF5, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0]) { (r) throws(DecodeError) in
                try r.readI32List()
            }
        }
        // 2 doubles need 16 bytes.
        #expect(throws: DecodeError.self) {
            try withThriftReader([0x27] + Array(repeating: 0, count: 15)) { (r) throws(DecodeError) in
                try r.skip(.list)
            }
        }
        // A map of 1000 entries in 3 bytes.
        #expect(throws: DecodeError.self) {
            try withThriftReader([0xE8, 0x07, 0x55]) { (r) throws(DecodeError) in try r.skip(.map) }
        }
        // Messages say where.
        #expect(throws: DecodeError.corrupt("binary length 100 exceeds the 1 remaining bytes at byte 0")) {
            try withThriftReader([100, 1]) { (r) throws(DecodeError) in try r.readBinary() }
        }
    }

    /// `depth` nested struct fields (field 1 of type struct), then the stop bytes.
    static func nestedStructs(_ depth: Int) -> [UInt8] {
        Array(repeating: 0x1C, count: depth) + Array(repeating: 0x00, count: depth + 1)
    }

    @Test("nesting is capped at 64 levels", arguments: [1, 30, 62, 63, 64, 65, 100, 5000])
    func nestingCap(depth: Int) {
        // Statistics field 1 is binary, so the struct is an unknown-typed field: skipped recursively.
        // The outer Statistics struct is one level itself.
        if depth + 1 <= ThriftCompactReader.maxDepth {
            #expect((try? decodeExactly(Statistics.self, Self.nestedStructs(depth))) == Statistics())
        } else {
            #expect(throws: DecodeError.self) { try decodeExactly(Statistics.self, Self.nestedStructs(depth)) }
        }
        // Lists of lists: field 1 is a list whose single element is a list, and so on.
        let lists: [UInt8] = [0x19] + Array(repeating: 0x19, count: depth) + [0x05, 0x00]
        if depth + 2 <= ThriftCompactReader.maxDepth {
            #expect((try? decodeExactly(Statistics.self, lists)) == Statistics())
        } else {
            #expect(throws: DecodeError.self) { try decodeExactly(Statistics.self, lists) }
        }
    }

    @Test("opaque values are captured and written back verbatim")
    func opaqueRoundTrip() throws {
        var metadata = ColumnChunk(metaData: nil)
        metadata.cryptoMetadata = [0x2C, 0x19, 0x18, 0x01, 0x61, 0x00, 0x00]  // {2: {1: ["a"]}}
        let decoded = try decodeExactly(ColumnChunk.self, metadata.thriftBytes())
        #expect(decoded == metadata)
    }
}
