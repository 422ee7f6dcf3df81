extension Column {
    /// The rows of `columns`, one after another, as one column.
    ///
    /// - Precondition: `columns` is non-empty and all have the same ``dataType``.
    /// - Complexity: O(total rows); one copy of every buffer.
    public static func concatenate(_ columns: [Column]) -> Column {
        precondition(!columns.isEmpty, "nothing to concatenate")
        if columns.count == 1 { return columns[0] }
        let type = columns[0].dataType
        for column in columns { precondition(column.dataType == type, "cannot concatenate \(column.dataType) to \(type)") }
        let validity = concatenateValidity(columns)
        switch columns[0] {
        case .boolean: return .boolean(primitive(columns, validity) { if case .boolean(let c) = $0 { c } else { nil } })
        case .int8: return .int8(primitive(columns, validity) { if case .int8(let c) = $0 { c } else { nil } })
        case .int16: return .int16(primitive(columns, validity) { if case .int16(let c) = $0 { c } else { nil } })
        case .int32: return .int32(primitive(columns, validity) { if case .int32(let c) = $0 { c } else { nil } })
        case .int64: return .int64(primitive(columns, validity) { if case .int64(let c) = $0 { c } else { nil } })
        case .float32: return .float32(primitive(columns, validity) { if case .float32(let c) = $0 { c } else { nil } })
        case .float64: return .float64(primitive(columns, validity) { if case .float64(let c) = $0 { c } else { nil } })
        case .decimal64(_, let precision, let scale):
            return .decimal64(
                primitive(columns, validity) { if case .decimal64(let c, _, _) = $0 { c } else { nil } },
                precision: precision, scale: scale)
        case .decimal128(_, let precision, let scale):
            return .decimal128(
                primitive(columns, validity) { if case .decimal128(let c, _, _) = $0 { c } else { nil } },
                precision: precision, scale: scale)
        case .date: return .date(primitive(columns, validity) { if case .date(let c) = $0 { c } else { nil } })
        case .timestamp:
            return .timestamp(primitive(columns, validity) { if case .timestamp(let c) = $0 { c } else { nil } })
        case .timestampNTZ:
            return .timestampNTZ(primitive(columns, validity) { if case .timestampNTZ(let c) = $0 { c } else { nil } })
        case .time: return .time(primitive(columns, validity) { if case .time(let c) = $0 { c } else { nil } })
        case .string: return .string(strings(columns, validity))
        case .binary: return .binary(strings(columns, validity))
        case .struct(let first):
            let children = (0..<first.fields.count).map { index in
                concatenate(columns.map { column in
                    guard case .struct(let part) = column else { preconditionFailure("type checked above") }
                    return part.children[index]
                })
            }
            return .struct(
                StructColumn(
                    fields: first.fields, children: children, count: columns.reduce(0) { $0 + $1.count },
                    validity: validity))
        case .list(let first):
            var parts: [(ContiguousArray<Int32>, Column)] = []
            for column in columns {
                guard case .list(let part) = column else { preconditionFailure("type checked above") }
                parts.append((part.offsets, part.elements))
            }
            return .list(
                ListColumn(
                    element: first.element, offsets: joinOffsets(parts.map(\.0)),
                    elements: concatenate(parts.map(\.1)), validity: validity))
        case .map(let first):
            var offsets: [ContiguousArray<Int32>] = []
            var keys: [Column] = []
            var values: [Column] = []
            for column in columns {
                guard case .map(let part) = column else { preconditionFailure("type checked above") }
                offsets.append(part.offsets)
                keys.append(part.keys)
                values.append(part.values)
            }
            return .map(
                MapColumn(
                    key: first.key, value: first.value, offsets: joinOffsets(offsets), keys: concatenate(keys),
                    values: concatenate(values), validity: validity))
        }
    }

    private static func concatenateValidity(_ columns: [Column]) -> ValidityBitmap? {
        guard columns.contains(where: { $0.validity != nil }) else { return nil }
        var bits: [Bool] = []
        bits.reserveCapacity(columns.reduce(0) { $0 + $1.count })
        for column in columns {
            if let validity = column.validity {
                for row in 0..<validity.count { bits.append(validity.isValid(row)) }
            } else {
                bits.append(contentsOf: repeatElement(true, count: column.count))
            }
        }
        return ValidityBitmap(bits)
    }

    private static func primitive<T>(
        _ columns: [Column], _ validity: ValidityBitmap?, _ extract: (Column) -> PrimitiveColumn<T>?
    ) -> PrimitiveColumn<T> {
        var values = ContiguousArray<T>()
        values.reserveCapacity(columns.reduce(0) { $0 + $1.count })
        for column in columns {
            guard let part = extract(column) else { preconditionFailure("type checked above") }
            values.append(contentsOf: part.values)
        }
        return PrimitiveColumn(values: values, validity: validity)
    }

    private static func strings(_ columns: [Column], _ validity: ValidityBitmap?) -> StringColumn {
        var offsets: [ContiguousArray<Int32>] = []
        var bytes = ContiguousArray<UInt8>()
        for column in columns {
            switch column {
            case .string(let part), .binary(let part):
                offsets.append(part.offsets)
                bytes.append(contentsOf: part.bytes)
            default: preconditionFailure("type checked above")
            }
        }
        return StringColumn(offsets: joinOffsets(offsets), bytes: bytes, validity: validity)
    }

    private static func joinOffsets(_ parts: [ContiguousArray<Int32>]) -> ContiguousArray<Int32> {
        var joined: ContiguousArray<Int32> = [0]
        joined.reserveCapacity(parts.reduce(1) { $0 + $1.count - 1 })
        var base: Int32 = 0
        for offsets in parts {
            for index in 1..<offsets.count { joined.append(base + offsets[index]) }
            base += offsets[offsets.count - 1]
        }
        return joined
    }
}
