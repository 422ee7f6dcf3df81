extension Column {
    /// The rows at `rows`, in that order, as a new column (a gather; rows may repeat).
    ///
    /// Used to split a batch by partition values and, later, to materialise selection vectors.
    /// Each type is gathered in one typed loop over unsafe buffers.
    ///
    /// - Precondition: every index is in `0..<count`.
    public func take(_ rows: UnsafeBufferPointer<Int32>) -> Column {
        switch self {
        case .boolean(let column): return .boolean(column.take(rows))
        case .int8(let column): return .int8(column.take(rows))
        case .int16(let column): return .int16(column.take(rows))
        case .int32(let column): return .int32(column.take(rows))
        case .int64(let column): return .int64(column.take(rows))
        case .float32(let column): return .float32(column.take(rows))
        case .float64(let column): return .float64(column.take(rows))
        case .decimal64(let column, let precision, let scale):
            return .decimal64(column.take(rows), precision: precision, scale: scale)
        case .decimal128(let column, let precision, let scale):
            return .decimal128(column.take(rows), precision: precision, scale: scale)
        case .date(let column): return .date(column.take(rows))
        case .timestamp(let column): return .timestamp(column.take(rows))
        case .timestampNTZ(let column): return .timestampNTZ(column.take(rows))
        case .time(let column): return .time(column.take(rows))
        case .string(let column): return .string(column.take(rows))
        case .binary(let column): return .binary(column.take(rows))
        case .struct(let column):
            return .struct(
                StructColumn(
                    fields: column.fields, children: column.children.map { $0.take(rows) }, count: rows.count,
                    validity: column.validity?.take(rows)))
        case .list(let column):
            let (offsets, elementRows) = Self.gatherRanges(column.offsets, rows)
            let elements = elementRows.withUnsafeBufferPointer { column.elements.take($0) }
            return .list(
                ListColumn(
                    element: column.element, offsets: offsets, elements: elements, validity: column.validity?.take(rows)
                ))
        case .map(let column):
            let (offsets, entryRows) = Self.gatherRanges(column.offsets, rows)
            let (keys, values) = entryRows.withUnsafeBufferPointer { (column.keys.take($0), column.values.take($0)) }
            return .map(
                MapColumn(
                    key: column.key, value: column.value, offsets: offsets, keys: keys, values: values,
                    validity: column.validity?.take(rows)))
        }
    }

    /// New offsets for the gathered rows of a list or map, and the child rows they cover.
    private static func gatherRanges(
        _ offsets: ContiguousArray<Int32>, _ rows: UnsafeBufferPointer<Int32>
    ) -> (ContiguousArray<Int32>, ContiguousArray<Int32>) {
        var newOffsets = ContiguousArray<Int32>()
        newOffsets.reserveCapacity(rows.count + 1)
        newOffsets.append(0)
        var childRows = ContiguousArray<Int32>()
        for row in rows {
            let start = offsets[Int(row)]
            let end = offsets[Int(row) + 1]
            var child = start
            while child < end {
                childRows.append(child)
                child += 1
            }
            newOffsets.append(Int32(childRows.count))
        }
        return (newOffsets, childRows)
    }
}

extension PrimitiveColumn {
    /// The values at `rows`, in that order.
    public func take(_ rows: UnsafeBufferPointer<Int32>) -> PrimitiveColumn {
        let count = values.count
        let gathered = values.withUnsafeBufferPointer { source in
            ContiguousArray<Value>(unsafeUninitializedCapacity: rows.count) { target, initialized in
                for index in 0..<rows.count {
                    let row = Int(rows[index])
                    precondition(row >= 0 && row < count, "take: row \(row) outside 0..<\(count)")
                    (target.baseAddress! + index).initialize(to: source[row])
                }
                initialized = rows.count
            }
        }
        return PrimitiveColumn(values: gathered, validity: validity?.take(rows))
    }
}

extension StringColumn {
    /// The values at `rows`, in that order.
    public func take(_ rows: UnsafeBufferPointer<Int32>) -> StringColumn {
        let rowCount = count
        var newOffsets = ContiguousArray<Int32>(repeating: 0, count: rows.count + 1)
        var total = 0
        offsets.withUnsafeBufferPointer { source in
            newOffsets.withUnsafeMutableBufferPointer { target in
                for index in 0..<rows.count {
                    let row = Int(rows[index])
                    precondition(row >= 0 && row < rowCount, "take: row \(row) outside 0..<\(rowCount)")
                    total &+= Int(source[row &+ 1] &- source[row])
                    precondition(total <= StringColumn.maxByteCount, "take: more than 2 GiB of string bytes")
                    target[index &+ 1] = Int32(truncatingIfNeeded: total)
                }
            }
        }
        let gathered = offsets.withUnsafeBufferPointer { source in
            bytes.withUnsafeBufferPointer { sourceBytes in
                ContiguousArray<UInt8>(unsafeUninitializedCapacity: total) { target, initialized in
                    var position = 0
                    for row in rows {
                        let start = Int(source[Int(row)])
                        let length = Int(source[Int(row) &+ 1]) &- start
                        if length == 1 {
                            // One-byte values (flags, codes) are common: no memmove call per row.
                            target[position] = sourceBytes[start]
                        } else if length > 0 {
                            (target.baseAddress! + position).initialize(
                                from: sourceBytes.baseAddress! + start, count: length)
                        }
                        position &+= length
                    }
                    initialized = total
                }
            }
        }
        return StringColumn(offsets: newOffsets, bytes: gathered, validity: validity?.take(rows))
    }
}

extension ValidityBitmap {
    /// The validity of `rows`, in that order; `nil` when every gathered row is valid.
    public func take(_ rows: UnsafeBufferPointer<Int32>) -> ValidityBitmap? {
        var result = ValidityBitmap(allValidCount: rows.count)
        var nulls = 0
        for index in 0..<rows.count where !isValid(Int(rows[index])) {
            result.setNull(at: index)
            nulls &+= 1
        }
        return nulls == 0 ? nil : result
    }
}

extension RecordBatch {
    /// The rows at `rows`, in that order, as a new batch.
    public func take(_ rows: UnsafeBufferPointer<Int32>) -> RecordBatch {
        RecordBatch(schema: schema, columns: columns.map { $0.take(rows) }, rowCount: rows.count)
    }
}
