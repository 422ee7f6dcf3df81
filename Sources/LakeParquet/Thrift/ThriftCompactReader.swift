/// A cursor that decodes the Thrift compact protocol from a borrowed byte buffer (parquet.md §2).
///
/// Used for the footer, page headers and the page index, so it is a plain struct over an
/// `UnsafeRawBufferPointer` that allocates nothing except the values it returns. The caller owns
/// the memory and keeps it alive while the reader is in use, typically inside
/// `withUnsafeBufferPointer`.
///
/// Structs are read as:
/// ```swift
/// let frame = try reader.beginStruct()
/// while let field = try reader.readFieldHeader() {
///     switch field.id {
///     case 1 where field.type == .i32: numValues = try reader.readI32()
///     default: try reader.skip(field.type)
///     }
/// }
/// reader.endStruct(frame)
/// ```
/// ``beginStruct()`` saves the previous field id (field-id deltas restart in every struct) on the
/// caller's stack and enforces the nesting cap; ``endStruct(_:)`` restores it.
///
/// Every defect throws ``DecodeError/corrupt(_:)`` with a message ending in `at byte N`, where
/// `N` is ``baseOffset`` plus the position in the buffer. Lengths and counts are checked against
/// the remaining bytes before anything is allocated.
package struct ThriftCompactReader {
    /// The deepest nesting of structs and collections accepted (Parquet needs about 6).
    package static let maxDepth = 64

    /// The bytes being decoded.
    package let bytes: UnsafeRawBufferPointer
    /// The index of the next unread byte in ``bytes``.
    package var position: Int
    /// Added to positions in error messages, e.g. the file offset of ``bytes``.
    package let baseOffset: Int
    private var lastFieldID: Int16 = 0
    private var depth = 0

    /// A field header: the field id and the type of its value.
    package struct FieldHeader: Sendable, Hashable {
        /// The field id from the schema (parquet.thrift).
        package var id: Int16
        /// The value's type; for bools the value itself (``ThriftType/boolTrue`` or ``ThriftType/boolFalse``).
        package var type: ThriftType
        /// The value of a bool field (`type == .boolTrue`).
        package var boolValue: Bool { type == .boolTrue }
    }

    /// What ``endStruct(_:)`` needs to restore the enclosing struct's state.
    package struct StructFrame {
        fileprivate let savedLastFieldID: Int16
    }

    /// The header of a list or set: element type and element count.
    package struct CollectionHeader: Sendable, Hashable {
        /// The type of every element.
        package var elementType: ThriftType
        /// The number of elements (checked to fit in the remaining bytes).
        package var count: Int
    }

    /// Creates a reader at the start of `bytes`.
    ///
    /// - Parameter baseOffset: added to positions in error messages (e.g. the file offset).
    package init(_ bytes: UnsafeRawBufferPointer, baseOffset: Int = 0) {
        self.bytes = bytes
        self.position = 0
        self.baseOffset = baseOffset
    }

    /// The number of bytes not yet read.
    package var remaining: Int { bytes.count &- position }

    /// A ``DecodeError/corrupt(_:)`` whose message says what and where.
    package func corrupt(_ what: String, at index: Int? = nil) -> DecodeError {
        .corrupt("\(what) at byte \(baseOffset + (index ?? position))")
    }

    // MARK: - Structs and fields

    /// Enters a struct: saves the field-id state and checks the nesting cap.
    ///
    /// - Throws: ``DecodeError/corrupt(_:)`` when structs nest deeper than ``maxDepth``.
    package mutating func beginStruct() throws(DecodeError) -> StructFrame {
        try enter()
        let frame = StructFrame(savedLastFieldID: lastFieldID)
        lastFieldID = 0
        return frame
    }

    /// Leaves a struct after ``readFieldHeader()`` returned `nil` (the stop byte).
    package mutating func endStruct(_ frame: StructFrame) {
        lastFieldID = frame.savedLastFieldID
        depth &-= 1
    }

    /// Reads the next field header, or `nil` at the struct's stop byte.
    ///
    /// Accepts the short form (id delta 1...15 in the high nibble) and the long form (delta 0,
    /// then the id as a zigzag i16), in any id order.
    package mutating func readFieldHeader() throws(DecodeError) -> FieldHeader? {
        let start = position
        let byte = try readByte()
        if byte == 0 { return nil }
        guard let type = ThriftType(rawValue: byte & 0x0F), type != .stop else {
            throw corrupt("unknown Thrift compact type \(byte & 0x0F) in field header", at: start)
        }
        let delta = byte >> 4
        let id: Int16
        if delta != 0 {
            let next = Int(lastFieldID) + Int(delta)
            guard next <= Int(Int16.max) else { throw corrupt("field id \(next) overflows i16", at: start) }
            id = Int16(next)
        } else {
            id = try readI16()
        }
        lastFieldID = id
        return FieldHeader(id: id, type: type)
    }

    // MARK: - Scalars

    /// Reads one raw byte.
    @inline(__always)
    package mutating func readByte() throws(DecodeError) -> UInt8 {
        guard position < bytes.count else { throw corrupt("truncated Thrift data: expected 1 more byte") }
        let byte = bytes[position]
        position &+= 1
        return byte
    }

    /// Reads an unsigned LEB128 varint of at most 10 bytes whose value fits in 64 bits.
    package mutating func readVarint() throws(DecodeError) -> UInt64 {
        let start = position
        var index = position
        let end = bytes.count
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < end {
            let byte = bytes[index]
            index &+= 1
            if shift == 63 && byte > 1 {
                throw corrupt("varint longer than 10 bytes or above 64 bits", at: start)
            }
            result |= UInt64(byte & 0x7F) &<< shift
            if byte & 0x80 == 0 {
                position = index
                return result
            }
            shift &+= 7
        }
        throw corrupt("truncated varint", at: start)
    }

    /// Reads a zigzag varint as a signed 64-bit value.
    @inline(__always)
    package mutating func readZigzag() throws(DecodeError) -> Int64 {
        let value = try readVarint()
        return Int64(bitPattern: (value &>> 1) ^ (0 &- (value & 1)))
    }

    /// Reads an `i8`: one raw byte.
    package mutating func readI8() throws(DecodeError) -> Int8 {
        Int8(bitPattern: try readByte())
    }

    /// Reads an `i16` (zigzag varint); values outside `Int16` are corrupt.
    package mutating func readI16() throws(DecodeError) -> Int16 {
        let start = position
        let value = try readZigzag()
        guard let narrow = Int16(exactly: value) else { throw corrupt("i16 value \(value) out of range", at: start) }
        return narrow
    }

    /// Reads an `i32` (zigzag varint, also enums); values outside `Int32` are corrupt.
    package mutating func readI32() throws(DecodeError) -> Int32 {
        let start = position
        let value = try readZigzag()
        guard let narrow = Int32(exactly: value) else { throw corrupt("i32 value \(value) out of range", at: start) }
        return narrow
    }

    /// Reads an `i64` (zigzag varint).
    package mutating func readI64() throws(DecodeError) -> Int64 {
        try readZigzag()
    }

    /// Reads a `double`: 8 bytes, little-endian.
    package mutating func readDouble() throws(DecodeError) -> Double {
        guard remaining >= 8 else { throw corrupt("truncated double: \(remaining) of 8 bytes left") }
        let bits = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position &+= 8
        return Double(bitPattern: UInt64(littleEndian: bits))
    }

    /// Reads a bool *element* of a list or set: one byte, `1` is true and anything else false.
    ///
    /// (Bool *fields* carry their value in the field header: ``FieldHeader/boolValue``.)
    package mutating func readBoolElement() throws(DecodeError) -> Bool {
        try readByte() == 1
    }

    /// Reads the length of a binary or string and returns the range of its bytes in ``bytes``,
    /// without copying.
    package mutating func readBinaryRange() throws(DecodeError) -> Range<Int> {
        let start = position
        let length = try readVarint()
        guard length <= UInt64(remaining) else {
            throw corrupt("binary length \(length) exceeds the \(remaining) remaining bytes", at: start)
        }
        let range = position..<(position &+ Int(length))
        position = range.upperBound
        return range
    }

    /// Reads a binary value (varint length, then the bytes).
    package mutating func readBinary() throws(DecodeError) -> [UInt8] {
        let range = try readBinaryRange()
        return [UInt8](UnsafeRawBufferPointer(rebasing: bytes[range]))
    }

    /// Reads a string; invalid UTF-8 is repaired with U+FFFD rather than rejected.
    package mutating func readString() throws(DecodeError) -> String {
        let range = try readBinaryRange()
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    // MARK: - Collections

    /// Reads a list or set header; the count is checked against the remaining bytes.
    package mutating func readListHeader() throws(DecodeError) -> CollectionHeader {
        let start = position
        let byte = try readByte()
        guard let elementType = ThriftType(rawValue: byte & 0x0F) else {
            throw corrupt("unknown Thrift compact element type \(byte & 0x0F) in list header", at: start)
        }
        var count = UInt64(byte >> 4)
        if count == 15 { count = try readVarint() }
        let minimumElementSize: UInt64 = elementType == .double ? 8 : 1
        guard count <= UInt64(remaining) / minimumElementSize else {
            throw corrupt("list of \(count) elements cannot fit in the \(remaining) remaining bytes", at: start)
        }
        guard elementType != .stop || count == 0 else {
            throw corrupt("list of \(count) elements has element type 0", at: start)
        }
        return CollectionHeader(elementType: elementType, count: Int(count))
    }

    /// Reads a list header and checks that the elements have the expected type (any bool type
    /// matches a bool; empty lists match anything).
    package mutating func readListHeader(
        expecting expected: ThriftType,
        in context: String
    ) throws(DecodeError) -> Int {
        let start = position
        let header = try readListHeader()
        let matches =
            header.elementType == expected || (expected.isBool && header.elementType.isBool) || header.count == 0
        guard matches else {
            throw corrupt(
                "\(context): expected a list of \(expected), found elements of \(header.elementType)", at: start)
        }
        return header.count
    }

    /// Reads a map header: entry count, key type and value type.
    package mutating func readMapHeader() throws(DecodeError) -> (
        keyType: ThriftType, valueType: ThriftType, count: Int
    ) {
        let start = position
        let count = try readVarint()
        if count == 0 { return (.stop, .stop, 0) }
        let types = try readByte()
        guard let keyType = ThriftType(rawValue: types >> 4), let valueType = ThriftType(rawValue: types & 0x0F),
            keyType != .stop, valueType != .stop
        else {
            throw corrupt("unknown Thrift compact types in map header byte \(types)", at: start)
        }
        guard count <= UInt64(remaining) / 2 else {
            throw corrupt("map of \(count) entries cannot fit in the \(remaining) remaining bytes", at: start)
        }
        return (keyType, valueType, Int(count))
    }

    /// Reads a list of structs.
    package mutating func readList<Element: ThriftStruct>(of _: Element.Type) throws(DecodeError) -> [Element] {
        let count = try readListHeader(expecting: .struct, in: "list<\(Element.self)>")
        var result: [Element] = []
        // An encoded struct may be 1 byte while the decoded one is ~100: reserve a bounded amount
        // so a forged count cannot make the reservation far larger than the input.
        result.reserveCapacity(min(count, 1024))
        for _ in 0..<count { result.append(try Element(from: &self)) }
        return result
    }

    /// Reads a list of `i32` values (also lists of enums).
    package mutating func readI32List() throws(DecodeError) -> [Int32] {
        let count = try readListHeader(expecting: .i32, in: "list<i32>")
        var result: [Int32] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try readI32()) }
        return result
    }

    /// Reads a list of `i64` values.
    package mutating func readI64List() throws(DecodeError) -> [Int64] {
        let count = try readListHeader(expecting: .i64, in: "list<i64>")
        var result: [Int64] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try readI64()) }
        return result
    }

    /// Reads a list of binary values.
    package mutating func readBinaryList() throws(DecodeError) -> [[UInt8]] {
        let count = try readListHeader(expecting: .binary, in: "list<binary>")
        var result: [[UInt8]] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try readBinary()) }
        return result
    }

    /// Reads a list of strings.
    package mutating func readStringList() throws(DecodeError) -> [String] {
        let count = try readListHeader(expecting: .binary, in: "list<string>")
        var result: [String] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try readString()) }
        return result
    }

    /// Reads a list of bools (one byte each; element type 1 or 2).
    package mutating func readBoolList() throws(DecodeError) -> [Bool] {
        let count = try readListHeader(expecting: .boolTrue, in: "list<bool>")
        var result: [Bool] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try readBoolElement()) }
        return result
    }

    // MARK: - Skipping

    /// Skips the value of a field of type `type` (an unknown or unwanted field).
    ///
    /// Recurses into structs and collections up to ``maxDepth`` levels.
    package mutating func skip(_ type: ThriftType) throws(DecodeError) {
        try skipValue(type, isElement: false)
    }

    /// Skips the value of a field and returns its raw bytes, so it can be written back verbatim
    /// (used for structs this package keeps but does not interpret, e.g. encryption metadata).
    package mutating func readOpaque(_ type: ThriftType) throws(DecodeError) -> [UInt8] {
        let start = position
        try skip(type)
        return [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<position]))
    }

    private mutating func skipValue(_ type: ThriftType, isElement: Bool) throws(DecodeError) {
        switch type {
        case .stop:
            throw corrupt("cannot skip a value of type stop")
        case .boolTrue, .boolFalse:
            if isElement { _ = try readByte() }
        case .i8:
            _ = try readByte()
        case .i16, .i32, .i64:
            _ = try readVarint()
        case .double:
            _ = try readDouble()
        case .binary:
            _ = try readBinaryRange()
        case .list, .set:
            try enter()
            let header = try readListHeader()
            for _ in 0..<header.count { try skipValue(header.elementType, isElement: true) }
            depth &-= 1
        case .map:
            try enter()
            let header = try readMapHeader()
            for _ in 0..<header.count {
                try skipValue(header.keyType, isElement: true)
                try skipValue(header.valueType, isElement: true)
            }
            depth &-= 1
        case .struct:
            let frame = try beginStruct()
            while let field = try readFieldHeader() { try skipValue(field.type, isElement: false) }
            endStruct(frame)
        }
    }

    private mutating func enter() throws(DecodeError) {
        guard depth < Self.maxDepth else {
            throw corrupt("Thrift structures nested deeper than \(Self.maxDepth) levels")
        }
        depth &+= 1
    }
}
