import LakeColumnar
import LakeIO

/// Writes a Parquet file out of whole row groups of other Parquet files with the same schema,
/// copying their column chunks byte for byte: no decoding, no recompression (SPEC.md §7.6).
///
/// Each chunk's pages are copied as one range and the offsets in its metadata are moved to the new
/// position; page indexes and bloom filters are not carried over (they are optional). The file's
/// schema and column orders are the first input's; its statistics are the merged chunk statistics.
/// ``canCopy(_:like:codec:minRowGroupRows:)`` says which inputs qualify.
public final class ParquetRowGroupCopier {
    /// The file being written.
    public let path: String
    private let file: FileWriter
    private let template: ParquetFileReader
    private let options: ParquetWriterOptions
    private var rowGroups: [RowGroup] = []
    private var statistics: [LeafStatistics?]
    private var rows = 0
    private var closed = false

    /// Creates `path` (which must not exist) for row groups of files like `template`.
    public init(path: String, like template: ParquetFileReader, options: ParquetWriterOptions) throws(ParquetError) {
        file = try FileWriter.parquet(path)
        self.path = path
        self.template = template
        self.options = options
        statistics = Array(repeating: LeafStatistics(), count: template.parquetSchema.columns.count)
    }

    /// Bytes written so far (the footer excluded).
    public var bytesWritten: Int { file.position }

    /// Whether every row group of `reader` can be copied into a file like `template`: the same
    /// columns with the same physical layout, every chunk stored in this file, unencrypted,
    /// compressed with `codec` and carrying statistics (null count, and bounds unless all null),
    /// and every row group holding at least `minRowGroupRows` rows.
    public static func canCopy(
        _ reader: ParquetFileReader, like template: ParquetFileReader, codec: CompressionCodec, minRowGroupRows: Int
    ) -> Bool {
        let columns = reader.parquetSchema.columns
        let expected = template.parquetSchema.columns
        guard reader.schema == template.schema, columns.count == expected.count,
            reader.metadata.encryptionAlgorithm == nil
        else { return false }
        for (column, other) in zip(columns, expected)
        where column.path != other.path || column.physicalType != other.physicalType
            || column.typeLength != other.typeLength || column.conversion != other.conversion
            || column.maxDefinitionLevel != other.maxDefinitionLevel
            || column.maxRepetitionLevel != other.maxRepetitionLevel
        {
            return false
        }
        let hasColumnOrders = reader.metadata.columnOrders != nil
        for group in reader.metadata.rowGroups {
            guard group.numRows >= Int64(minRowGroupRows), group.columns.count == columns.count else { return false }
            for (chunk, descriptor) in zip(group.columns, columns) {
                guard chunk.filePath == nil, chunk.cryptoMetadata == nil, chunk.encryptedColumnMetadata == nil,
                    let metadata = chunk.metaData, metadata.codec == codec, let stats = metadata.statistics,
                    let nulls = stats.nullCount
                else { return false }
                if nulls < metadata.numValues {
                    let decoded = ChunkStatistics(stats, descriptor: descriptor, hasColumnOrders: hasColumnOrders)
                    if decoded.min == nil || decoded.max == nil { return false }
                }
            }
        }
        return true
    }

