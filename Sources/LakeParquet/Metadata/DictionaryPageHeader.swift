/// The header of a dictionary page (`DictionaryPageHeader`, parquet.md §3).
package struct DictionaryPageHeader: ThriftStruct {
    /// Field 1, required, not negative: the number of dictionary entries.
    package var numValues: Int32
    /// Field 2, required: PLAIN (old writers say PLAIN_DICTIONARY; same bytes).
    package var encoding: Encoding
    /// Field 3: whether the entries are sorted.
    package var isSorted: Bool? = nil

    /// Creates a dictionary page header.
    package init(numValues: Int32, encoding: Encoding = .plain, isSorted: Bool? = nil) {
        self.numValues = numValues
        self.encoding = encoding
        self.isSorted = isSorted
    }

    /// Decodes a `DictionaryPageHeader`; a negative `num_values` is corrupt
    /// (`bad/ARROW-RS-GH-6229-DICTHEADER`).
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var numValues: Int32?
        var encoding: Encoding?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32:
                numValues = try reader.readNonNegativeI32("DictionaryPageHeader.num_values")
            case 2 where field.type == .i32: encoding = Encoding(rawValue: try reader.readI32())
            case 3 where field.type.isBool: isSorted = field.boolValue
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        self.numValues = try reader.require(numValues, "DictionaryPageHeader.num_values")
        self.encoding = try reader.require(encoding, "DictionaryPageHeader.encoding")
    }

    /// Encodes the header.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        writer.writeField(1, i32: numValues)
        writer.writeField(2, i32: encoding.rawValue)
        if let isSorted { writer.writeField(3, bool: isSorted) }
        writer.endStruct(frame)
    }
}
