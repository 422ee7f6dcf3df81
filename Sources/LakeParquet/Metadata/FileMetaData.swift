/// The footer: schema, row groups and file-level metadata (`FileMetaData`, parquet.md §3).
///
/// Read it with ``ParquetFooter/read(_:)``, which also checks it against the schema.
package struct FileMetaData: ThriftStruct {
    /// Field 1, required: 1 or 2 (readers accept both; writers write 1).
    package var version: Int32
    /// Field 2, required: the schema flattened depth-first, root first.
    package var schema: [SchemaElement]
    /// Field 3, required: total rows (readers trust the row groups instead).
    package var numRows: Int64
    /// Field 4, required: may be empty.
    package var rowGroups: [RowGroup]
    /// Field 5: e.g. `ARROW:schema`.
    package var keyValueMetadata: [KeyValue]? = nil
    /// Field 6: `<app> version <x.y.z> (build <hash>)`; gates trust in old statistics.
    package var createdBy: String? = nil
    /// Field 7: one per leaf; required for `min_value`/`max_value` to mean anything.
    package var columnOrders: [ColumnOrder]? = nil
    /// Field 8, kept verbatim (raw compact bytes of `EncryptionAlgorithm`): set in encrypted files
    /// with a plaintext footer, which the reader rejects.
    package var encryptionAlgorithm: [UInt8]? = nil
    /// Field 9: footer signing key metadata (encrypted files).
    package var footerSigningKeyMetadata: [UInt8]? = nil

    /// Creates file metadata with the required fields.
    package init(version: Int32, schema: [SchemaElement], numRows: Int64, rowGroups: [RowGroup]) {
        self.version = version
        self.schema = schema
        self.numRows = numRows
        self.rowGroups = rowGroups
    }

    /// Decodes a `FileMetaData`.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var version: Int32?
        var schema: [SchemaElement]?
        var numRows: Int64?
        var rowGroups: [RowGroup]?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: version = try reader.readI32()
            case 2 where field.type == .list: schema = try reader.readList(of: SchemaElement.self)
            case 3 where field.type == .i64: numRows = try reader.readNonNegativeI64("FileMetaData.num_rows")
            case 4 where field.type == .list: rowGroups = try reader.readList(of: RowGroup.self)
            case 5 where field.type == .list: keyValueMetadata = try reader.readList(of: KeyValue.self)
            case 6 where field.type == .binary: createdBy = try reader.readString()
            case 7 where field.type == .list: columnOrders = try reader.readList(of: ColumnOrder.self)
            case 8 where field.type == .struct: encryptionAlgorithm = try reader.readOpaque(.struct)
            case 9 where field.type == .binary: footerSigningKeyMetadata = try reader.readBinary()
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        self.version = try reader.require(version, "FileMetaData.version")
        self.schema = try reader.require(schema, "FileMetaData.schema")
        self.numRows = try reader.require(numRows, "FileMetaData.num_rows")
        self.rowGroups = try reader.require(rowGroups, "FileMetaData.row_groups")
    }

    /// Encodes the file metadata.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        writer.writeField(1, i32: version)
        writer.writeField(2, list: schema)
        writer.writeField(3, i64: numRows)
        writer.writeField(4, list: rowGroups)
        if let keyValueMetadata { writer.writeField(5, list: keyValueMetadata) }
        if let createdBy { writer.writeField(6, string: createdBy) }
        if let columnOrders { writer.writeField(7, list: columnOrders) }
        if let encryptionAlgorithm { writer.writeOpaqueField(8, .struct, raw: encryptionAlgorithm) }
        if let footerSigningKeyMetadata { writer.writeField(9, binary: footerSigningKeyMetadata) }
        writer.endStruct(frame)
    }
}
