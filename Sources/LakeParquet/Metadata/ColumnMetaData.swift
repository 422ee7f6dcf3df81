/// Where a column chunk's pages are and how they are stored (`ColumnMetaData`, parquet.md §3).
package struct ColumnMetaData: ThriftStruct {
    /// Field 1, required: must equal the leaf's physical type.
    package var type: PhysicalType
    /// Field 2, required: encodings used in the chunk (informative only; may be empty).
    package var encodings: [Encoding]
    /// Field 3, required: the leaf path without the root name.
    package var pathInSchema: [String]
    /// Field 4, required: one codec for every page of the chunk.
    package var codec: CompressionCodec
    /// Field 5, required: level entries in the chunk (rows for flat columns), nulls included.
    package var numValues: Int64
    /// Field 6, required: page headers plus uncompressed bodies.
    package var totalUncompressedSize: Int64
    /// Field 7, required: page headers plus stored bodies (the chunk's byte length).
    package var totalCompressedSize: Int64
    /// Field 8.
    package var keyValueMetadata: [KeyValue]? = nil
    /// Field 9, required: file offset of the first data page.
    package var dataPageOffset: Int64
    /// Field 10: unused by writers.
    package var indexPageOffset: Int64? = nil
    /// Field 11: file offset of the dictionary page; readers treat 0 as absent (parquet.md §3).
    package var dictionaryPageOffset: Int64? = nil
    /// Field 12: chunk statistics.
    package var statistics: Statistics? = nil
    /// Field 13: page counts per (page type, encoding).
    package var encodingStats: [PageEncodingStats]? = nil
    /// Field 14: file offset of the bloom filter header.
    package var bloomFilterOffset: Int64? = nil
    /// Field 15: bloom filter header plus bitset length.
    package var bloomFilterLength: Int32? = nil
    /// Field 16.
    package var sizeStatistics: SizeStatistics? = nil
    /// Field 17, kept verbatim (raw compact bytes of `GeospatialStatistics`) and not interpreted.
    package var geospatialStatistics: [UInt8]? = nil

    /// Creates column metadata with the required fields.
    package init(
        type: PhysicalType,
        encodings: [Encoding],
        pathInSchema: [String],
        codec: CompressionCodec,
        numValues: Int64,
        totalUncompressedSize: Int64,
        totalCompressedSize: Int64,
        dataPageOffset: Int64
    ) {
        self.type = type
        self.encodings = encodings
        self.pathInSchema = pathInSchema
        self.codec = codec
        self.numValues = numValues
        self.totalUncompressedSize = totalUncompressedSize
        self.totalCompressedSize = totalCompressedSize
        self.dataPageOffset = dataPageOffset
    }

    /// Decodes a `ColumnMetaData`.
    ///
    /// - Throws: ``DecodeError/corrupt(_:)`` for a missing required field or a negative size,
    ///   count or offset; ``DecodeError/unsupported(_:)`` for an unknown physical type.
    package init(from reader: inout ThriftCompactReader) throws(DecodeError) {
        var rawType: Int32?
        var encodings: [Encoding]?
        var pathInSchema: [String]?
        var codec: CompressionCodec?
        var numValues: Int64?
        var totalUncompressedSize: Int64?
        var totalCompressedSize: Int64?
        var dataPageOffset: Int64?
        let frame = try reader.beginStruct()
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: rawType = try reader.readI32()
            case 2 where field.type == .list: encodings = try reader.readI32List().map(Encoding.init(rawValue:))
            case 3 where field.type == .list: pathInSchema = try reader.readStringList()
            case 4 where field.type == .i32: codec = CompressionCodec(rawValue: try reader.readI32())
            case 5 where field.type == .i64: numValues = try reader.readNonNegativeI64("ColumnMetaData.num_values")
            case 6 where field.type == .i64:
                totalUncompressedSize = try reader.readNonNegativeI64("ColumnMetaData.total_uncompressed_size")
            case 7 where field.type == .i64:
                totalCompressedSize = try reader.readNonNegativeI64("ColumnMetaData.total_compressed_size")
            case 8 where field.type == .list: keyValueMetadata = try reader.readList(of: KeyValue.self)
            case 9 where field.type == .i64:
                dataPageOffset = try reader.readNonNegativeI64("ColumnMetaData.data_page_offset")
            case 10 where field.type == .i64:
                indexPageOffset = try reader.readNonNegativeI64("ColumnMetaData.index_page_offset")
            case 11 where field.type == .i64:
                dictionaryPageOffset = try reader.readNonNegativeI64("ColumnMetaData.dictionary_page_offset")
            case 12 where field.type == .struct: statistics = try Statistics(from: &reader)
            case 13 where field.type == .list: encodingStats = try reader.readList(of: PageEncodingStats.self)
            case 14 where field.type == .i64:
                bloomFilterOffset = try reader.readNonNegativeI64("ColumnMetaData.bloom_filter_offset")
            case 15 where field.type == .i32:
                bloomFilterLength = try reader.readNonNegativeI32("ColumnMetaData.bloom_filter_length")
            case 16 where field.type == .struct: sizeStatistics = try SizeStatistics(from: &reader)
            case 17 where field.type == .struct: geospatialStatistics = try reader.readOpaque(.struct)
            default: try reader.skip(field.type)
            }
        }
        reader.endStruct(frame)
        let rawPhysical = try reader.require(rawType, "ColumnMetaData.type")
        guard let type = PhysicalType(rawValue: rawPhysical) else {
            throw .unsupported("column chunk has unknown physical type \(rawPhysical)")
        }
        self.type = type
        self.encodings = try reader.require(encodings, "ColumnMetaData.encodings")
        self.pathInSchema = try reader.require(pathInSchema, "ColumnMetaData.path_in_schema")
        self.codec = try reader.require(codec, "ColumnMetaData.codec")
        self.numValues = try reader.require(numValues, "ColumnMetaData.num_values")
        self.totalUncompressedSize = try reader.require(totalUncompressedSize, "ColumnMetaData.total_uncompressed_size")
        self.totalCompressedSize = try reader.require(totalCompressedSize, "ColumnMetaData.total_compressed_size")
        self.dataPageOffset = try reader.require(dataPageOffset, "ColumnMetaData.data_page_offset")
    }

    /// Encodes the column metadata.
    package func write(to writer: inout ThriftCompactWriter) {
        let frame = writer.beginStruct()
        writer.writeField(1, i32: type.rawValue)
        writer.writeField(2, i32List: encodings.map(\.rawValue))
        writer.writeField(3, stringList: pathInSchema)
        writer.writeField(4, i32: codec.rawValue)
        writer.writeField(5, i64: numValues)
        writer.writeField(6, i64: totalUncompressedSize)
        writer.writeField(7, i64: totalCompressedSize)
        if let keyValueMetadata { writer.writeField(8, list: keyValueMetadata) }
        writer.writeField(9, i64: dataPageOffset)
        if let indexPageOffset { writer.writeField(10, i64: indexPageOffset) }
        if let dictionaryPageOffset { writer.writeField(11, i64: dictionaryPageOffset) }
        if let statistics { writer.writeField(12, struct: statistics) }
        if let encodingStats { writer.writeField(13, list: encodingStats) }
        if let bloomFilterOffset { writer.writeField(14, i64: bloomFilterOffset) }
        if let bloomFilterLength { writer.writeField(15, i32: bloomFilterLength) }
        if let sizeStatistics { writer.writeField(16, struct: sizeStatistics) }
        if let geospatialStatistics { writer.writeOpaqueField(17, .struct, raw: geospatialStatistics) }
        writer.endStruct(frame)
    }
}
