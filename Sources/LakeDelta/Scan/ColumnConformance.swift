import LakeColumnar

/// Brings a column read from a data file to the table's type (SPEC.md §6.6).
///
/// Exact matches pass through untouched. Otherwise only lossless conversions are made, once per
/// column and batch: storage re-tags (INT96 timestamps read as `TIMESTAMP_NTZ` become
/// `TIMESTAMP`; unannotated byte arrays become strings), integer and float widening, decimal
/// re-scaling and re-storage when exact. Structs are matched by field name (exact, then
/// case-insensitive) with missing fields filled with nulls and extra fields dropped; lists and
/// maps conform their children. Anything else is a type mismatch.
enum ColumnConformance {
    /// Why a column could not be conformed: the path inside the column and the two types.
    struct Mismatch: Error {
        var path: String
        var expected: DataType
        var found: DataType
    }

    static func conform(_ column: Column, to type: DataType, path: String) throws(Mismatch) -> Column {
        if column.dataType == type { return column }
        switch (column, type) {
        case (.timestampNTZ(let values), .timestamp): return .timestamp(values)
        case (.timestamp(let values), .timestampNTZ): return .timestampNTZ(values)
        case (.binary(let values), .string): return .string(values)
        case (.string(let values), .binary): return .binary(values)
        case (.int8(let values), .int16): return .int16(widen(values))
        case (.int8(let values), .int32): return .int32(widen(values))
        case (.int8(let values), .int64): return .int64(widen(values))
        case (.int16(let values), .int32): return .int32(widen(values))
        case (.int16(let values), .int64): return .int64(widen(values))
        case (.int32(let values), .int64): return .int64(widen(values))
        case (.float32(let values), .float64):
            return .float64(
                PrimitiveColumn(
                    values: ContiguousArray(values.values.lazy.map { Double($0) }), validity: values.validity))
        case (.decimal64(let values, _, let scale), .decimal(let precision, let targetScale)):
            if let converted = rescale(
                values.values, validity: values.validity, from: scale, to: targetScale, precision: precision)
            {
                return converted
            }
        case (.decimal128(let values, _, let scale), .decimal(let precision, let targetScale)):
            if let converted = rescale(
                values.values, validity: values.validity, from: scale, to: targetScale, precision: precision)
            {
                return converted
            }
        case (.struct(let nested), .struct(let fields)):
            var children: [Column] = []
            children.reserveCapacity(fields.count)
            for field in fields {
                let index =
                    nested.fields.firstIndex { $0.name == field.name }
                    ?? nested.fields.firstIndex { $0.name.lowercased() == field.name.lowercased() }
                if let index {
                    children.append(try conform(nested.children[index], to: field.type, path: path + "." + field.name))
                } else {
                    children.append(.nulls(field.type, count: nested.count))
                }
            }
            return .struct(
                StructColumn(fields: fields, children: children, count: nested.count, validity: nested.validity))
        case (.list(let list), .list(let element)):
            let elements = try conform(list.elements, to: element.type, path: path + ".element")
            return .list(
                ListColumn(element: element, offsets: list.offsets, elements: elements, validity: list.validity))
        case (.map(let map), .map(let key, let value)):
            let keys = try conform(map.keys, to: key.type, path: path + ".key")
            let values = try conform(map.values, to: value.type, path: path + ".value")
            return .map(
                MapColumn(
                    key: key, value: value, offsets: map.offsets, keys: keys, values: values, validity: map.validity))
        default: break
        }
        throw Mismatch(path: path, expected: type, found: column.dataType)
    }

    private static func widen<
        Source: BinaryInteger & BitwiseCopyable & Sendable, Target: BinaryInteger & BitwiseCopyable & Sendable
    >(
        _ column: PrimitiveColumn<Source>
    ) -> PrimitiveColumn<Target> {
        PrimitiveColumn(values: ContiguousArray(column.values.lazy.map { Target($0) }), validity: column.validity)
    }

    /// Unscaled decimals re-scaled from `scale` to `target` and stored for `precision`, or `nil`
    /// when a value would lose digits or not fit.
    private static func rescale<Value: BinaryInteger & BitwiseCopyable & Sendable>(
        _ values: ContiguousArray<Value>, validity: ValidityBitmap?, from scale: Int, to target: Int, precision: Int
    ) -> Column? {
        guard target >= scale, target - scale <= 38 else { return nil }
        var factor: Int128 = 1
        for _ in 0..<(target - scale) { factor *= 10 }
        var limit: Int128 = 1
        for _ in 0..<precision { limit *= 10 }
        var wide = ContiguousArray<Int128>()
        wide.reserveCapacity(values.count)
        for row in values.indices {
            let (scaled, overflow) = Int128(values[row]).multipliedReportingOverflow(by: factor)
            let isValid = validity?.isValid(row) ?? true
            if isValid && (overflow || scaled >= limit || scaled <= -limit) { return nil }
            wide.append(overflow ? 0 : scaled)
        }
        if precision <= DataType.maxDecimal64Precision {
            return .decimal64(
                PrimitiveColumn(
                    values: ContiguousArray(wide.lazy.map { Int64(truncatingIfNeeded: $0) }), validity: validity),
                precision: precision, scale: target)
        }
        return .decimal128(PrimitiveColumn(values: wide, validity: validity), precision: precision, scale: target)
    }
}
