import LakeColumnar

/// Builds the dictionary of one leaf column chunk (RLE_DICTIONARY, ../shared/briefs/parquet.md
/// §6.3): assigns each present value a dictionary index, adding values not seen before.
///
/// Fixed-width values are keyed by their bit pattern (so a float's NaN and −0.0 are entries of
/// their own) and byte strings by their bytes; both live in custom open-addressing hash tables
/// (``FixedWidthTable``, ``ByteArrayTable``) with no allocation per value. The type is chosen
/// once, at creation; each ``append(_:indicesInto:)`` switches once and runs a loop specialized
/// for the storage type.
///
/// The dictionary is capped by the size of its PLAIN encoding (the dictionary page):
/// ``append(_:indicesInto:)`` returns `false`, leaving everything as it was before the call, when
/// a batch would push it past ``maxDictionaryBytes``; the writer then writes that batch and the
/// rest of the chunk with PLAIN.
package struct DictionaryBuilder: Sendable {
    /// The default cap on the dictionary page's PLAIN size: 1 MiB, as pyarrow and parquet-java.
    package static let defaultMaxDictionaryBytes = 1 << 20

    /// The leaf's lake type.
    package let dataType: DataType
    /// The cap on the dictionary page's PLAIN size.
    package let maxDictionaryBytes: Int
    // Exactly one table is non-nil. Separate optionals (not an enum with payloads) let
    // `append` mutate the table in place, with no copy-on-write of its buffers.
    private var int8Table: FixedWidthTable<Int8>?
    private var int16Table: FixedWidthTable<Int16>?
    private var int32Table: FixedWidthTable<Int32>?
    private var int64Table: FixedWidthTable<Int64>?
    private var int128Table: FixedWidthTable<Int128>?
    private var float32Table: FixedWidthTable<Float>?
    private var float64Table: FixedWidthTable<Double>?
    private var byteArrayTable: ByteArrayTable?

    /// A builder for a leaf of type `dataType`, or `nil` for types that are not
    /// dictionary-encoded (booleans, and nested types, which are not leaves).
    ///
    /// - Parameter maxDictionaryBytes: the cap on the dictionary's PLAIN-encoded size.
    package init?(dataType: DataType, maxDictionaryBytes: Int = DictionaryBuilder.defaultMaxDictionaryBytes) {
        self.dataType = dataType
        self.maxDictionaryBytes = maxDictionaryBytes
        let limit = maxDictionaryBytes
        switch dataType {
        case .int8: int8Table = FixedWidthTable(entryByteWidth: 4, maxDictionaryBytes: limit)
        case .int16: int16Table = FixedWidthTable(entryByteWidth: 4, maxDictionaryBytes: limit)
        case .int32, .date: int32Table = FixedWidthTable(entryByteWidth: 4, maxDictionaryBytes: limit)
        case .int64, .timestamp, .timestampNTZ, .time:
            int64Table = FixedWidthTable(entryByteWidth: 8, maxDictionaryBytes: limit)
        case .float32: float32Table = FixedWidthTable(entryByteWidth: 4, maxDictionaryBytes: limit)
        case .float64: float64Table = FixedWidthTable(entryByteWidth: 8, maxDictionaryBytes: limit)
        case .decimal(let precision, _):
            if precision <= 9 {
                int64Table = FixedWidthTable(entryByteWidth: 4, maxDictionaryBytes: limit)
            } else if precision <= DataType.maxDecimal64Precision {
                int64Table = FixedWidthTable(entryByteWidth: 8, maxDictionaryBytes: limit)
            } else {
                let width = LeafStatistics.decimalByteWidth(precision: precision)
                int128Table = FixedWidthTable(entryByteWidth: width, maxDictionaryBytes: limit)
            }
        case .string, .binary: byteArrayTable = ByteArrayTable(maxDictionaryBytes: limit)
        case .boolean, .struct, .list, .map: return nil
        }
    }

    /// Appends the dictionary index of each of `values` to `indices`, adding unseen values.
    ///
    /// Returns `false` when the new entries would make the dictionary's PLAIN size exceed
    /// ``maxDictionaryBytes``; then neither the dictionary nor `indices` changed, and the writer
    /// should write `values` (and the rest of the chunk) with PLAIN.
    ///
    /// - Precondition: `values` are dense present values (`nil` validity) of ``dataType``.
    /// - Complexity: O(`values.count`) expected (O(bytes) for strings); no allocation per value.
    package mutating func append(_ values: Column, indicesInto indices: inout ContiguousArray<UInt32>) -> Bool {
        precondition(values.validity == nil, "a dictionary takes the present values only, densely")
        precondition(
            values.dataType == dataType, "a \(dataType) dictionary cannot take \(values.dataType) values")
        switch values {
        case .int8(let column): return Self.append(column.values, to: &int8Table, indicesInto: &indices)
        case .int16(let column): return Self.append(column.values, to: &int16Table, indicesInto: &indices)
        case .int32(let column), .date(let column):
            return Self.append(column.values, to: &int32Table, indicesInto: &indices)
        case .int64(let column), .timestamp(let column), .timestampNTZ(let column), .time(let column),
            .decimal64(let column, _, _):
            return Self.append(column.values, to: &int64Table, indicesInto: &indices)
        case .decimal128(let column, _, _): return Self.append(column.values, to: &int128Table, indicesInto: &indices)
        case .float32(let column): return Self.append(column.values, to: &float32Table, indicesInto: &indices)
        case .float64(let column): return Self.append(column.values, to: &float64Table, indicesInto: &indices)
        case .string(let column), .binary(let column):
            guard byteArrayTable != nil else { preconditionFailure("no byte-array dictionary for \(dataType)") }
            return byteArrayTable!.append(column, indicesInto: &indices)
        case .boolean, .struct, .list, .map:
            preconditionFailure("a \(dataType) dictionary cannot take \(values.dataType) values")
        }
    }

    /// Appends a fixed-width batch to `table`, in place.
    private static func append<Value: DictionaryValue>(
        _ values: ContiguousArray<Value>, to table: inout FixedWidthTable<Value>?,
        indicesInto indices: inout ContiguousArray<UInt32>
    ) -> Bool {
        guard table != nil else { preconditionFailure("no \(Value.self) dictionary for these values") }
        return values.withUnsafeBufferPointer { table!.append($0, indicesInto: &indices) }
    }

    /// The number of entries.
    package var count: Int {
        int8Table?.count ?? int16Table?.count ?? int32Table?.count ?? int64Table?.count ?? int128Table?.count
            ?? float32Table?.count ?? float64Table?.count ?? byteArrayTable?.count ?? 0
    }

    /// The size of the dictionary page's PLAIN-encoded values, in the physical type (an int8
    /// entry takes 4 bytes, a string 4 + its length).
    package var plainEncodedByteCount: Int {
        int8Table?.plainEncodedByteCount ?? int16Table?.plainEncodedByteCount ?? int32Table?.plainEncodedByteCount
            ?? int64Table?.plainEncodedByteCount ?? int128Table?.plainEncodedByteCount
            ?? float32Table?.plainEncodedByteCount ?? float64Table?.plainEncodedByteCount
            ?? byteArrayTable?.plainEncodedByteCount ?? 0
    }

    /// The entries in index order, as a dense column of ``dataType`` (the buffers are shared, not
    /// copied): what the dictionary page PLAIN-encodes.
    package var dictionary: Column {
        if let table = int8Table { return .int8(PrimitiveColumn(values: table.values)) }
        if let table = int16Table { return .int16(PrimitiveColumn(values: table.values)) }
        if let table = int32Table {
            return dataType == .date
                ? .date(PrimitiveColumn(values: table.values)) : .int32(PrimitiveColumn(values: table.values))
        }
        if let table = int64Table {
            let column = PrimitiveColumn(values: table.values)
            switch dataType {
            case .timestamp: return .timestamp(column)
            case .timestampNTZ: return .timestampNTZ(column)
            case .time: return .time(column)
            case .decimal(let precision, let scale): return .decimal64(column, precision: precision, scale: scale)
            default: return .int64(column)
            }
        }
        if let table = int128Table, case .decimal(let precision, let scale) = dataType {
            return .decimal128(PrimitiveColumn(values: table.values), precision: precision, scale: scale)
        }
        if let table = float32Table { return .float32(PrimitiveColumn(values: table.values)) }
        if let table = float64Table { return .float64(PrimitiveColumn(values: table.values)) }
        if let table = byteArrayTable { return dataType == .binary ? .binary(table.column) : .string(table.column) }
        preconditionFailure("a dictionary builder without a table")
    }

    /// Removes every entry (for the next column chunk), keeping the tables' capacity.
    package mutating func reset() {
        int8Table?.reset()
        int16Table?.reset()
        int32Table?.reset()
        int64Table?.reset()
        int128Table?.reset()
        float32Table?.reset()
        float64Table?.reset()
        byteArrayTable?.reset()
    }
}
