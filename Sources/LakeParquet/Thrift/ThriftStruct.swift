/// A Parquet metadata struct that can be decoded from and encoded to the Thrift compact protocol.
///
/// Decoders skip unknown fields (forward compatibility), throw ``DecodeError/corrupt(_:)`` naming
/// the struct and field when a required field is missing, and reject negative sizes, counts and
/// offsets. Encoders write every field that is set, in ascending id order.
package protocol ThriftStruct: Sendable, Hashable {
    /// Decodes the struct at the reader's position, leaving the reader after its stop byte.
    init(from reader: inout ThriftCompactReader) throws(DecodeError)
    /// Encodes the struct (fields, then the stop byte).
    func write(to writer: inout ThriftCompactWriter)
}

extension ThriftStruct {
    /// Decodes one struct from the start of `bytes`; trailing bytes are ignored.
    ///
    /// - Parameter baseOffset: the file offset of `bytes`, for error messages.
    package init(thriftBytes bytes: ContiguousArray<UInt8>, baseOffset: Int = 0) throws(DecodeError) {
        self = try bytes.withUnsafeBufferPointer { (buffer) throws(DecodeError) -> Self in
            var reader = ThriftCompactReader(UnsafeRawBufferPointer(buffer), baseOffset: baseOffset)
            return try Self(from: &reader)
        }
    }

    /// The struct's compact-protocol encoding.
    package func thriftBytes() -> ContiguousArray<UInt8> {
        var writer = ThriftCompactWriter()
        write(to: &writer)
        return writer.bytes
    }
}

extension ThriftCompactReader {
    /// Returns `value`, or throws "`<field>` (required) is missing" when it is `nil`.
    ///
    /// - Parameter field: `Struct.field_name`, as in parquet.thrift.
    package func require<Value>(_ value: Value?, _ field: String) throws(DecodeError) -> Value {
        guard let value else { throw corrupt("required field \(field) is missing in the struct ending") }
        return value
    }

    /// Reads an `i32` that must not be negative (a size, count or offset).
    package mutating func readNonNegativeI32(_ field: String) throws(DecodeError) -> Int32 {
        let start = position
        let value = try readI32()
        guard value >= 0 else { throw corrupt("\(field) is negative (\(value))", at: start) }
        return value
    }

    /// Reads an `i64` that must not be negative (a size, count or offset).
    package mutating func readNonNegativeI64(_ field: String) throws(DecodeError) -> Int64 {
        let start = position
        let value = try readI64()
        guard value >= 0 else { throw corrupt("\(field) is negative (\(value))", at: start) }
        return value
    }

    /// Skips an empty struct (a union member such as `TimeUnit.MILLIS` or `ColumnOrder.TYPE_ORDER`),
    /// tolerating and ignoring any fields a newer writer put in it.
    package mutating func skipEmptyStruct() throws(DecodeError) {
        try skip(.struct)
    }
}
