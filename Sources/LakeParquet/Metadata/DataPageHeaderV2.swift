/// The header of a v2 data page (`DataPageHeaderV2`, parquet.md §3 and §5).
///
/// The level sections are never compressed and have no length prefix; their lengths are here.
package struct DataPageHeaderV2: ThriftStruct {
    /// Field 1, required: level entries in the page, nulls included.
    package var numValues: Int32
    /// Field 2, required: null slots in the page.
    package var numNulls: Int32
    /// Field 3, required: rows in the page (pages start at row boundaries).
    package var numRows: Int32
    /// Field 4, required: the encoding of the values.
    package var encoding: Encoding
    /// Field 5, required: byte length of the definition-level section.
    package var definitionLevelsByteLength: Int32
    /// Field 6, required: byte length of the repetition-level section.
    package var repetitionLevelsByteLength: Int32
    /// Field 7: whether the values section is compressed; **true when absent**.
    package var isCompressed: Bool = true
    /// Field 8: page statistics.
    package var statistics: Statistics? = nil

    /// Creates a v2 data page header.
    package init(
        numValues: Int32,
        numNulls: Int32,
        numRows: Int32,
        encoding: Encoding,
        definitionLevelsByteLength: Int32,
        repetitionLevelsByteLength: Int32,
        isCompressed: Bool = true,
        statistics: Statistics? = nil
    ) {
        self.numValues = numValues
        self.numNulls = numNulls
        self.numRows = numRows
        self.encoding = encoding
        self.definitionLevelsByteLength = definitionLevelsByteLength
        self.repetitionLevelsByteLength = repetitionLevelsByteLength
        self.isCompressed = isCompressed
        self.statistics = statistics
    }

    /// Decodes a `DataPageHeaderV2`.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var numValues: Int32?
        var numNulls: Int32?
        var numRows: Int32?
        var encoding: Encoding?
        var definitionLength: Int32?
        var repetitionLength: Int32?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: numValues = try reader.readNonNegativeI32("DataPageHeaderV2.num_values")
            case 2 where field.type == .i32: numNulls = try reader.readNonNegativeI32("DataPageHeaderV2.num_nulls")
            case 3 where field.type == .i32: numRows = try reader.readNonNegativeI32("DataPageHeaderV2.num_rows")
            case 4 where field.type == .i32: encoding = Encoding(rawValue: try reader.readI32())
            case 5 where field.type == .i32:
                definitionLength = try reader.readNonNegativeI32("DataPageHeaderV2.definition_levels_byte_length")
            case 6 where field.type == .i32:
                repetitionLength = try reader.readNonNegativeI32("DataPageHeaderV2.repetition_levels_byte_length")
            case 7 where field.type.isBool: isCompressed = field.boolValue
            case 8 where field.type == .struct: statistics = try Statistics(from: &reader)
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        self.numValues = try reader.require(numValues, "DataPageHeaderV2.num_values")
        self.numNulls = try reader.require(numNulls, "DataPageHeaderV2.num_nulls")
        self.numRows = try reader.require(numRows, "DataPageHeaderV2.num_rows")
        self.encoding = try reader.require(encoding, "DataPageHeaderV2.encoding")
        self.definitionLevelsByteLength = try reader.require(
            definitionLength,
            "DataPageHeaderV2.definition_levels_byte_length"
        )
        self.repetitionLevelsByteLength = try reader.require(
            repetitionLength,
            "DataPageHeaderV2.repetition_levels_byte_length"
        )
    }

    /// Encodes the header (``isCompressed`` is always written).
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        writer.writeField(1, i32: numValues)
        writer.writeField(2, i32: numNulls)
        writer.writeField(3, i32: numRows)
        writer.writeField(4, i32: encoding.rawValue)
        writer.writeField(5, i32: definitionLevelsByteLength)
        writer.writeField(6, i32: repetitionLevelsByteLength)
        writer.writeField(7, bool: isCompressed)
        if let statistics { writer.writeField(8, struct: statistics) }
        writer.endStruct(frame)
    }
}
