/// The header of a v1 data page (`DataPageHeader`, parquet.md §3 and §5).
package struct DataPageHeader: ThriftStruct {
    /// Field 1, required: level entries in the page, nulls included.
    package var numValues: Int32
    /// Field 2, required: the encoding of the values.
    package var encoding: Encoding
    /// Field 3, required: the encoding of the definition levels (RLE; ignore when max level is 0).
    package var definitionLevelEncoding: Encoding
    /// Field 4, required: the encoding of the repetition levels (ignore when max level is 0).
    package var repetitionLevelEncoding: Encoding
    /// Field 5: page statistics.
    package var statistics: Statistics? = nil

    /// Creates a v1 data page header.
    package init(
        numValues: Int32,
        encoding: Encoding,
        definitionLevelEncoding: Encoding = .rle,
        repetitionLevelEncoding: Encoding = .rle,
        statistics: Statistics? = nil
    ) {
        self.numValues = numValues
        self.encoding = encoding
        self.definitionLevelEncoding = definitionLevelEncoding
        self.repetitionLevelEncoding = repetitionLevelEncoding
        self.statistics = statistics
    }

    /// Decodes a `DataPageHeader`.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var numValues: Int32?
        var encoding: Encoding?
        var definitionLevelEncoding: Encoding?
        var repetitionLevelEncoding: Encoding?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: numValues = try reader.readNonNegativeI32("DataPageHeader.num_values")
            case 2 where field.type == .i32: encoding = Encoding(rawValue: try reader.readI32())
            case 3 where field.type == .i32: definitionLevelEncoding = Encoding(rawValue: try reader.readI32())
            case 4 where field.type == .i32: repetitionLevelEncoding = Encoding(rawValue: try reader.readI32())
            case 5 where field.type == .struct: statistics = try Statistics(from: &reader)
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        self.numValues = try reader.require(numValues, "DataPageHeader.num_values")
        self.encoding = try reader.require(encoding, "DataPageHeader.encoding")
        self.definitionLevelEncoding = try reader.require(
            definitionLevelEncoding,
            "DataPageHeader.definition_level_encoding"
        )
        self.repetitionLevelEncoding = try reader.require(
            repetitionLevelEncoding,
            "DataPageHeader.repetition_level_encoding"
        )
    }

    /// Encodes the header.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        writer.writeField(1, i32: numValues)
        writer.writeField(2, i32: encoding.rawValue)
        writer.writeField(3, i32: definitionLevelEncoding.rawValue)
        writer.writeField(4, i32: repetitionLevelEncoding.rawValue)
        if let statistics { writer.writeField(5, struct: statistics) }
        writer.endStruct(frame)
    }
}
