/// A column of any supported type: its values and its nulls.
///
/// Each ``DataType`` has exactly one case. Kernels switch once per batch and then call a generic
/// function specialized for the storage type; they never switch per row (STYLE.md rule 6).
public enum Column: Sendable, Equatable {
    case boolean(PrimitiveColumn<Bool>)
    case int8(PrimitiveColumn<Int8>)
    case int16(PrimitiveColumn<Int16>)
    case int32(PrimitiveColumn<Int32>)
    case int64(PrimitiveColumn<Int64>)
    case float32(PrimitiveColumn<Float>)
    case float64(PrimitiveColumn<Double>)
    /// A decimal of precision ≤ 18, as unscaled `Int64` values.
    case decimal64(PrimitiveColumn<Int64>, precision: Int, scale: Int)
    /// A decimal of precision 19…38, as unscaled `Int128` values.
    case decimal128(PrimitiveColumn<Int128>, precision: Int, scale: Int)
    /// Days since 1970-01-01.
    case date(PrimitiveColumn<Int32>)
    /// Microseconds since the epoch, UTC.
    case timestamp(PrimitiveColumn<Int64>)
    /// Microseconds since the epoch, wall clock without a zone.
    case timestampNTZ(PrimitiveColumn<Int64>)
    /// Microseconds since midnight.
    case time(PrimitiveColumn<Int64>)
    case string(StringColumn)
    case binary(StringColumn)
    case `struct`(StructColumn)
    indirect case list(ListColumn)
    indirect case map(MapColumn)

    /// The number of rows, null or not.
    public var count: Int {
        switch self {
        case .boolean(let column): column.count
        case .int8(let column): column.count
        case .int16(let column): column.count
        case .int32(let column), .date(let column): column.count
        case .int64(let column), .timestamp(let column), .timestampNTZ(let column), .time(let column),
            .decimal64(let column, _, _):
            column.count
        case .float32(let column): column.count
        case .float64(let column): column.count
        case .decimal128(let column, _, _): column.count
        case .string(let column), .binary(let column): column.count
        case .struct(let column): column.count
        case .list(let column): column.count
        case .map(let column): column.count
        }
    }

    /// The column's logical type. Nested types carry their fields.
    public var dataType: DataType {
        switch self {
        case .boolean: .boolean
        case .int8: .int8
        case .int16: .int16
        case .int32: .int32
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .decimal64(_, let precision, let scale), .decimal128(_, let precision, let scale):
            .decimal(precision: precision, scale: scale)
        case .date: .date
        case .timestamp: .timestamp
        case .timestampNTZ: .timestampNTZ
        case .time: .time
        case .string: .string
        case .binary: .binary
        case .struct(let column): .struct(column.fields)
        case .list(let column): .list(column.element)
        case .map(let column): .map(key: column.key, value: column.value)
        }
    }

    /// The validity bitmap, or `nil` when no row is null.
    public var validity: ValidityBitmap? {
        switch self {
        case .boolean(let column): column.validity
        case .int8(let column): column.validity
        case .int16(let column): column.validity
        case .int32(let column), .date(let column): column.validity
        case .int64(let column), .timestamp(let column), .timestampNTZ(let column), .time(let column),
            .decimal64(let column, _, _):
            column.validity
        case .float32(let column): column.validity
        case .float64(let column): column.validity
        case .decimal128(let column, _, _): column.validity
        case .string(let column), .binary(let column): column.validity
        case .struct(let column): column.validity
        case .list(let column): column.validity
        case .map(let column): column.validity
        }
    }

    /// The number of null rows.
    public var nullCount: Int { validity?.nullCount ?? 0 }

    /// Whether `row` holds a value.
    public func isValid(_ row: Int) -> Bool { validity?.isValid(row) ?? true }
}
