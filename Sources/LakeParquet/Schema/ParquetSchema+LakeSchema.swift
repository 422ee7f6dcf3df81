import LakeColumnar

extension ParquetSchema {
    /// The byte width of the smallest FIXED_LEN_BYTE_ARRAY that holds every decimal of a precision:
    /// entry `n` is the most digits an `n`-byte two's complement number always holds.
    private static let decimalDigitsPerByteWidth = [0, 2, 4, 6, 9, 11, 14, 16, 18, 21, 23, 26, 28, 31, 33, 35, 38]

    /// Builds the Parquet schema the writer uses for a lake schema.
    ///
    /// Equivalent to `ParquetSchema(elements: ParquetSchema.elements(for: lakeSchema))`: the
    /// normalized tree and columns are exactly what a reader derives from the written footer.
    ///
    /// - Throws: ``DecodeError/unsupported(_:)`` for a type Parquet cannot hold (see
    ///   ``elements(for:)``).
    package init(lakeSchema: Schema) throws(DecodeError) {
        try self.init(elements: Self.elements(for: lakeSchema))
    }

    /// The `FileMetaData.schema` elements for a lake schema (parquet.md §11 checklist, item 3).
    ///
    /// The root is `schema` with `num_children`; every other element has `repetition_type`
    /// (OPTIONAL when the field is nullable); leaves have `type`, `type_length` for
    /// FIXED_LEN_BYTE_ARRAY, the LogicalType and, where one exists, the ConvertedType, plus
    /// `scale`/`precision` for decimals:
    ///
    /// | lake | Parquet |
    /// |---|---|
    /// | int8, int16 | INT32 + INT(8/16, signed) + INT_8/INT_16 |
    /// | int32, int64, float32, float64, boolean | INT32, INT64, FLOAT, DOUBLE, BOOLEAN |
    /// | decimal(p, s) | INT32 (p ≤ 9), INT64 (p ≤ 18), else FLBA(minimal bytes); DECIMAL |
    /// | string, binary | BYTE_ARRAY + STRING + UTF8; BYTE_ARRAY |
    /// | date | INT32 + DATE + DATE |
    /// | timestamp | INT64 + TIMESTAMP(UTC, MICROS) + TIMESTAMP_MICROS |
    /// | timestampNTZ | INT64 + TIMESTAMP(local, MICROS), no ConvertedType (what every surveyed writer does) |
    /// | time | INT64 + TIME(local, MICROS), no ConvertedType |
    /// | struct | group |
    /// | list | `group name (LIST) { repeated group list { element } }` |
    /// | map | `group name (MAP) { repeated group key_value { required key; value } }` |
    ///
    /// - Throws: ``DecodeError/unsupported(_:)`` for a decimal precision outside 1...38, a scale
    ///   outside 0...precision, or a struct without fields (Parquet has no empty groups).
    package static func elements(for lakeSchema: Schema) throws(DecodeError) -> [SchemaElement] {
        var elements = [SchemaElement(name: "schema", numChildren: Int32(lakeSchema.fields.count))]
        for field in lakeSchema.fields {
            try appendElements(for: field.type, name: field.name, isNullable: field.isNullable, to: &elements)
        }
        return elements
    }

    private static func appendElements(
        for type: DataType,
        name: String,
        isNullable: Bool,
        to elements: inout [SchemaElement]
    ) throws(DecodeError) {
        let repetition: Repetition = isNullable ? .optional : .required
        switch type {
        case .struct(let fields):
            guard !fields.isEmpty else {
                throw .unsupported("struct column '\(name)' has no fields; Parquet cannot store empty groups")
            }
            elements.append(SchemaElement(name: name, repetitionType: repetition, numChildren: Int32(fields.count)))
            for field in fields {
                try appendElements(for: field.type, name: field.name, isNullable: field.isNullable, to: &elements)
            }
        case .list(let element):
            elements.append(
                SchemaElement(
                    name: name,
                    repetitionType: repetition,
                    numChildren: 1,
                    convertedType: .list,
                    logicalType: .list
                )
            )
            elements.append(SchemaElement(name: "list", repetitionType: .repeated, numChildren: 1))
            try appendElements(for: element.type, name: "element", isNullable: element.isNullable, to: &elements)
        case .map(let key, let value):
            elements.append(
                SchemaElement(
                    name: name,
                    repetitionType: repetition,
                    numChildren: 1,
                    convertedType: .map,
                    logicalType: .map
                )
            )
            elements.append(SchemaElement(name: "key_value", repetitionType: .repeated, numChildren: 2))
            try appendElements(for: key.type, name: "key", isNullable: false, to: &elements)
            try appendElements(for: value.type, name: "value", isNullable: value.isNullable, to: &elements)
        default:
            var leaf = try leafElement(for: type, name: name)
            leaf.repetitionType = repetition
            elements.append(leaf)
        }
    }

    private static func leafElement(for type: DataType, name: String) throws(DecodeError) -> SchemaElement {
        switch type {
        case .boolean: return SchemaElement(name: name, type: .boolean)
        case .int8:
            return SchemaElement(
                name: name,
                type: .int32,
                convertedType: .int8,
                logicalType: .integer(bitWidth: 8, isSigned: true)
            )
        case .int16:
            return SchemaElement(
                name: name,
                type: .int32,
                convertedType: .int16,
                logicalType: .integer(bitWidth: 16, isSigned: true)
            )
        case .int32: return SchemaElement(name: name, type: .int32)
        case .int64: return SchemaElement(name: name, type: .int64)
        case .float32: return SchemaElement(name: name, type: .float)
        case .float64: return SchemaElement(name: name, type: .double)
        case .decimal(let precision, let scale):
            guard precision >= 1, precision <= DataType.maxDecimalPrecision else {
                throw .unsupported("column '\(name)' is DECIMAL(\(precision),\(scale)); precision must be 1...38")
            }
            guard scale >= 0, scale <= precision else {
                throw .unsupported("column '\(name)' is DECIMAL(\(precision),\(scale)); scale must be 0...precision")
            }
            var element = SchemaElement(
                name: name,
                convertedType: .decimal,
                scale: Int32(scale),
                precision: Int32(precision),
                logicalType: .decimal(scale: Int32(scale), precision: Int32(precision))
            )
            if precision <= 9 {
                element.type = .int32
            } else if precision <= DataType.maxDecimal64Precision {
                element.type = .int64
            } else {
                element.type = .fixedLenByteArray
                let width = decimalDigitsPerByteWidth.firstIndex { $0 >= precision } ?? 16
                element.typeLength = Int32(width)
            }
            return element
        case .string:
            return SchemaElement(name: name, type: .byteArray, convertedType: .utf8, logicalType: .string)
        case .binary: return SchemaElement(name: name, type: .byteArray)
        case .date: return SchemaElement(name: name, type: .int32, convertedType: .date, logicalType: .date)
        case .timestamp:
            return SchemaElement(
                name: name,
                type: .int64,
                convertedType: .timestampMicros,
                logicalType: .timestamp(isAdjustedToUTC: true, unit: .micros)
            )
        case .timestampNTZ:
            return SchemaElement(
                name: name, type: .int64, logicalType: .timestamp(isAdjustedToUTC: false, unit: .micros))
        case .time:
            return SchemaElement(name: name, type: .int64, logicalType: .time(isAdjustedToUTC: false, unit: .micros))
        case .struct, .list, .map:
            throw .unsupported("nested type \(type) of column '\(name)' is not a leaf")
        }
    }
}
