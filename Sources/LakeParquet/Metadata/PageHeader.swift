/// The header in front of every page of a column chunk (`PageHeader`, parquet.md §3).
///
/// Decoded once per page, so decoding allocates nothing but the optional statistics.
package struct PageHeader: ThriftStruct {
    /// Field 1, required: which of the type-specific headers applies.
    package var type: PageType
    /// Field 2, required, not negative: the body's size after decompression.
    package var uncompressedPageSize: Int32
    /// Field 3, required, not negative: the body's stored size (bytes following the header).
    package var compressedPageSize: Int32
    /// Field 4: CRC-32 of the stored body.
    package var crc: Int32? = nil
    /// Field 5: set for ``PageType/dataPage``.
    package var dataPageHeader: DataPageHeader? = nil
    /// Field 6, kept verbatim (raw compact bytes of the empty `IndexPageHeader`).
    package var indexPageHeader: [UInt8]? = nil
    /// Field 7: set for ``PageType/dictionaryPage``.
    package var dictionaryPageHeader: DictionaryPageHeader? = nil
    /// Field 8: set for ``PageType/dataPageV2``.
    package var dataPageHeaderV2: DataPageHeaderV2? = nil

    /// Creates a page header.
    package init(type: PageType, uncompressedPageSize: Int32, compressedPageSize: Int32) {
        self.type = type
        self.uncompressedPageSize = uncompressedPageSize
        self.compressedPageSize = compressedPageSize
    }

    /// Decodes a `PageHeader`.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var type: PageType?
        var uncompressedPageSize: Int32?
        var compressedPageSize: Int32?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: type = PageType(rawValue: try reader.readI32())
            case 2 where field.type == .i32:
                uncompressedPageSize = try reader.readNonNegativeI32("PageHeader.uncompressed_page_size")
            case 3 where field.type == .i32:
                compressedPageSize = try reader.readNonNegativeI32("PageHeader.compressed_page_size")
            case 4 where field.type == .i32: crc = try reader.readI32()
            case 5 where field.type == .struct: dataPageHeader = try DataPageHeader(from: &reader)
            case 6 where field.type == .struct: indexPageHeader = try reader.readOpaque(.struct)
            case 7 where field.type == .struct: dictionaryPageHeader = try DictionaryPageHeader(from: &reader)
            case 8 where field.type == .struct: dataPageHeaderV2 = try DataPageHeaderV2(from: &reader)
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        self.type = try reader.require(type, "PageHeader.type")
        self.uncompressedPageSize = try reader.require(uncompressedPageSize, "PageHeader.uncompressed_page_size")
        self.compressedPageSize = try reader.require(compressedPageSize, "PageHeader.compressed_page_size")
    }

    /// Encodes the header.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        writer.writeField(1, i32: type.rawValue)
        writer.writeField(2, i32: uncompressedPageSize)
        writer.writeField(3, i32: compressedPageSize)
        if let crc { writer.writeField(4, i32: crc) }
        if let dataPageHeader { writer.writeField(5, struct: dataPageHeader) }
        if let indexPageHeader { writer.writeOpaqueField(6, .struct, raw: indexPageHeader) }
        if let dictionaryPageHeader { writer.writeField(7, struct: dictionaryPageHeader) }
        if let dataPageHeaderV2 { writer.writeField(8, struct: dataPageHeaderV2) }
        writer.endStruct(frame)
    }
}
