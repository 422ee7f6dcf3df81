import LakeColumnar

/// Making columns: constants, nulls, decimal storage, and validity combination.
extension Column {
    /// A column of `count` nulls of `type`.
    public static func allNull(_ type: DataType, count: Int) -> Column {
        let validity = ValidityBitmap(allNullCount: count)
        switch type {
        case .boolean: return .boolean(PrimitiveColumn(values: ContiguousArray(repeating: false, count: count), validity: validity))
        case .int8: return .int8(PrimitiveColumn(values: ContiguousArray(repeating: 0, count: count), validity: validity))
        case .int16: return .int16(PrimitiveColumn(values: ContiguousArray(repeating: 0, count: count), validity: validity))
        case .int32: return .int32(PrimitiveColumn(values: ContiguousArray(repeating: 0, count: count), validity: validity))
        case .int64: return .int64(PrimitiveColumn(values: ContiguousArray(repeating: 0, count: count), validity: validity))
        case .float32: return .float32(PrimitiveColumn(values: ContiguousArray(repeating: 0, count: count), validity: validity))
        case .float64: return .float64(PrimitiveColumn(values: ContiguousArray(repeating: 0, count: count), validity: validity))
        case .decimal(let precision, let scale):
            return .decimal(ContiguousArray(repeating: 0, count: count), validity: validity, precision: precision, scale: scale)
        case .date: return .date(PrimitiveColumn(values: ContiguousArray(repeating: 0, count: count), validity: validity))
        case .timestamp: return .timestamp(PrimitiveColumn(values: ContiguousArray(repeating: 0, count: count), validity: validity))
        case .timestampNTZ:
            return .timestampNTZ(PrimitiveColumn(values: ContiguousArray(repeating: 0, count: count), validity: validity))
        case .time: return .time(PrimitiveColumn(values: ContiguousArray(repeating: 0, count: count), validity: validity))
        case .binary:
            return .binary(StringColumn(offsets: ContiguousArray(repeating: 0, count: count + 1), bytes: [], validity: validity))
        default:
            return .string(StringColumn(offsets: ContiguousArray(repeating: 0, count: count + 1), bytes: [], validity: validity))
        }
    }

    /// A decimal column, stored in 64 bits when `precision` allows (as the rest of lake expects).
    public static func decimal(
        _ values: ContiguousArray<Int128>, validity: ValidityBitmap?, precision: Int, scale: Int
    ) -> Column {
        if precision <= DataType.maxDecimal64Precision {
            let narrow = ContiguousArray<Int64>(unsafeUninitializedCapacity: values.count) { target, initialized in
                values.withUnsafeBufferPointer { source in
                    for index in 0..<source.count { target[index] = Int64(truncatingIfNeeded: source[index]) }
                }
                initialized = values.count
            }
            return .decimal64(PrimitiveColumn(values: narrow, validity: validity), precision: precision, scale: scale)
        }
        return .decimal128(PrimitiveColumn(values: values, validity: validity), precision: precision, scale: scale)
    }

    /// A column holding `value` in all `count` rows (`value` must already have the type's kind).
    public static func constant(_ value: ScalarValue, type: DataType, count: Int) -> Column {
        func filled<T>(_ value: T) -> PrimitiveColumn<T> {
            PrimitiveColumn(values: ContiguousArray(repeating: value, count: count))
        }
        switch (type, value) {
        case (_, .null): return allNull(type, count: count)
        case (.boolean, .boolean(let flag)): return .boolean(filled(flag))
        case (.int8, .integer(let number)): return .int8(filled(Int8(truncatingIfNeeded: number)))
        case (.int16, .integer(let number)): return .int16(filled(Int16(truncatingIfNeeded: number)))
        case (.int32, .integer(let number)): return .int32(filled(Int32(truncatingIfNeeded: number)))
        case (.int64, .integer(let number)): return .int64(filled(number))
        case (.float32, .float32(let number)): return .float32(filled(number))
        case (.float64, .float(let number)): return .float64(filled(number))
        case (.float64, .integer(let number)): return .float64(filled(Double(number)))
        case (.decimal(let precision, let scale), .decimal(let unscaled, _)):
            return .decimal(ContiguousArray(repeating: unscaled, count: count), validity: nil, precision: precision, scale: scale)
        case (.date, .date(let days)): return .date(filled(days))
        case (.timestamp, .timestamp(let micros)), (.timestamp, .timestampNTZ(let micros)):
            return .timestamp(filled(micros))
        case (.timestampNTZ, .timestampNTZ(let micros)), (.timestampNTZ, .timestamp(let micros)):
            return .timestampNTZ(filled(micros))
        case (.time, .time(let micros)): return .time(filled(micros))
        case (.string, .string(let text)), (.binary, .string(let text)):
            let bytes = Array(text.utf8)
            var all = ContiguousArray<UInt8>()
            all.reserveCapacity(bytes.count * count)
            var offsets = ContiguousArray<Int32>()
            offsets.reserveCapacity(count + 1)
            offsets.append(0)
            for _ in 0..<count {
                all.append(contentsOf: bytes)
                offsets.append(Int32(all.count))
            }
            let column = StringColumn(offsets: offsets, bytes: all)
            return type == .binary ? .binary(column) : .string(column)
        case (.binary, .binary(let bytes)):
            return .constant(.string(String(decoding: bytes, as: UTF8.self)), type: .binary, count: count)
        default:
            return allNull(type, count: count)
        }
    }

