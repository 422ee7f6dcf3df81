/// One leaf column's data within a row group (`ColumnChunk`, parquet.md §3).
package struct ColumnChunk: ThriftStruct {
    /// Field 1: a file holding the data instead of this one (rejected by the reader).
    package var filePath: String? = nil
    /// Field 2, required but deprecated: writers write 0; readers ignore it.
    package var fileOffset: Int64 = 0
    /// Field 3: optional in the IDL but required in practice (``ParquetFooter`` checks it).
    package var metaData: ColumnMetaData? = nil
    /// Field 4: file offset of the chunk's ``OffsetIndex``.
    package var offsetIndexOffset: Int64? = nil
    /// Field 5: byte length of the chunk's ``OffsetIndex``.
    package var offsetIndexLength: Int32? = nil
    /// Field 6: file offset of the chunk's ``ColumnIndex``.
    package var columnIndexOffset: Int64? = nil
    /// Field 7: byte length of the chunk's ``ColumnIndex``.
    package var columnIndexLength: Int32? = nil
    /// Field 8, kept verbatim (raw compact bytes of `ColumnCryptoMetaData`): set in encrypted files.
    package var cryptoMetadata: [UInt8]? = nil
    /// Field 9: encrypted `ColumnMetaData` (encrypted files).
    package var encryptedColumnMetadata: [UInt8]? = nil

    /// Creates a column chunk.
    package init(metaData: ColumnMetaData?) {
        self.metaData = metaData
    }

    /// Decodes a `ColumnChunk`.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var fileOffset: Int64?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .binary: filePath = try reader.readString()
            case 2 where field.type == .i64: fileOffset = try reader.readI64()
            case 3 where field.type == .struct: metaData = try ColumnMetaData(from: &reader)
            case 4 where field.type == .i64:
                offsetIndexOffset = try reader.readNonNegativeI64("ColumnChunk.offset_index_offset")
            case 5 where field.type == .i32:
                offsetIndexLength = try reader.readNonNegativeI32("ColumnChunk.offset_index_length")
            case 6 where field.type == .i64:
                columnIndexOffset = try reader.readNonNegativeI64("ColumnChunk.column_index_offset")
            case 7 where field.type == .i32:
                columnIndexLength = try reader.readNonNegativeI32("ColumnChunk.column_index_length")
            case 8 where field.type == .struct: cryptoMetadata = try reader.readOpaque(.struct)
            case 9 where field.type == .binary: encryptedColumnMetadata = try reader.readBinary()
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        self.fileOffset = try reader.require(fileOffset, "ColumnChunk.file_offset")
    }

    /// Encodes the column chunk.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        if let filePath { writer.writeField(1, string: filePath) }
        writer.writeField(2, i64: fileOffset)
        if let metaData { writer.writeField(3, struct: metaData) }
        if let offsetIndexOffset { writer.writeField(4, i64: offsetIndexOffset) }
        if let offsetIndexLength { writer.writeField(5, i32: offsetIndexLength) }
        if let columnIndexOffset { writer.writeField(6, i64: columnIndexOffset) }
        if let columnIndexLength { writer.writeField(7, i32: columnIndexLength) }
        if let cryptoMetadata { writer.writeOpaqueField(8, .struct, raw: cryptoMetadata) }
        if let encryptedColumnMetadata { writer.writeField(9, binary: encryptedColumnMetadata) }
        writer.endStruct(frame)
    }
}
