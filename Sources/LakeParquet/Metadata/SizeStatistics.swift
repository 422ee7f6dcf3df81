/// Sizes and level histograms of a column chunk (`SizeStatistics`, ColumnMetaData field 16).
///
/// Informative only; kept so footers round-trip.
package struct SizeStatistics: ThriftStruct {
    /// Field 1: BYTE_ARRAY data bytes without length prefixes.
    package var unencodedByteArrayDataBytes: Int64? = nil
    /// Field 2: how often each repetition level occurs (max_rep + 1 entries).
    package var repetitionLevelHistogram: [Int64]? = nil
    /// Field 3: how often each definition level occurs (max_def + 1 entries).
    package var definitionLevelHistogram: [Int64]? = nil

    /// Creates empty size statistics.
    package init() {}

    /// Decodes a `SizeStatistics`.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i64: unencodedByteArrayDataBytes = try reader.readI64()
            case 2 where field.type == .list: repetitionLevelHistogram = try reader.readI64List()
            case 3 where field.type == .list: definitionLevelHistogram = try reader.readI64List()
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
    }

    /// Encodes the size statistics.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        if let unencodedByteArrayDataBytes { writer.writeField(1, i64: unencodedByteArrayDataBytes) }
        if let repetitionLevelHistogram { writer.writeField(2, i64List: repetitionLevelHistogram) }
        if let definitionLevelHistogram { writer.writeField(3, i64List: definitionLevelHistogram) }
        writer.endStruct(frame)
    }
}
