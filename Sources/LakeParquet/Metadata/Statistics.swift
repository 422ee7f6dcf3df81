/// Statistics of a column chunk or page (`Statistics`; all fields optional; parquet.md §8).
///
/// Values are PLAIN-encoded single values without a length prefix. Prefer ``minValue`` and
/// ``maxValue`` (ordered by the column order); the deprecated ``min`` and ``max`` are
/// signed-ordered and only trustworthy for signed types. A negative count on the wire is
/// decoded as `nil` ("unknown"), never trusted.
package struct Statistics: ThriftStruct {
    /// Field 1 (deprecated): signed-order maximum.
    package var max: [UInt8]? = nil
    /// Field 2 (deprecated): signed-order minimum.
    package var min: [UInt8]? = nil
    /// Field 3: number of nulls; `nil` means unknown, not zero.
    package var nullCount: Int64? = nil
    /// Field 4: number of distinct values (rarely set; never trusted).
    package var distinctCount: Int64? = nil
    /// Field 5: upper bound under the column order.
    package var maxValue: [UInt8]? = nil
    /// Field 6: lower bound under the column order.
    package var minValue: [UInt8]? = nil
    /// Field 7: whether ``maxValue`` is the actual maximum.
    package var isMaxValueExact: Bool? = nil
    /// Field 8: whether ``minValue`` is the actual minimum.
    package var isMinValueExact: Bool? = nil
    /// Field 9: number of NaN values (floating-point columns).
    package var nanCount: Int64? = nil

    /// Creates empty statistics.
    package init() {}

    /// Decodes a `Statistics`.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .binary: max = try reader.readBinary()
            case 2 where field.type == .binary: min = try reader.readBinary()
            case 3 where field.type == .i64: nullCount = Self.count(try reader.readI64())
            case 4 where field.type == .i64: distinctCount = Self.count(try reader.readI64())
            case 5 where field.type == .binary: maxValue = try reader.readBinary()
            case 6 where field.type == .binary: minValue = try reader.readBinary()
            case 7 where field.type.isBool: isMaxValueExact = field.boolValue
            case 8 where field.type.isBool: isMinValueExact = field.boolValue
            case 9 where field.type == .i64: nanCount = Self.count(try reader.readI64())
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
    }

    private static func count(_ value: Int64) -> Int64? { value >= 0 ? value : nil }

    /// Encodes the statistics (only the fields that are set).
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        if let max { writer.writeField(1, binary: max) }
        if let min { writer.writeField(2, binary: min) }
        if let nullCount { writer.writeField(3, i64: nullCount) }
        if let distinctCount { writer.writeField(4, i64: distinctCount) }
        if let maxValue { writer.writeField(5, binary: maxValue) }
        if let minValue { writer.writeField(6, binary: minValue) }
        if let isMaxValueExact { writer.writeField(7, bool: isMaxValueExact) }
        if let isMinValueExact { writer.writeField(8, bool: isMinValueExact) }
        if let nanCount { writer.writeField(9, i64: nanCount) }
        writer.endStruct(frame)
    }
}
