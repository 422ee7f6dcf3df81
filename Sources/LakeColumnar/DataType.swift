/// The logical type of a column, as tables, queries and files see it.
///
/// Each type has exactly one in-memory representation (see ``Column``): integers, floats,
/// decimals, dates and timestamps are fixed-width values; strings and binaries are offsets plus
/// bytes; structs, lists and maps hold child columns. SPEC.md §3 lists how each maps to Parquet
/// and Delta types.
public indirect enum DataType: Sendable, Hashable {
    /// `true` or `false`.
    case boolean
    /// Signed 8-bit integer (Delta `byte`).
    case int8
    /// Signed 16-bit integer (Delta `short`).
    case int16
    /// Signed 32-bit integer (Delta `integer`).
    case int32
    /// Signed 64-bit integer (Delta `long`).
    case int64
    /// IEEE 754 single precision (Delta `float`).
    case float32
    /// IEEE 754 double precision (Delta `double`).
    case float64
    /// Exact decimal with `precision` digits, `scale` of them after the point; 1 ≤ precision ≤ 38.
    ///
    /// Stored as a scaled integer: `Int64` for precision ≤ 18, `Int128` above.
    case decimal(precision: Int, scale: Int)
    /// UTF-8 text.
    case string
    /// Raw bytes.
    case binary
    /// A calendar date, stored as days since 1970-01-01 (may be negative).
    case date
    /// An instant, stored as microseconds since 1970-01-01T00:00:00Z (Delta `timestamp`).
    case timestamp
    /// A wall-clock date and time without a zone, stored as microseconds (Delta `timestamp_ntz`).
    case timestampNTZ
    /// A time of day, stored as microseconds since midnight.
    case time
    /// A record of named fields.
    case `struct`([Field])
    /// A variable-length list of elements.
    case list(Field)
    /// Key-value entries; keys are never null.
    case map(key: Field, value: Field)

    /// The largest precision a ``decimal(precision:scale:)`` may have.
    public static let maxDecimalPrecision = 38
    /// The largest precision a decimal stored in `Int64` may have.
    public static let maxDecimal64Precision = 18

    /// Whether values of this type are stored as fixed-width values in a ``PrimitiveColumn``.
    public var isPrimitive: Bool {
        switch self {
        case .string, .binary, .struct, .list, .map: false
        default: true
        }
    }

    /// Whether this is a struct, list or map.
    public var isNested: Bool {
        switch self {
        case .struct, .list, .map: true
        default: false
        }
    }
}

extension DataType: CustomStringConvertible {
    /// The type in SQL spelling, e.g. `DECIMAL(10,2)` or `LIST<INT64>`.
    public var description: String {
        switch self {
        case .boolean: "BOOLEAN"
        case .int8: "INT8"
        case .int16: "INT16"
        case .int32: "INT32"
        case .int64: "INT64"
        case .float32: "FLOAT"
        case .float64: "DOUBLE"
        case .decimal(let precision, let scale): "DECIMAL(\(precision),\(scale))"
        case .string: "STRING"
        case .binary: "BINARY"
        case .date: "DATE"
        case .timestamp: "TIMESTAMP"
        case .timestampNTZ: "TIMESTAMP_NTZ"
        case .time: "TIME"
        case .struct(let fields):
            "STRUCT<" + fields.map { "\($0.name): \($0.type)" }.joined(separator: ", ") + ">"
        case .list(let element): "LIST<\(element.type)>"
        case .map(let key, let value): "MAP<\(key.type), \(value.type)>"
        }
    }
}
