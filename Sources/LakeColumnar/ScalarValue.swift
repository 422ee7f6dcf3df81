/// One value of any type, for statistics, literals, printing and tests — never for hot loops.
public indirect enum ScalarValue: Sendable, Hashable {
    case null
    case boolean(Bool)
    /// Any integer type, widened.
    case integer(Int64)
    /// `FLOAT`, kept single precision so it prints as its own shortest text (`0.1`).
    case float32(Float)
    /// `DOUBLE`.
    case float(Double)
    /// An unscaled decimal and its scale: `.decimal(1230, scale: 2)` is 12.30.
    case decimal(Int128, scale: Int)
    case string(String)
    case binary([UInt8])
    /// Days since 1970-01-01.
    case date(Int32)
    /// Microseconds since the epoch, UTC.
    case timestamp(Int64)
    /// Microseconds since the epoch, no zone.
    case timestampNTZ(Int64)
    /// Microseconds since midnight.
    case time(Int64)
    case list([ScalarValue])
    case `struct`([ScalarValue])
    /// Entries in order; `keys[i]` maps to `values[i]`.
    case map(keys: [ScalarValue], values: [ScalarValue])

    /// Whether this is ``null``.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension Column {
    /// The value at `row`; for tests and printing, never for kernels.
    public func scalar(at row: Int) -> ScalarValue {
        guard isValid(row) else { return .null }
        switch self {
        case .boolean(let column): return .boolean(column.values[row])
        case .int8(let column): return .integer(Int64(column.values[row]))
        case .int16(let column): return .integer(Int64(column.values[row]))
        case .int32(let column): return .integer(Int64(column.values[row]))
        case .int64(let column): return .integer(column.values[row])
        case .float32(let column): return .float32(column.values[row])
        case .float64(let column): return .float(column.values[row])
        case .decimal64(let column, _, let scale): return .decimal(Int128(column.values[row]), scale: scale)
        case .decimal128(let column, _, let scale): return .decimal(column.values[row], scale: scale)
        case .date(let column): return .date(column.values[row])
        case .timestamp(let column): return .timestamp(column.values[row])
        case .timestampNTZ(let column): return .timestampNTZ(column.values[row])
        case .time(let column): return .time(column.values[row])
        case .string(let column): return .string(column.string(at: row) ?? "")
        case .binary(let column): return .binary(Array(column.bytes[column.byteRange(row)]))
        case .struct(let column): return .struct(column.children.map { $0.scalar(at: row) })
        case .list(let column):
            let range = Int(column.offsets[row])..<Int(column.offsets[row + 1])
            return .list(range.map { column.elements.scalar(at: $0) })
        case .map(let column):
            let range = Int(column.offsets[row])..<Int(column.offsets[row + 1])
            return .map(keys: range.map { column.keys.scalar(at: $0) }, values: range.map { column.values.scalar(at: $0) })
        }
    }
}
