import LakeColumnar

/// Dense leaf values in their Parquet physical form, ready for PLAIN or dictionary encoding.
///
/// Types whose lake storage already is the physical storage (INT32, INT64, DATE, timestamps,
/// floats, strings) are not copied.
enum PhysicalValues {
    case boolean(ContiguousArray<Bool>)
    case int32(ContiguousArray<Int32>)
    case int64(ContiguousArray<Int64>)
    case float(ContiguousArray<Float>)
    case double(ContiguousArray<Double>)
    case byteArray(StringColumn)
    /// FIXED_LEN_BYTE_ARRAY values of `width` bytes, back to back.
    case fixed(ContiguousArray<UInt8>, width: Int)

    /// Converts dense, non-null leaf values (SPEC.md §3: the "Parquet (written)" column).
    init(_ column: Column) {
        switch column {
        case .boolean(let values): self = .boolean(values.values)
        case .int8(let values): self = .int32(Self.widen(values.values))
        case .int16(let values): self = .int32(Self.widen(values.values))
        case .int32(let values), .date(let values): self = .int32(values.values)
        case .int64(let values), .timestamp(let values), .timestampNTZ(let values), .time(let values):
            self = .int64(values.values)
        case .float32(let values): self = .float(values.values)
        case .float64(let values): self = .double(values.values)
        case .decimal64(let values, let precision, _):
            self = precision <= 9 ? .int32(Self.narrow(values.values)) : .int64(values.values)
        case .decimal128(let values, let precision, _):
            let width = LeafStatistics.decimalByteWidth(precision: precision)
            self = .fixed(Self.bigEndian(values.values, width: width), width: width)
        case .string(let values), .binary(let values): self = .byteArray(values)
        case .struct, .list, .map:
            preconditionFailure("leaf values are never nested")
        }
    }

    /// The number of values.
    var count: Int {
        switch self {
        case .boolean(let values): values.count
        case .int32(let values): values.count
        case .int64(let values): values.count
        case .float(let values): values.count
        case .double(let values): values.count
        case .byteArray(let values): values.count
        case .fixed(let bytes, let width): bytes.count / width
        }
    }

    /// The PLAIN-encoded size of all values, to size pages.
    var plainByteCount: Int {
        switch self {
        case .boolean(let values): (values.count + 7) / 8
        case .int32(let values): values.count * 4
        case .int64(let values): values.count * 8
        case .float(let values): values.count * 4
        case .double(let values): values.count * 8
        case .byteArray(let values): values.bytes.count + 4 * values.count
        case .fixed(let bytes, _): bytes.count
        }
    }

    private static func widen<T: BinaryInteger>(_ values: ContiguousArray<T>) -> ContiguousArray<Int32> {
        let count = values.count
        return ContiguousArray(unsafeUninitializedCapacity: count) { output, initialized in
            values.withUnsafeBufferPointer { input in
                for index in 0..<count { output[index] = Int32(truncatingIfNeeded: input[index]) }
            }
            initialized = count
        }
    }

    private static func narrow(_ values: ContiguousArray<Int64>) -> ContiguousArray<Int32> {
        widen(values)
    }

    private static func bigEndian(_ values: ContiguousArray<Int128>, width: Int) -> ContiguousArray<UInt8> {
        let count = values.count
        return ContiguousArray(unsafeUninitializedCapacity: count * width) { output, initialized in
            values.withUnsafeBufferPointer { input in
                for index in 0..<count {
                    var value = UInt128(bitPattern: input[index])
                    var position = index * width + width
                    for _ in 0..<width {
                        position -= 1
                        output[position] = UInt8(truncatingIfNeeded: value)
                        value >>= 8
                    }
                }
            }
            initialized = count * width
        }
    }
}
