/// One node of the flattened schema tree (`SchemaElement`, parquet.md §3 and §4).
///
/// `FileMetaData.schema` lists the nodes depth-first, the root first; ``numChildren`` rebuilds
/// the tree (``ParquetSchema/init(elements:)``). Leaves have a ``type``; groups have
/// ``numChildren``.
package struct SchemaElement: ThriftStruct {
    /// Field 1: the physical type (leaves only).
    package var type: PhysicalType? = nil
    /// Field 2: the byte width of FIXED_LEN_BYTE_ARRAY values.
    package var typeLength: Int32? = nil
    /// Field 3: required, optional or repeated (unset on the root).
    package var repetitionType: Repetition? = nil
    /// Field 4, required: the node's name.
    package var name: String
    /// Field 5: the number of children (groups, including the root), never negative.
    package var numChildren: Int32? = nil
    /// Field 6: the legacy annotation.
    package var convertedType: ConvertedType? = nil
    /// Field 7: decimal scale (legacy location, written next to ``logicalType``).
    package var scale: Int32? = nil
    /// Field 8: decimal precision (legacy location, written next to ``logicalType``).
    package var precision: Int32? = nil
    /// Field 9: an Iceberg/Delta column-mapping field id.
    package var fieldID: Int32? = nil
    /// Field 10: the type annotation.
    package var logicalType: LogicalType? = nil

    /// Creates an element.
    package init(
        name: String,
        type: PhysicalType? = nil,
        typeLength: Int32? = nil,
        repetitionType: Repetition? = nil,
        numChildren: Int32? = nil,
        convertedType: ConvertedType? = nil,
        scale: Int32? = nil,
        precision: Int32? = nil,
        fieldID: Int32? = nil,
        logicalType: LogicalType? = nil
    ) {
        self.type = type
        self.typeLength = typeLength
        self.repetitionType = repetitionType
        self.name = name
        self.numChildren = numChildren
        self.convertedType = convertedType
        self.scale = scale
        self.precision = precision
        self.fieldID = fieldID
        self.logicalType = logicalType
    }

    /// Decodes a `SchemaElement`.
    ///
    /// - Throws: ``DecodeError/unsupported(_:)`` for a physical type or repetition this reader
    ///   does not know (e.g. the new `VECTOR` repetition); ``DecodeError/corrupt(_:)`` for a
    ///   missing name or a negative child count.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var rawType: Int32?
        var rawRepetition: Int32?
        var name: String?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: rawType = try reader.readI32()
            case 2 where field.type == .i32: typeLength = try reader.readI32()
            case 3 where field.type == .i32: rawRepetition = try reader.readI32()
            case 4 where field.type == .binary: name = try reader.readString()
            case 5 where field.type == .i32: numChildren = try reader.readNonNegativeI32("SchemaElement.num_children")
            case 6 where field.type == .i32: convertedType = ConvertedType(rawValue: try reader.readI32())
            case 7 where field.type == .i32: scale = try reader.readI32()
            case 8 where field.type == .i32: precision = try reader.readI32()
            case 9 where field.type == .i32: fieldID = try reader.readI32()
            case 10 where field.type == .struct: logicalType = try LogicalType(from: &reader)
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        let elementName = try reader.require(name, "SchemaElement.name")
        self.name = elementName
        if let rawType {
            guard let type = PhysicalType(rawValue: rawType) else {
                throw .unsupported("schema element '\(elementName)' has unknown physical type \(rawType)")
            }
            self.type = type
        }
        if let rawRepetition {
            guard let repetition = Repetition(rawValue: rawRepetition) else {
                let what = rawRepetition == 3 ? "VECTOR" : "unknown"
                throw .unsupported("schema element '\(elementName)' has \(what) repetition type \(rawRepetition)")
            }
            self.repetitionType = repetition
        }
    }

    /// Encodes the element.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        if let type { writer.writeField(1, i32: type.rawValue) }
        if let typeLength { writer.writeField(2, i32: typeLength) }
        if let repetitionType { writer.writeField(3, i32: repetitionType.rawValue) }
        writer.writeField(4, string: name)
        if let numChildren { writer.writeField(5, i32: numChildren) }
        if let convertedType { writer.writeField(6, i32: convertedType.rawValue) }
        if let scale { writer.writeField(7, i32: scale) }
        if let precision { writer.writeField(8, i32: precision) }
        if let fieldID { writer.writeField(9, i32: fieldID) }
        if let logicalType { writer.writeField(10, struct: logicalType) }
        writer.endStruct(frame)
    }
}
