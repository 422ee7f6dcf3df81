/// A horizontal slice of the file: one column chunk per leaf column (`RowGroup`, parquet.md §3).
package struct RowGroup: ThriftStruct {
    /// Field 1, required: one chunk per leaf column, in schema leaf order.
    package var columns: [ColumnChunk]
    /// Field 2, required: sum of the chunks' uncompressed sizes.
    package var totalByteSize: Int64
    /// Field 3, required: the number of rows.
    package var numRows: Int64
    /// Field 4: the sort order of the rows, if known.
    package var sortingColumns: [SortingColumn]? = nil
    /// Field 5: file offset of the row group's first page.
    package var fileOffset: Int64? = nil
    /// Field 6: sum of the chunks' compressed sizes.
    package var totalCompressedSize: Int64? = nil
    /// Field 7: the row group's index in the file.
    package var ordinal: Int16? = nil

    /// Creates a row group with the required fields.
    package init(columns: [ColumnChunk], totalByteSize: Int64, numRows: Int64) {
        self.columns = columns
        self.totalByteSize = totalByteSize
        self.numRows = numRows
    }

    /// Decodes a `RowGroup`.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var columns: [ColumnChunk]?
        var totalByteSize: Int64?
        var numRows: Int64?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .list: columns = try reader.readList(of: ColumnChunk.self)
            case 2 where field.type == .i64: totalByteSize = try reader.readNonNegativeI64("RowGroup.total_byte_size")
            case 3 where field.type == .i64: numRows = try reader.readNonNegativeI64("RowGroup.num_rows")
            case 4 where field.type == .list: sortingColumns = try reader.readList(of: SortingColumn.self)
            case 5 where field.type == .i64: fileOffset = try reader.readNonNegativeI64("RowGroup.file_offset")
            case 6 where field.type == .i64:
                totalCompressedSize = try reader.readNonNegativeI64("RowGroup.total_compressed_size")
            case 7 where field.type == .i16: ordinal = try reader.readI16()
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        self.columns = try reader.require(columns, "RowGroup.columns")
        self.totalByteSize = try reader.require(totalByteSize, "RowGroup.total_byte_size")
        self.numRows = try reader.require(numRows, "RowGroup.num_rows")
    }

    /// Encodes the row group.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        writer.writeField(1, list: columns)
        writer.writeField(2, i64: totalByteSize)
        writer.writeField(3, i64: numRows)
        if let sortingColumns { writer.writeField(4, list: sortingColumns) }
        if let fileOffset { writer.writeField(5, i64: fileOffset) }
        if let totalCompressedSize { writer.writeField(6, i64: totalCompressedSize) }
        if let ordinal { writer.writeField(7, i16: ordinal) }
        writer.endStruct(frame)
    }
}
