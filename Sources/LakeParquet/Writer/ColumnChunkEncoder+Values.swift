import LakeColumnar

extension PhysicalValues {
    /// Appends the PLAIN encoding of values `range`.
    func encodePlain(_ range: Range<Int>, into output: inout ContiguousArray<UInt8>) {
        switch self {
        case .boolean(let values):
            values.withUnsafeBufferPointer { PlainEncoder.encodeBooleans($0, rows: range, into: &output) }
        case .int32(let values):
            values.withUnsafeBufferPointer { PlainEncoder.encode(UnsafeBufferPointer(rebasing: $0[range]), into: &output) }
        case .int64(let values):
            values.withUnsafeBufferPointer { PlainEncoder.encode(UnsafeBufferPointer(rebasing: $0[range]), into: &output) }
        case .float(let values):
            values.withUnsafeBufferPointer { PlainEncoder.encode(UnsafeBufferPointer(rebasing: $0[range]), into: &output) }
        case .double(let values):
            values.withUnsafeBufferPointer { PlainEncoder.encode(UnsafeBufferPointer(rebasing: $0[range]), into: &output) }
        case .byteArray(let column):
            column.offsets.withUnsafeBufferPointer { offsets in
                column.bytes.withUnsafeBufferPointer { bytes in
                    PlainEncoder.encodeByteArrays(offsets: offsets, bytes: bytes, rows: range, into: &output)
                }
            }
        case .fixed(let bytes, let width):
            bytes.withUnsafeBufferPointer { PlainEncoder.encodeFixed($0, width: width, rows: range, into: &output) }
        }
    }

    /// About how many bytes `column`'s values take in memory, to size row groups.
    static func estimatedBytes(_ column: Column) -> Int {
        switch column {
        case .boolean(let values): values.count
        case .int8(let values): values.count
        case .int16(let values): values.count * 2
        case .int32(let values), .date(let values): values.count * 4
        case .int64(let values), .timestamp(let values), .timestampNTZ(let values), .time(let values),
            .decimal64(let values, _, _):
            values.count * 8
        case .float32(let values): values.count * 4
        case .float64(let values): values.count * 8
        case .decimal128(let values, _, _): values.count * 16
        case .string(let values), .binary(let values): values.bytes.count + values.count * 4
        case .struct, .list, .map: 0
        }
    }
}

/// A whole column chunk dictionary-encoded: the dictionary's entries and one index per value.
struct DictionaryEncoding {
    /// The dictionary entries, in their physical form.
    var values: PhysicalValues
    /// One index per dense value of the chunk.
    var indices: ContiguousArray<UInt32>

    /// Builds the dictionary of `values` (dense leaf values of type `dataType`), or returns `nil`
    /// when the type has no dictionary encoding, the dictionary would pass `maxBytes`, or it would
    /// not pay (more than 3 in 4 values distinct, judged first on a sample so a chunk of mostly
    /// distinct values is not hashed in full for nothing).
    static func build(_ values: Column, dataType: DataType, maxBytes: Int) -> DictionaryEncoding? {
        guard var builder = DictionaryBuilder(dataType: dataType, maxDictionaryBytes: maxBytes),
            !DictionaryBuilder.sampleLooksDistinct(values)
        else { return nil }
        var indices = ContiguousArray<UInt32>()
        indices.reserveCapacity(values.count)
        guard builder.append(values, indicesInto: &indices), builder.count * 4 <= values.count * 3 else { return nil }
        return DictionaryEncoding(values: PhysicalValues(builder.dictionary), indices: indices)
    }

    /// About how many bytes the indices take once bit-packed.
    var estimatedIndexBytes: Int {
        indices.count * DictionaryIndexEncoder.bitWidth(dictionaryCount: values.count) / 8 + 1
    }

    /// Appends a data page body of the indices of values `range`.
    func encodeIndices(_ range: Range<Int>, into output: inout ContiguousArray<UInt8>) {
        indices.withUnsafeBufferPointer { buffer in
            DictionaryIndexEncoder.encode(
                UnsafeBufferPointer(rebasing: buffer[range]), dictionaryCount: values.count, into: &output)
        }
    }
}

extension LeafStatistics {
    /// The Parquet `Statistics` of a chunk with these statistics (SPEC.md §5).
    ///
    /// `min_value`/`max_value` always (when known); the legacy `min`/`max` too where their signed
    /// order agrees with the type's order: booleans, integers, floats, dates, timestamps and
    /// integer-backed decimals, not byte arrays.
    func thriftStatistics(physicalType: PhysicalType) -> Statistics {
        var statistics = Statistics()
        statistics.nullCount = Int64(nullCount)
        statistics.minValue = minBytes
        statistics.maxValue = maxBytes
        if minBytes != nil || maxBytes != nil {
            statistics.isMinValueExact = true
            statistics.isMaxValueExact = true
        }
        switch physicalType {
        case .boolean, .int32, .int64, .float, .double:
            statistics.min = minBytes
            statistics.max = maxBytes
        case .int96, .byteArray, .fixedLenByteArray: break
        }
        if let nanCount { statistics.nanCount = Int64(nanCount) }
        return statistics
    }
}

extension ShreddedLeaf {
    /// The leaves of several batches of one column, one after another.
    static func concatenate(_ parts: [ShreddedLeaf]) -> ShreddedLeaf {
        guard parts.count > 1 else { return parts[0] }
        var definitions = ContiguousArray<UInt16>()
        var repetitions = ContiguousArray<UInt16>()
        for part in parts {
            definitions.append(contentsOf: part.definitionLevels)
            repetitions.append(contentsOf: part.repetitionLevels)
        }
        return ShreddedLeaf(
            definitionLevels: definitions, repetitionLevels: repetitions,
            levelCount: parts.reduce(0) { $0 + $1.levelCount }, values: Column.concatenate(parts.map(\.values)))
    }
}
