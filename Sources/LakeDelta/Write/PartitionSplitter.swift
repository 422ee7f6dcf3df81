import LakeColumnar

/// The rows of a batch that share one combination of partition values.
struct PartitionGroup: Sendable {
    /// The partition values as Delta serialises them (`nil` for null), one per partition column.
    var values: [String?]
    /// The rows of the batch holding these values, in batch order.
    var rows: ContiguousArray<Int32>
}

/// Groups the rows of a batch by the values of its partition columns (SPEC.md §7.1).
///
/// Each partition column is first mapped to dense ids with a typed hash table (strings hashed as
/// bytes, integers, dates and timestamps as integers); only the distinct values are serialised.
/// Values that serialise alike (an empty string and null, which Delta cannot tell apart) share
/// a group. Ids of several columns are combined pairwise and made dense again, so no per-row
/// key is allocated.
enum PartitionSplitter {
    /// The groups of `batch` by the columns at `columns`, ordered by first appearance.
    static func split(_ batch: RecordBatch, columns: [Int]) -> [PartitionGroup] {
        let rowCount = batch.rowCount
        guard rowCount > 0 else { return [] }
        guard !columns.isEmpty else {
            return [PartitionGroup(values: [], rows: ContiguousArray((0..<Int32(rowCount))))]
        }
        var combined = ContiguousArray<Int32>(repeating: 0, count: rowCount)
        var combinedValues: [[String?]] = [[]]
        for column in columns {
            let (ids, values) = denseIds(batch.columns[column])
            if combinedValues.count == 1 && combinedValues[0].isEmpty {
                combined = ids
                combinedValues = values.map { [$0] }
                continue
            }
            // Combine (previous id, this column's id) into new dense ids.
            var pairs: [Int64: Int32] = [:]
            var nextValues: [[String?]] = []
            let width = Int64(values.count)
            for row in 0..<rowCount {
                let key = Int64(combined[row]) * width + Int64(ids[row])
                if let id = pairs[key] {
                    combined[row] = id
                } else {
                    let id = Int32(nextValues.count)
                    pairs[key] = id
                    nextValues.append(combinedValues[Int(combined[row])] + [values[Int(ids[row])]])
                    combined[row] = id
                }
            }
            combinedValues = nextValues
        }
        // Counting sort of the rows by group id, keeping batch order inside a group.
        var counts = [Int](repeating: 0, count: combinedValues.count)
        for id in combined { counts[Int(id)] += 1 }
        var groups = combinedValues.enumerated().map { index, values in
            var rows = ContiguousArray<Int32>()
            rows.reserveCapacity(counts[index])
            return PartitionGroup(values: values, rows: rows)
        }
        for row in 0..<rowCount { groups[Int(combined[row])].rows.append(Int32(row)) }
        return groups
    }

    /// Dense ids per row for one column, and the serialised value of each id. Ids whose values
    /// serialise alike are merged.
    static func denseIds(_ column: Column) -> (ContiguousArray<Int32>, [String?]) {
        let (rawIds, rawValues): (ContiguousArray<Int32>, [ScalarValue])
        switch column {
        case .string(let strings), .binary(let strings): (rawIds, rawValues) = stringIds(strings, column: column)
        case .int8(let values): (rawIds, rawValues) = integerIds(values, column: column)
        case .int16(let values): (rawIds, rawValues) = integerIds(values, column: column)
        case .int32(let values), .date(let values): (rawIds, rawValues) = integerIds(values, column: column)
        case .int64(let values), .timestamp(let values), .timestampNTZ(let values):
            (rawIds, rawValues) = integerIds(values, column: column)
        default: (rawIds, rawValues) = scalarIds(column)
        }
        // Merge ids that serialise to the same text.
        var byText: [String?: Int32] = [:]
        var remap = [Int32](repeating: 0, count: rawValues.count)
        var texts: [String?] = []
        for (index, value) in rawValues.enumerated() {
            var text = PartitionValue.serialize(value)
            if text == "" { text = nil }
            if let id = byText[text] {
                remap[index] = id
            } else {
                let id = Int32(texts.count)
                byText[text] = id
                texts.append(text)
                remap[index] = id
            }
        }
        if texts.count == rawValues.count { return (rawIds, texts) }
        var ids = rawIds
        for row in ids.indices { ids[row] = remap[Int(ids[row])] }
        return (ids, texts)
    }

    private static func integerIds<Value: BinaryInteger & BitwiseCopyable & Sendable>(
        _ column: PrimitiveColumn<Value>, column whole: Column
    ) -> (ContiguousArray<Int32>, [ScalarValue]) {
        var ids = DenseIds<Int64>(count: column.count)
        column.values.withUnsafeBufferPointer { values in
            for row in 0..<values.count {
                if let validity = column.validity, !validity.isValid(row) {
                    ids.assignNull(row)
                } else {
                    ids.assign(Int64(values[row]), row)
                }
            }
        }
        return (ids.ids, ids.firstRows.map { whole.scalar(at: $0) })
    }

    private static func stringIds(_ column: StringColumn, column whole: Column) -> (
        ContiguousArray<Int32>, [ScalarValue]
    ) {
        var ids = DenseIds<ArraySlice<UInt8>>(count: column.count)
        for row in 0..<column.count {
            if column.isValid(row) {
                ids.assign(column.bytes[column.byteRange(row)], row)
            } else {
                ids.assignNull(row)
            }
        }
        return (ids.ids, ids.firstRows.map { whole.scalar(at: $0) })
    }

    /// The general path for the rarer partition types (booleans, floats, decimals).
    private static func scalarIds(_ column: Column) -> (ContiguousArray<Int32>, [ScalarValue]) {
        var ids = DenseIds<ScalarValue>(count: column.count)
        for row in 0..<column.count { ids.assign(column.scalar(at: row), row) }
        return (ids.ids, ids.firstRows.map { column.scalar(at: $0) })
    }
}

/// Dense ids in order of first appearance: each distinct key (and null) gets the next id.
private struct DenseIds<Key: Hashable> {
    /// The id of each row.
    var ids: ContiguousArray<Int32>
    /// The first row of each id.
    var firstRows: [Int] = []
    private var seen: [Key: Int32] = [:]
    private var nullId: Int32?

    init(count: Int) {
        ids = ContiguousArray(repeating: 0, count: count)
    }

    mutating func assign(_ key: Key, _ row: Int) {
        if let id = seen[key] {
            ids[row] = id
        } else {
            let id = Int32(firstRows.count)
            seen[key] = id
            firstRows.append(row)
            ids[row] = id
        }
    }

    mutating func assignNull(_ row: Int) {
        if let nullId {
            ids[row] = nullId
        } else {
            let id = Int32(firstRows.count)
            nullId = id
            firstRows.append(row)
            ids[row] = id
        }
    }
}
