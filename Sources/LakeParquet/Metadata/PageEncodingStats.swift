/// How many pages of one type use one encoding in a column chunk (`PageEncodingStats`).
///
/// Lets a reader know, for example, that every data page is dictionary-encoded.
package struct PageEncodingStats: ThriftStruct {
    /// Field 1, required.
    package var pageType: PageType
    /// Field 2, required.
    package var encoding: Encoding
    /// Field 3, required, not negative.
    package var count: Int32

    /// Creates page-encoding statistics.
    package init(pageType: PageType, encoding: Encoding, count: Int32) {
        self.pageType = pageType
        self.encoding = encoding
        self.count = count
    }

    /// Decodes a `PageEncodingStats`.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var pageType: PageType?
        var encoding: Encoding?
        var count: Int32?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: pageType = PageType(rawValue: try reader.readI32())
            case 2 where field.type == .i32: encoding = Encoding(rawValue: try reader.readI32())
            case 3 where field.type == .i32: count = try reader.readNonNegativeI32("PageEncodingStats.count")
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        self.pageType = try reader.require(pageType, "PageEncodingStats.page_type")
        self.encoding = try reader.require(encoding, "PageEncodingStats.encoding")
        self.count = try reader.require(count, "PageEncodingStats.count")
    }

    /// Encodes the statistics.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        writer.writeField(1, i32: pageType.rawValue)
        writer.writeField(2, i32: encoding.rawValue)
        writer.writeField(3, i32: count)
        writer.endStruct(frame)
    }
}
