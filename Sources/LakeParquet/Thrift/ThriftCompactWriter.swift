/// Encodes the Thrift compact protocol into a growing byte buffer (parquet.md §2).
///
/// Structs are written as:
/// ```swift
/// let frame = writer.beginStruct()
/// writer.writeField(1, i32: numValues)
/// writer.writeField(5, struct: statistics)      // optional fields: skip when nil
/// writer.endStruct(frame)                        // writes the stop byte
/// ```
/// Callers write fields in ascending id order, so the one-byte short header form applies; a
/// delta outside 1...15 falls back to the long form. Bools in lists are written the way every
/// surveyed writer does: element type 1, values 1 (true) and 2 (false).
package struct ThriftCompactWriter {
    /// The encoded bytes so far.
    package var bytes: ContiguousArray<UInt8>
    private var lastFieldID: Int16 = 0

    /// What ``endStruct(_:)`` needs to restore the enclosing struct's state.
    package struct StructFrame {
        fileprivate let savedLastFieldID: Int16
    }

    /// Creates an empty writer.
    package init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends to existing bytes (e.g. a buffer being reused).
    package init(appendingTo bytes: ContiguousArray<UInt8>) {
        self.bytes = bytes
    }

    // MARK: - Structs and fields

    /// Starts a struct: field-id deltas restart at 0.
    package mutating func beginStruct() -> StructFrame {
        let frame = StructFrame(savedLastFieldID: lastFieldID)
        lastFieldID = 0
        return frame
    }

    /// Ends a struct: writes the stop byte and restores the enclosing struct's state.
    package mutating func endStruct(_ frame: StructFrame) {
        bytes.append(0)
        lastFieldID = frame.savedLastFieldID
    }

    /// Writes a field header (short form when the id delta is 1...15, else long form).
    package mutating func writeFieldHeader(_ id: Int16, _ type: ThriftType) {
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeZigzag(Int64(id))
        }
        lastFieldID = id
    }

    // MARK: - Scalars

    /// Appends an unsigned LEB128 varint.
    package mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value &>>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends a zigzag varint.
    package mutating func writeZigzag(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value &<< 1) ^ (value >> 63)))
    }

    /// Appends a binary value: varint length, then the bytes.
    package mutating func writeBinary(_ value: some Collection<UInt8>) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Appends a double: 8 bytes little-endian.
    package mutating func writeDouble(_ value: Double) {
        let bits = value.bitPattern.littleEndian
        withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
    }

    /// Appends a list or set header.
    package mutating func writeListHeader(_ elementType: ThriftType, count: Int) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            writeVarint(UInt64(count))
        }
    }

    // MARK: - Fields

    /// Writes a bool field (the value is the header's type nibble).
    package mutating func writeField(_ id: Int16, bool value: Bool) {
        writeFieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    /// Writes an `i8` field.
    package mutating func writeField(_ id: Int16, i8 value: Int8) {
        writeFieldHeader(id, .i8)
        bytes.append(UInt8(bitPattern: value))
    }

    /// Writes an `i16` field.
    package mutating func writeField(_ id: Int16, i16 value: Int16) {
        writeFieldHeader(id, .i16)
        writeZigzag(Int64(value))
    }

    /// Writes an `i32` field (also enums).
    package mutating func writeField(_ id: Int16, i32 value: Int32) {
        writeFieldHeader(id, .i32)
        writeZigzag(Int64(value))
    }

    /// Writes an `i64` field.
    package mutating func writeField(_ id: Int16, i64 value: Int64) {
        writeFieldHeader(id, .i64)
        writeZigzag(value)
    }

    /// Writes a `double` field.
    package mutating func writeField(_ id: Int16, double value: Double) {
        writeFieldHeader(id, .double)
        writeDouble(value)
    }

    /// Writes a binary field.
    package mutating func writeField(_ id: Int16, binary value: some Collection<UInt8>) {
        writeFieldHeader(id, .binary)
        writeBinary(value)
    }

    /// Writes a string field (UTF-8).
    package mutating func writeField(_ id: Int16, string value: String) {
        writeFieldHeader(id, .binary)
        writeBinary(value.utf8)
    }

    /// Writes a struct field.
    package mutating func writeField(_ id: Int16, struct value: some ThriftStruct) {
        writeFieldHeader(id, .struct)
        value.write(to: &self)
    }

    /// Writes an empty struct field (the members of unions such as `TimeUnit`).
    package mutating func writeEmptyStructField(_ id: Int16) {
        writeFieldHeader(id, .struct)
        bytes.append(0)
    }

    /// Writes a field whose value was captured verbatim by ``ThriftCompactReader/readOpaque(_:)``.
    package mutating func writeOpaqueField(_ id: Int16, _ type: ThriftType, raw: [UInt8]) {
        writeFieldHeader(id, type)
        bytes.append(contentsOf: raw)
    }

    /// Writes a list-of-structs field.
    package mutating func writeField<Element: ThriftStruct>(_ id: Int16, list: [Element]) {
        writeFieldHeader(id, .list)
        writeListHeader(.struct, count: list.count)
        for element in list { element.write(to: &self) }
    }

    /// Writes a list-of-i32 field (also lists of enums).
    package mutating func writeField(_ id: Int16, i32List list: [Int32]) {
        writeFieldHeader(id, .list)
        writeListHeader(.i32, count: list.count)
        for element in list { writeZigzag(Int64(element)) }
    }

    /// Writes a list-of-i64 field.
    package mutating func writeField(_ id: Int16, i64List list: [Int64]) {
        writeFieldHeader(id, .list)
        writeListHeader(.i64, count: list.count)
        for element in list { writeZigzag(element) }
    }

    /// Writes a list-of-binary field.
    package mutating func writeField(_ id: Int16, binaryList list: [[UInt8]]) {
        writeFieldHeader(id, .list)
        writeListHeader(.binary, count: list.count)
        for element in list { writeBinary(element) }
    }

    /// Writes a list-of-string field.
    package mutating func writeField(_ id: Int16, stringList list: [String]) {
        writeFieldHeader(id, .list)
        writeListHeader(.binary, count: list.count)
        for element in list { writeBinary(element.utf8) }
    }

    /// Writes a list-of-bool field: element type 1, one byte per element, 1 = true, 2 = false.
    package mutating func writeField(_ id: Int16, boolList list: [Bool]) {
        writeFieldHeader(id, .list)
        writeListHeader(.boolTrue, count: list.count)
        for element in list { bytes.append(element ? 1 : 2) }
    }
}