    /// Copies every row group of `reader` (which must pass ``canCopy(_:like:codec:minRowGroupRows:)``).
    public func append(_ reader: ParquetFileReader) throws(ParquetError) {
        guard !closed else { throw .invalidInput(path: path, reason: "the file is already closed") }
        let hasColumnOrders = reader.metadata.columnOrders != nil
        for group in reader.metadata.rowGroups {
            var columns: [ColumnChunk] = []
            columns.reserveCapacity(group.columns.count)
            var compressed: Int64 = 0
            let groupStart = Int64(file.position)
            for (index, chunk) in group.columns.enumerated() {
                guard var metadata = chunk.metaData else {
                    throw .corruptFooter(path: reader.path, reason: "a column chunk has no metadata")
                }
                var start = metadata.dataPageOffset
                if let dictionary = metadata.dictionaryPageOffset, dictionary > 0, dictionary < start { start = dictionary }
                let length = metadata.totalCompressedSize
                guard start >= 4, length > 0, start <= Int64(reader.file.size) - length else {
                    throw .corruptFooter(
                        path: reader.path,
                        reason: "column chunk \(metadata.pathInSchema.joined(separator: ".")) lies outside the file")
                }
                let newStart = Int64(file.position)
                do throws(StorageError) {
                    let bytes = try reader.file.read(offset: Int(start), count: Int(length))
                    try file.write(bytes)
                } catch {
                    throw .storage(error)
                }
                let shift = newStart - start
                metadata.dataPageOffset += shift
                if let dictionary = metadata.dictionaryPageOffset, dictionary > 0 {
                    metadata.dictionaryPageOffset = dictionary + shift
                } else {
                    metadata.dictionaryPageOffset = nil
                }
                metadata.indexPageOffset = nil
                metadata.bloomFilterOffset = nil
                metadata.bloomFilterLength = nil
                var copy = ColumnChunk(metaData: metadata)
                copy.fileOffset = newStart
                columns.append(copy)
                compressed += length
                merge(metadata, column: index, reader: reader, hasColumnOrders: hasColumnOrders)
            }
            var copied = RowGroup(columns: columns, totalByteSize: group.totalByteSize, numRows: group.numRows)
            copied.fileOffset = groupStart
            copied.totalCompressedSize = compressed
            copied.ordinal = rowGroups.count <= Int(Int16.max) ? Int16(rowGroups.count) : nil
            copied.sortingColumns = group.sortingColumns
            rowGroups.append(copied)
            rows += Int(group.numRows)
        }
    }

    /// Folds one chunk's statistics into the file's; a chunk without them makes the column's unknown.
    private func merge(_ metadata: ColumnMetaData, column: Int, reader: ParquetFileReader, hasColumnOrders: Bool) {
        guard statistics[column] != nil else { return }
        guard let stats = metadata.statistics, let nulls = stats.nullCount else {
            statistics[column] = nil
            return
        }
        let descriptor = reader.parquetSchema.columns[column]
        let decoded = ChunkStatistics(stats, descriptor: descriptor, hasColumnOrders: hasColumnOrders)
        if Int(nulls) < Int(metadata.numValues) && (decoded.min == nil || decoded.max == nil) {
            statistics[column] = nil
            return
        }
        let useNew = hasColumnOrders && (stats.minValue != nil || stats.maxValue != nil)
        statistics[column]?.merge(
            LeafStatistics(
                nullCount: Int(nulls), min: decoded.min, max: decoded.max,
                minBytes: useNew ? stats.minValue : stats.min, maxBytes: useNew ? stats.maxValue : stats.max))
    }

    /// Writes the footer and closes the file.
    public func close() throws(ParquetError) -> ParquetFileSummary {
        guard !closed else { throw .invalidInput(path: path, reason: "the file is already closed") }
        closed = true
        if let missing = statistics.firstIndex(where: { $0 == nil }) {
            abort()
            throw .invalidInput(
                path: path,
                reason: "column \(template.parquetSchema.columns[missing].dottedPath) of a copied row group has no "
                    + "usable statistics")
        }
        var metadata = FileMetaData(
            version: template.metadata.version, schema: template.metadata.schema, numRows: Int64(rows),
            rowGroups: rowGroups)
        metadata.columnOrders = template.metadata.columnOrders
        metadata.keyValueMetadata = template.metadata.keyValueMetadata
        try file.finishParquet(metadata, options: options)
        let columns = template.parquetSchema.columns.enumerated().map { index, descriptor in
            let stats = statistics[index]
            return ParquetFileSummary.ColumnSummary(
                path: descriptor.path, isRepeated: descriptor.maxRepetitionLevel > 0,
                nullCount: stats?.nullCount ?? 0, min: stats?.min, max: stats?.max)
        }
        return ParquetFileSummary(
            path: path, fileSize: file.position, rowCount: rows, rowGroupCount: rowGroups.count, columns: columns)
    }

    /// Abandons the file: closes it if open and removes it.
    public func abort() {
        closed = true
        try? file.close()
        _ = FileSystem.remove(path)
    }
}
