/// The type nibble of the Thrift compact protocol (parquet.md §2).
///
/// As the type of a *field*, ``boolTrue`` and ``boolFalse`` carry the value itself. As the
/// element type of a list or set, either one means "bool", one byte per element.
package enum ThriftType: UInt8, Sendable, Hashable {
    /// End of a struct (only in field headers).
    case stop = 0
    /// A bool field whose value is `true`; as an element type, any bool.
    case boolTrue = 1
    /// A bool field whose value is `false`; as an element type, any bool.
    case boolFalse = 2
    /// One raw byte.
    case i8 = 3
    /// Zigzag varint.
    case i16 = 4
    /// Zigzag varint.
    case i32 = 5
    /// Zigzag varint.
    case i64 = 6
    /// Eight bytes, little-endian IEEE 754.
    case double = 7
    /// Varint length, then bytes (also strings).
    case binary = 8
    /// Header with element type and size, then the elements.
    case list = 9
    /// Encoded like a list.
    case set = 10
    /// Varint size, key/value type byte, then the entries.
    case map = 11
    /// Fields, then a stop byte (also unions).
    case `struct` = 12

    /// Whether this is one of the two bool types.
    @inlinable package var isBool: Bool { self == .boolTrue || self == .boolFalse }
}
