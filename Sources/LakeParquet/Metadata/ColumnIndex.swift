/// Per-page bounds and null counts of one column chunk (`ColumnIndex`, page index, parquet.md §10).
///
/// Entry `i` of every list describes page `i` of the chunk's ``OffsetIndex``. Bounds follow the
/// same encoding and ordering rules as ``Statistics``; null pages have empty bounds.
package struct ColumnIndex: ThriftStruct {
    /// Field 1, required: whether each page holds only nulls.
    package var nullPages: [Bool]
    /// Field 2, required: per-page lower bounds.
    package var minValues: [[UInt8]]
    /// Field 3, required: per-page upper bounds.
    package var maxValues: [[UInt8]]
    /// Field 4, required: whether the bounds are ordered across pages.
    package var boundaryOrder: BoundaryOrder
    /// Field 5: per-page null counts.
    package var nullCounts: [Int64]? = nil
    /// Field 6: per-page repetition-level histograms, concatenated.
    package var repetitionLevelHistograms: [Int64]? = nil
    /// Field 7: per-page definition-level histograms, concatenated.
    package var definitionLevelHistograms: [Int64]? = nil
    /// Field 8: per-page NaN counts.
    package var nanCounts: [Int64]? = nil

    /// Creates a column index.
    package init(nullPages: [Bool], minValues: [[UInt8]], maxValues: [[UInt8]], boundaryOrder: BoundaryOrder) {
        self.nullPages = nullPages
        self.minValues = minValues
        self.maxValues = maxValues
        self.boundaryOrder = boundaryOrder
    }

    /// Decodes a `ColumnIndex`.
    ///
    /// - Throws: ``DecodeError/corrupt(_:)`` for a missing required field or lists whose lengths
    ///   differ from the number of pages.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var nullPages: [Bool]?
        var minValues: [[UInt8]]?
        var maxValues: [[UInt8]]?
        var boundaryOrder: BoundaryOrder?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .list: nullPages = try reader.readBoolList()
            case 2 where field.type == .list: minValues = try reader.readBinaryList()
            case 3 where field.type == .list: maxValues = try reader.readBinaryList()
            case 4 where field.type == .i32: boundaryOrder = BoundaryOrder(rawValue: try reader.readI32())
            case 5 where field.type == .list: nullCounts = try reader.readI64List()
            case 6 where field.type == .list: repetitionLevelHistograms = try reader.readI64List()
            case 7 where field.type == .list: definitionLevelHistograms = try reader.readI64List()
            case 8 where field.type == .list: nanCounts = try reader.readI64List()
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        let pages = try reader.require(nullPages, "ColumnIndex.null_pages")
        self.nullPages = pages
        self.minValues = try reader.require(minValues, "ColumnIndex.min_values")
        self.maxValues = try reader.require(maxValues, "ColumnIndex.max_values")
        self.boundaryOrder = try reader.require(boundaryOrder, "ColumnIndex.boundary_order")
        guard self.minValues.count == pages.count, self.maxValues.count == pages.count,
            (nullCounts?.count ?? pages.count) == pages.count, (nanCounts?.count ?? pages.count) == pages.count
        else {
            throw reader.corrupt("ColumnIndex lists disagree on the number of pages (\(pages.count) null_pages)")
        }
    }

    /// Encodes the column index (bools as element type 1 with values 1/2).
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        writer.writeField(1, boolList: nullPages)
        writer.writeField(2, binaryList: minValues)
        writer.writeField(3, binaryList: maxValues)
        writer.writeField(4, i32: boundaryOrder.rawValue)
        if let nullCounts { writer.writeField(5, i64List: nullCounts) }
        if let repetitionLevelHistograms { writer.writeField(6, i64List: repetitionLevelHistograms) }
        if let definitionLevelHistograms { writer.writeField(7, i64List: definitionLevelHistograms) }
        if let nanCounts { writer.writeField(8, i64List: nanCounts) }
        writer.endStruct(frame)
    }
}
