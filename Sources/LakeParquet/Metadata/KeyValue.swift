/// A key/value pair of file or column metadata (`KeyValue` in parquet.thrift).
///
/// pyarrow stores `ARROW:schema` here; Spark stores `org.apache.spark.sql.parquet.row.metadata`.
package struct KeyValue: ThriftStruct {
    /// Field 1, required.
    package var key: String
    /// Field 2, optional.
    package var value: String?

    /// Creates a pair.
    package init(key: String, value: String? = nil) {
        self.key = key
        self.value = value
    }

    /// Decodes a `KeyValue`.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var key: String?
        var value: String?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .binary: key = try reader.readString()
            case 2 where field.type == .binary: value = try reader.readString()
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        self.key = try reader.require(key, "KeyValue.key")
        self.value = value
    }

    /// Encodes the pair.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        writer.writeField(1, string: key)
        if let value { writer.writeField(2, string: value) }
        writer.endStruct(frame)
    }
}
