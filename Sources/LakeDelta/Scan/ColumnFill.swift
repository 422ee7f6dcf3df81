import LakeColumnar

/// Columns a scan makes rather than reads: all-null columns (missing or `void` columns) and
/// constant columns (partition values). Built once per batch with bulk fills, never per value.
extension Column {
    /// A column of `count` nulls of `type`.
    static func nulls(_ type: DataType, count: Int) -> Column {
        let validity = ValidityBitmap(allNullCount: count)
        switch type {
        case .boolean:
            return .boolean(
                PrimitiveColumn(values: ContiguousArray(repeating: false, count: count), validity: validity))
        case .int8: return .int8(zeros(count, validity))
        case .int16: return .int16(zeros(count, validity))
        case .int32: return .int32(zeros(count, validity))
        case .int64: return .int64(zeros(count, validity))
        case .float32: return .float32(zeros(count, validity))
        case .float64: return .float64(zeros(count, validity))
        case .decimal(let precision, let scale):
            if precision <= DataType.maxDecimal64Precision {
                return .decimal64(zeros(count, validity), precision: precision, scale: scale)
            }
            return .decimal128(zeros(count, validity), precision: precision, scale: scale)
        case .date: return .date(zeros(count, validity))
        case .timestamp: return .timestamp(zeros(count, validity))
        case .timestampNTZ: return .timestampNTZ(zeros(count, validity))
        case .time: return .time(zeros(count, validity))
        case .string: return .string(emptyStrings(count, validity))
        case .binary: return .binary(emptyStrings(count, validity))
        case .struct(let fields):
            return .struct(
                StructColumn(
                    fields: fields, children: fields.map { nulls($0.type, count: count) }, count: count,
                    validity: validity))
        case .list(let element):
            return .list(
                ListColumn(
                    element: element, offsets: ContiguousArray(repeating: 0, count: count + 1),
                    elements: nulls(element.type, count: 0), validity: validity))
        case .map(let key, let value):
            return .map(
                MapColumn(
                    key: key, value: value, offsets: ContiguousArray(repeating: 0, count: count + 1),
                    keys: nulls(key.type, count: 0), values: nulls(value.type, count: 0), validity: validity))
        }
    }

    /// A column holding `value` in all `count` rows, or `nil` when `value` does not fit `type`.
    static func constant(_ value: ScalarValue, type: DataType, count: Int) -> Column? {
        switch (type, value) {
        case (_, .null): return nulls(type, count: count)
        case (.boolean, .boolean(let flag)): return .boolean(filled(flag, count))
        case (.int8, .integer(let number)): return Int8(exactly: number).map { .int8(filled($0, count)) }
        case (.int16, .integer(let number)): return Int16(exactly: number).map { .int16(filled($0, count)) }
        case (.int32, .integer(let number)): return Int32(exactly: number).map { .int32(filled($0, count)) }
        case (.int64, .integer(let number)): return .int64(filled(number, count))
        case (.float32, .float32(let number)): return .float32(filled(number, count))
        case (.float64, .float(let number)): return .float64(filled(number, count))
        case (.decimal(let precision, let scale), .decimal(let unscaled, let valueScale)) where valueScale == scale:
            if precision <= DataType.maxDecimal64Precision {
                return Int64(exactly: unscaled).map {
                    .decimal64(filled($0, count), precision: precision, scale: scale)
                }
            }
            return .decimal128(filled(unscaled, count), precision: precision, scale: scale)
        case (.date, .date(let days)): return .date(filled(days, count))
        case (.timestamp, .timestamp(let micros)): return .timestamp(filled(micros, count))
        case (.timestampNTZ, .timestampNTZ(let micros)): return .timestampNTZ(filled(micros, count))
        case (.string, .string(let text)): return .string(repeated(Array(text.utf8), count))
        case (.binary, .binary(let bytes)): return .binary(repeated(bytes, count))
        default: return nil
        }
    }

    private static func zeros<Value: BitwiseCopyable & Sendable & Numeric>(
        _ count: Int, _ validity: ValidityBitmap
    ) -> PrimitiveColumn<Value> {
        PrimitiveColumn(values: ContiguousArray(repeating: 0, count: count), validity: validity)
    }

    private static func filled<Value: BitwiseCopyable & Sendable>(_ value: Value, _ count: Int) -> PrimitiveColumn<
        Value
    > {
        PrimitiveColumn(values: ContiguousArray(repeating: value, count: count))
    }

    private static func emptyStrings(_ count: Int, _ validity: ValidityBitmap) -> StringColumn {
        StringColumn(offsets: ContiguousArray(repeating: 0, count: count + 1), bytes: [], validity: validity)
    }

    private static func repeated(_ bytes: [UInt8], _ count: Int) -> StringColumn {
        var offsets = ContiguousArray<Int32>()
        offsets.reserveCapacity(count + 1)
        var data = ContiguousArray<UInt8>()
        data.reserveCapacity(bytes.count * count)
        offsets.append(0)
        for _ in 0..<count {
            data.append(contentsOf: bytes)
            offsets.append(Int32(truncatingIfNeeded: data.count))
        }
        return StringColumn(offsets: offsets, bytes: data)
    }
}
