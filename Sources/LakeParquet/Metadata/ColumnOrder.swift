/// The order that a leaf column's `min_value`/`max_value` statistics follow (`ColumnOrder` union).
///
/// Without a known column order, readers must ignore `min_value`/`max_value` (parquet.md §8).
package enum ColumnOrder: ThriftStruct {
    /// 1: `TYPE_ORDER`, the order of the logical or physical type (what every surveyed writer uses).
    case typeDefinedOrder
    /// 2: `IEEE_754_TOTAL_ORDER` for floating-point columns.
    case ieee754TotalOrder
    /// 3: `INT96_TIMESTAMP_ORDER`, chronological order of INT96 timestamps.
    case int96TimestampOrder
    /// A member this reader does not know (by field id): statistics follow an unknown order.
    case unrecognized(Int16)

    /// The union member's field id.
    package var fieldID: Int16 {
        switch self {
        case .typeDefinedOrder: 1
        case .ieee754TotalOrder: 2
        case .int96TimestampOrder: 3
        case .unrecognized(let id): id
        }
    }

    /// Decodes a `ColumnOrder` union.
    ///
    /// - Throws: ``DecodeError/corrupt(_:)`` when the union has no member or more than one.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var order: ColumnOrder?
        var members = 0
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            members += 1
            switch field.id {
            case 1 where field.type == .struct: order = .typeDefinedOrder
            case 2 where field.type == .struct: order = .ieee754TotalOrder
            case 3 where field.type == .struct: order = .int96TimestampOrder
            default: order = .unrecognized(field.id)
            }
            try reader.skip(field.type)
        }
        reader.endStruct(frame)
        guard members == 1, let order else {
            throw reader.corrupt("ColumnOrder union has \(members) members set, not 1")
        }
        self = order
    }

    /// Encodes the union. An unrecognized member is written as an empty struct with its id.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        writer.writeEmptyStructField(fieldID)
        writer.endStruct(frame)
    }
}
