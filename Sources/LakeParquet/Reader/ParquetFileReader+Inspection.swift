import LakeColumnar

/// What `lake inspect` shows about a file (SPEC.md §2.1): the footer, decoded, plus page counts.
public struct ParquetInspection: Sendable {
    /// One leaf column of the schema.
    public struct Column: Sendable {
        public var path: String
        public var physicalType: String
        public var logicalType: String?
        public var lakeType: String
        public var maxDefinitionLevel: Int
        public var maxRepetitionLevel: Int
    }

    /// One column chunk of one row group.
    public struct Chunk: Sendable {
        public var path: String
        public var codec: String
        public var encodings: [String]
        /// `PAGE_TYPE/ENCODING` → page count, from walking the page headers.
        public var pages: [(kind: String, count: Int)]
        public var valueCount: Int
        public var compressedSize: Int
        public var uncompressedSize: Int
        public var statistics: ChunkStatistics?
    }

    /// One row group.
    public struct Group: Sendable {
        public var rows: Int
        public var compressedSize: Int
        public var uncompressedSize: Int
        public var chunks: [Chunk]
    }

    public var path: String
    public var fileSize: Int
    public var createdBy: String?
    public var formatVersion: Int
    public var rowCount: Int
    public var keyValueKeys: [String]
    public var schema: Schema
    public var columns: [Column]
    public var rowGroups: [Group]
}

extension ParquetFileReader {
    /// Decodes the footer and walks every chunk's page headers (bodies are not decoded).
    public func inspection() throws(ParquetError) -> ParquetInspection {
        let hasColumnOrders = metadata.columnOrders != nil
        let columns = parquetSchema.columns.enumerated().map { index, descriptor in
            ParquetInspection.Column(
                path: descriptor.dottedPath, physicalType: Self.physicalName(descriptor),
                logicalType: leafElement(index).flatMap(Self.logicalName),
                lakeType: descriptor.dataType.description, maxDefinitionLevel: descriptor.maxDefinitionLevel,
                maxRepetitionLevel: descriptor.maxRepetitionLevel)
        }
        var groups: [ParquetInspection.Group] = []
        for (groupIndex, group) in metadata.rowGroups.enumerated() {
            var chunks: [ParquetInspection.Chunk] = []
            for (leaf, chunk) in group.columns.enumerated() {
                guard let meta = chunk.metaData else { continue }
                let descriptor = parquetSchema.columns[leaf]
                chunks.append(
                    ParquetInspection.Chunk(
                        path: descriptor.dottedPath, codec: meta.codec.name, encodings: meta.encodings.map(\.name),
                        pages: try pageKinds(meta, column: descriptor.dottedPath, rowGroup: groupIndex),
                        valueCount: Int(meta.numValues), compressedSize: Int(meta.totalCompressedSize),
                        uncompressedSize: Int(meta.totalUncompressedSize),
                        statistics: meta.statistics.map {
                            ChunkStatistics($0, descriptor: descriptor, hasColumnOrders: hasColumnOrders)
                        }))
            }
            groups.append(
                ParquetInspection.Group(
                    rows: Int(group.numRows),
                    // Saturating: the sizes are the footer's claims, not yet checked against the file.
                    compressedSize: chunks.reduce(0) { $0 &+ min($1.compressedSize, Int.max &- $0) },
                    uncompressedSize: Int(group.totalByteSize), chunks: chunks))
        }
        return ParquetInspection(
            path: path, fileSize: file.size, createdBy: metadata.createdBy, formatVersion: Int(metadata.version),
            rowCount: rowCount, keyValueKeys: (metadata.keyValueMetadata ?? []).map(\.key), schema: schema,
            columns: columns, rowGroups: groups)
    }

    /// The schema element of leaf `index` (leaves are the elements without children, in order).
    private func leafElement(_ index: Int) -> SchemaElement? {
        var leaf = 0
        for element in metadata.schema.dropFirst() where (element.numChildren ?? 0) == 0 && element.type != nil {
            if leaf == index { return element }
            leaf += 1
        }
        return nil
    }

    private static func physicalName(_ descriptor: ColumnDescriptor) -> String {
        switch descriptor.physicalType {
        case .boolean: "BOOLEAN"
        case .int32: "INT32"
        case .int64: "INT64"
        case .int96: "INT96"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .byteArray: "BYTE_ARRAY"
        case .fixedLenByteArray: "FIXED_LEN_BYTE_ARRAY(\(descriptor.typeLength))"
        }
    }

    private static func logicalName(_ element: SchemaElement) -> String? {
        if let logical = element.logicalType { return "\(logical)" }
        return element.convertedType.map { "\($0)" }
    }

    /// Counts pages by kind and encoding, reading only the page headers.
    private func pageKinds(_ meta: ColumnMetaData, column: String, rowGroup: Int) throws(ParquetError)
        -> [(kind: String, count: Int)]
    {
        var start = Int(meta.dataPageOffset)
        if let dictionary = meta.dictionaryPageOffset, dictionary >= 4, Int(dictionary) < start { start = Int(dictionary) }
        let length = Int(meta.totalCompressedSize)
        guard meta.numValues > 0, start >= 4, length > 0, start <= file.size, length <= file.size - start else {
            return []
        }
        let bytes: ContiguousArray<UInt8>
        do { bytes = try file.read(offset: start, count: length) } catch {
            throw .corruptColumn(path: path, column: column, rowGroup: rowGroup, offset: start, reason: error.description)
        }
        var counts: [(kind: String, count: Int)] = []
        var position = 0
        while position < bytes.count {
            let header: PageHeader
            do {
                header = try bytes.withUnsafeBytes { raw throws(DecodeError) -> PageHeader in
                    var reader = ThriftCompactReader(UnsafeRawBufferPointer(rebasing: raw[position...]))
                    let header = try PageHeader(from: &reader)
                    position += reader.position
                    return header
                }
            } catch {
                throw .corruptColumn(
                    path: path, column: column, rowGroup: rowGroup, offset: start + position,
                    reason: "page header: \(error)")
            }
            let encoding =
                header.dataPageHeader?.encoding ?? header.dataPageHeaderV2?.encoding
                ?? header.dictionaryPageHeader?.encoding
            let kind = header.type.name + (encoding.map { "/" + $0.name } ?? "")
            if let index = counts.firstIndex(where: { $0.kind == kind }) {
                counts[index].count += 1
            } else {
                counts.append((kind, 1))
            }
            guard header.compressedPageSize >= 0 else { break }
            position += Int(header.compressedPageSize)
        }
        return counts
    }
}
