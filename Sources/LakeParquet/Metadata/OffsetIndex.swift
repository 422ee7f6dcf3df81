/// The page locations of one column chunk (`OffsetIndex`, page index, parquet.md §10).
package struct OffsetIndex: ThriftStruct {
    /// Field 1, required: one entry per data page, by increasing offset.
    package var pageLocations: [PageLocation]
    /// Field 2: per-page BYTE_ARRAY data bytes without length prefixes.
    package var unencodedByteArrayDataBytes: [Int64]? = nil

    /// Creates an offset index.
    package init(pageLocations: [PageLocation], unencodedByteArrayDataBytes: [Int64]? = nil) {
        self.pageLocations = pageLocations
        self.unencodedByteArrayDataBytes = unencodedByteArrayDataBytes
    }

    /// Decodes an `OffsetIndex`.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var pageLocations: [PageLocation]?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .list: pageLocations = try reader.readList(of: PageLocation.self)
            case 2 where field.type == .list: unencodedByteArrayDataBytes = try reader.readI64List()
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        self.pageLocations = try reader.require(pageLocations, "OffsetIndex.page_locations")
    }

    /// Encodes the offset index.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        writer.writeField(1, list: pageLocations)
        if let unencodedByteArrayDataBytes { writer.writeField(2, i64List: unencodedByteArrayDataBytes) }
        writer.endStruct(frame)
    }
}
