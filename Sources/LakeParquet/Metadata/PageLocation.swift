/// Where one data page is and which row it starts with (`PageLocation`, parquet.md §10).
package struct PageLocation: ThriftStruct {
    /// Field 1, required: file offset of the page header.
    package var offset: Int64
    /// Field 2, required: header plus stored body size.
    package var compressedPageSize: Int32
    /// Field 3, required: index of the page's first row within the row group.
    package var firstRowIndex: Int64

    /// Creates a page location.
    package init(offset: Int64, compressedPageSize: Int32, firstRowIndex: Int64) {
        self.offset = offset
        self.compressedPageSize = compressedPageSize
        self.firstRowIndex = firstRowIndex
    }

    /// Decodes a `PageLocation`.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var offset: Int64?
        var compressedPageSize: Int32?
        var firstRowIndex: Int64?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i64: offset = try reader.readNonNegativeI64("PageLocation.offset")
            case 2 where field.type == .i32:
                compressedPageSize = try reader.readNonNegativeI32("PageLocation.compressed_page_size")
            case 3 where field.type == .i64:
                firstRowIndex = try reader.readNonNegativeI64("PageLocation.first_row_index")
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        self.offset = try reader.require(offset, "PageLocation.offset")
        self.compressedPageSize = try reader.require(compressedPageSize, "PageLocation.compressed_page_size")
        self.firstRowIndex = try reader.require(firstRowIndex, "PageLocation.first_row_index")
    }

    /// Encodes the page location.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        writer.writeField(1, i64: offset)
        writer.writeField(2, i32: compressedPageSize)
        writer.writeField(3, i64: firstRowIndex)
        writer.endStruct(frame)
    }
}