    /// The unscaled values of a decimal column as 128-bit integers.
    var decimalValues: PrimitiveColumn<Int128>? {
        switch self {
        case .decimal128(let column, _, _): return column
        case .decimal64(let column, _, _):
            let wide = ContiguousArray<Int128>(unsafeUninitializedCapacity: column.count) { target, initialized in
                column.values.withUnsafeBufferPointer { source in
                    for index in 0..<source.count { target[index] = Int128(source[index]) }
                }
                initialized = column.count
            }
            return PrimitiveColumn(values: wide, validity: column.validity)
        default: return nil
        }
    }
}

/// Validity helpers: combining the null masks of inputs word by word.
enum Validity {
    /// The rows valid in both, or `nil` when neither has nulls.
    static func and(_ left: ValidityBitmap?, _ right: ValidityBitmap?) -> ValidityBitmap? {
        guard let left else { return right }
        guard let right else { return left }
        let words = ContiguousArray<UInt64>(unsafeUninitializedCapacity: left.words.count) { target, initialized in
            left.words.withUnsafeBufferPointer { l in
                right.words.withUnsafeBufferPointer { r in
                    for index in 0..<l.count { target[index] = l[index] & r[index] }
                }
            }
            initialized = left.words.count
        }
        return ValidityBitmap(words: words, count: left.count)
    }

    /// A bitmap from per-row flags, or `nil` when every flag is set.
    static func from(_ valid: UnsafeBufferPointer<Bool>) -> ValidityBitmap? {
        var allValid = true
        for flag in valid where !flag {
            allValid = false
            break
        }
        if allValid { return nil }
        return ValidityBitmap(valid)
    }
}

/// Builds a string column value by value from byte slices.
struct StringColumnBuilder {
    var offsets: ContiguousArray<Int32>
    var bytes: ContiguousArray<UInt8>
    var valid: ContiguousArray<Bool>
    var hasNull = false

    init(capacity: Int, byteCapacity: Int = 0) {
        offsets = [0]
        offsets.reserveCapacity(capacity + 1)
        bytes = []
        bytes.reserveCapacity(byteCapacity)
        valid = []
        valid.reserveCapacity(capacity)
    }

    mutating func append(_ value: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: value)
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
        valid.append(true)
    }

    mutating func append<C: Collection>(contentsOf value: C) where C.Element == UInt8 {
        bytes.append(contentsOf: value)
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
        valid.append(true)
    }

    mutating func appendNull() {
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
        valid.append(false)
        hasNull = true
    }

    func finish() -> StringColumn {
        StringColumn(offsets: offsets, bytes: bytes, validity: hasNull ? ValidityBitmap(valid) : nil)
    }
}

extension StringColumn {
    /// Calls `body` with the bytes of every row as buffers (empty for nulls).
    @inlinable
    func withRows<R>(_ body: (UnsafeBufferPointer<Int32>, UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try offsets.withUnsafeBufferPointer { offsets in
            try bytes.withUnsafeBufferPointer { bytes in try body(offsets, bytes) }
        }
    }
}
