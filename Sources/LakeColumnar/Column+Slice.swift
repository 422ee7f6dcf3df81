extension Column {
    /// Rows `range` as a new column (values are copied; nested children are cut to match).
    public func slice(_ range: Range<Int>) -> Column {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice \(range) outside 0..<\(count)")
        switch self {
        case .boolean(let column): return .boolean(column.slice(range))
        case .int8(let column): return .int8(column.slice(range))
        case .int16(let column): return .int16(column.slice(range))
        case .int32(let column): return .int32(column.slice(range))
        case .int64(let column): return .int64(column.slice(range))
        case .float32(let column): return .float32(column.slice(range))
        case .float64(let column): return .float64(column.slice(range))
        case .decimal64(let column, let precision, let scale):
            return .decimal64(column.slice(range), precision: precision, scale: scale)
        case .decimal128(let column, let precision, let scale):
            return .decimal128(column.slice(range), precision: precision, scale: scale)
        case .date(let column): return .date(column.slice(range))
        case .timestamp(let column): return .timestamp(column.slice(range))
        case .timestampNTZ(let column): return .timestampNTZ(column.slice(range))
        case .time(let column): return .time(column.slice(range))
        case .string(let column): return .string(column.slice(range))
        case .binary(let column): return .binary(column.slice(range))
        case .struct(let column):
            return .struct(
                StructColumn(
                    fields: column.fields, children: column.children.map { $0.slice(range) }, count: range.count,
                    validity: column.validity?.slice(range)))
        case .list(let column):
            let (offsets, elementRange) = Self.rebase(column.offsets, range)
            return .list(
                ListColumn(
                    element: column.element, offsets: offsets, elements: column.elements.slice(elementRange),
                    validity: column.validity?.slice(range)))
        case .map(let column):
            let (offsets, entryRange) = Self.rebase(column.offsets, range)
            return .map(
                MapColumn(
                    key: column.key, value: column.value, offsets: offsets, keys: column.keys.slice(entryRange),
                    values: column.values.slice(entryRange), validity: column.validity?.slice(range)))
        }
    }

    private static func rebase(_ offsets: ContiguousArray<Int32>, _ range: Range<Int>) -> (
        ContiguousArray<Int32>, Range<Int>
    ) {
        let start = offsets[range.lowerBound]
        var rebased = ContiguousArray<Int32>()
        rebased.reserveCapacity(range.count + 1)
        for index in range.lowerBound...range.upperBound { rebased.append(offsets[index] - start) }
        return (rebased, Int(start)..<Int(offsets[range.upperBound]))
    }
}

extension RecordBatch {
    /// Rows `range` as a new batch.
    public func slice(_ range: Range<Int>) -> RecordBatch {
        RecordBatch(schema: schema, columns: columns.map { $0.slice(range) }, rowCount: range.count)
    }
}
