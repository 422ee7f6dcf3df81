/// How a row group is sorted by one leaf column (`SortingColumn` in parquet.thrift).
package struct SortingColumn: ThriftStruct {
    /// Field 1, required: the leaf column's index in the row group.
    package var columnIdx: Int32
    /// Field 2, required: whether the order is descending.
    package var descending: Bool
    /// Field 3, required: whether nulls come first.
    package var nullsFirst: Bool

    /// Creates a sorting column.
    package init(columnIdx: Int32, descending: Bool, nullsFirst: Bool) {
        self.columnIdx = columnIdx
        self.descending = descending
        self.nullsFirst = nullsFirst
    }

    /// Decodes a `SortingColumn`.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var columnIdx: Int32?
        var descending: Bool?
        var nullsFirst: Bool?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: columnIdx = try reader.readNonNegativeI32("SortingColumn.column_idx")
            case 2 where field.type.isBool: descending = field.boolValue
            case 3 where field.type.isBool: nullsFirst = field.boolValue
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        self.columnIdx = try reader.require(columnIdx, "SortingColumn.column_idx")
        self.descending = try reader.require(descending, "SortingColumn.descending")
        self.nullsFirst = try reader.require(nullsFirst, "SortingColumn.nulls_first")
    }

    /// Encodes the sorting column.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        writer.writeField(1, i32: columnIdx)
        writer.writeField(2, bool: descending)
        writer.writeField(3, bool: nullsFirst)
        writer.endStruct(frame)
    }
}
