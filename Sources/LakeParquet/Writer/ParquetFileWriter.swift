import LakeColumnar
import LakeIO

/// What a finished Parquet file holds: for callers that record files (Delta `add` actions).
public struct ParquetFileSummary: Sendable {
    /// The file's path.
    public var path: String
    /// Its size in bytes.
    public var fileSize: Int
    /// Rows written.
    public var rowCount: Int
    /// Row groups written.
    public var rowGroupCount: Int
    /// Per leaf column, in file order: its path and its statistics over the whole file.
    public var columns: [ColumnSummary]

    /// A summary (the writer makes these; tests and tools may too).
    public init(path: String, fileSize: Int, rowCount: Int, rowGroupCount: Int, columns: [ColumnSummary]) {
        self.path = path
        self.fileSize = fileSize
        self.rowCount = rowCount
        self.rowGroupCount = rowGroupCount
        self.columns = columns
    }

    /// Statistics of one leaf column over the whole file.
    public struct ColumnSummary: Sendable {
        /// The path from the top-level column to the leaf, e.g. `["point", "x"]` (Parquet's
        /// `path_in_schema`, so list and map levels appear as `list`/`element`, `key_value`).
        public var path: [String]
        /// Whether the leaf lies inside a list or map (Delta keeps no statistics for those).
        public var isRepeated: Bool
        /// Null values (including slots of empty or null parents).
        public var nullCount: Int
        /// The smallest value, or `nil` when unknown or there is none.
        public var min: ScalarValue?
        /// The largest value.
        public var max: ScalarValue?

        /// A column summary.
        public init(path: [String], isRepeated: Bool, nullCount: Int, min: ScalarValue?, max: ScalarValue?) {
            self.path = path
            self.isRepeated = isRepeated
            self.nullCount = nullCount
            self.min = min
            self.max = max
        }
    }
}

/// Writes record batches to a new Parquet file (SPEC.md §5).
///
/// Batches are shredded as they arrive and buffered until a row group is full; then its columns
/// are encoded and compressed in parallel (``ParquetWriterOptions/threads``) and written in
/// schema order. ``close()`` writes the footer. The file is created exclusively; a failed or
/// abandoned write should be followed by ``abort()``, which removes it.
///
/// ```
/// PAR1 | row group 0: chunk(col 0) chunk(col 1) … | row group 1 … | FileMetaData | len | PAR1
/// ```
public final class ParquetFileWriter {
    /// The file being written.
    public let path: String
    private let schema: Schema
    private let parquetSchema: ParquetSchema
    private let elements: [SchemaElement]
    private let options: ParquetWriterOptions
    private let file: FileWriter
    private var pending: [[ShreddedLeaf]]
    private var pendingRows = 0
    private var pendingBytes = 0
    private var rowGroups: [RowGroup] = []
    private var fileStatistics: [LeafStatistics?]
    private var rowsWritten = 0
    private var closed = false
    /// The row groups being encoded in the background while the caller buffers the next one, with
    /// their row counts, oldest first. Up to ``maxInFlight`` at once, so one row group's slowest
    /// column does not leave cores idle; they are written in order (file order).
    private var inFlight: [(task: Task<Result<[EncodedChunk], ParquetError>, Never>, rows: Int, plainBytes: Int)] = []
    /// The most row groups encoded at once.
    static let maxInFlight = 2
    /// The plain-size estimates of the row groups written, to estimate the row group in flight.
    private var plainBytesWritten = 0

    /// Creates `path` (which must not exist) for rows of `schema`.
    public init(path: String, schema: Schema, options: ParquetWriterOptions = ParquetWriterOptions()) throws(ParquetError)
    {
        guard options.compression != .lz4 else {
            throw .invalidInput(path: path, reason: "the deprecated LZ4 codec is never written; use LZ4_RAW")
        }
        let elements: [SchemaElement]
        do {
            parquetSchema = try ParquetSchema(lakeSchema: schema)
            elements = try ParquetSchema.elements(for: schema)
        } catch {
            switch error {
            case .corrupt(let reason), .unsupported(let reason): throw .invalidInput(path: path, reason: reason)
            }
        }
        file = try FileWriter.parquet(path)
        self.path = path
        self.schema = schema
        self.elements = elements
        self.options = options
        pending = Array(repeating: [], count: parquetSchema.columns.count)
        fileStatistics = Array(repeating: nil, count: parquetSchema.columns.count)
    }

    /// Adds the rows of `batch`, whose schema must equal the writer's.
    public func write(_ batch: RecordBatch) async throws(ParquetError) {
        guard !closed else { throw .invalidInput(path: path, reason: "the writer is already closed") }
        guard batch.schema == schema else {
            throw .invalidInput(
                path: path, reason: "a batch with columns (\(batch.schema.fields.map(\.description).joined(separator: ", "))) "
                    + "does not match the file's (\(schema.fields.map(\.description).joined(separator: ", ")))")
        }
        var offset = 0
        while offset < batch.rowCount {
            let take = min(batch.rowCount - offset, options.maxRowGroupRows - pendingRows)
            let part = offset == 0 && take == batch.rowCount ? batch : batch.slice(offset..<(offset + take))
            try buffer(part)
            offset += take
            if pendingRows >= options.maxRowGroupRows || pendingBytes >= options.targetRowGroupBytes {
                // A row group cut for its size is written at once, so `bytesWritten` is exact when
                // a table writer rolls files at a target size; one cut for its row count is
                // encoded in the background.
                try await flushRowGroup(wait: pendingBytes >= options.targetRowGroupBytes)
            }
        }
    }

    private func buffer(_ batch: RecordBatch) throws(ParquetError) {
        if let column = firstNullInRequiredNode(batch.columns, schema: parquetSchema) {
            throw .invalidInput(path: path, reason: "column '\(column)' is declared NOT NULL but holds a null")
        }
        let leaves = shred(batch.columns, schema: parquetSchema)
        for (index, leaf) in leaves.enumerated() {
            pending[index].append(leaf)
            pendingBytes += PhysicalValues.estimatedBytes(leaf.values) + leaf.levelCount / 4
        }
        pendingRows += batch.rowCount
    }

    /// Bytes written to the file so far: the header, finished row groups, and an estimate for the
    /// row group still being encoded in the background (its plain size scaled by the compression
    /// of the row groups before it; nothing while none is done).
    public var bytesWritten: Int {
        guard !inFlight.isEmpty, plainBytesWritten > 0 else { return file.position }
        let plainBytes = inFlight.reduce(0) { $0 + $1.plainBytes }
        return file.position + Int(Double(plainBytes) * Double(file.position) / Double(plainBytesWritten))
    }

    /// An estimate of the plain-encoded size of the rows buffered for the next row group.
    public var bufferedBytes: Int { pendingBytes }

    /// Writes the buffered rows now as a row group, and waits until it is written (to bound memory
    /// when many files are open).
    public func flush() async throws(ParquetError) {
        guard !closed else { throw .invalidInput(path: path, reason: "the writer is already closed") }
        try await flushRowGroup(wait: true)
    }

    /// Starts encoding the buffered rows as one row group, in the background, after writing the
    /// row group encoded before it; with `wait`, also waits for this one and writes it. Encoding
    /// row group n while the caller parses and buffers row group n + 1 keeps the cores busy.
    private func flushRowGroup(wait: Bool) async throws(ParquetError) {
        if pendingRows > 0 {
            let leaves = pending.map { ShreddedLeaf.concatenate($0) }
            let rows = pendingRows
            let plainBytes = pendingBytes
            pending = Array(repeating: [], count: parquetSchema.columns.count)
            pendingRows = 0
            pendingBytes = 0
            while inFlight.count >= Self.maxInFlight { try await drainOldest() }
            let descriptors = parquetSchema.columns
            let options = self.options
            let task = Task.detached { await ParquetFileWriter.encode(leaves, descriptors: descriptors, options: options) }
            inFlight.append((task, rows, plainBytes))
        }
        if wait {
            while !inFlight.isEmpty { try await drainOldest() }
        }
    }

    /// Waits for the oldest row group in flight and writes it.
    private func drainOldest() async throws(ParquetError) {
        let (task, rows, plainBytes) = inFlight.removeFirst()
        try writeRowGroup(try await task.value.get(), rows: rows)
        plainBytesWritten += plainBytes
    }

    /// Encodes the column chunks of one row group, `options.threads` columns at a time.
    fileprivate static func encode(
        _ leaves: [ShreddedLeaf], descriptors: [ColumnDescriptor], options: ParquetWriterOptions
    ) async -> Result<[EncodedChunk], ParquetError> {
        var chunks = [EncodedChunk?](repeating: nil, count: leaves.count)
        var failure: ParquetError?
        await withTaskGroup(of: (Int, Result<EncodedChunk, ParquetError>).self) { group in
            var next = 0
            func start() {
                let index = next
                let leaf = leaves[index]
                let encoder = ColumnChunkEncoder(descriptor: descriptors[index], options: options)
                group.addTask {
                    do throws(ParquetError) { return (index, .success(try encoder.encode(leaf))) } catch {
                        return (index, .failure(error))
                    }
                }
                next += 1
            }
            while next < leaves.count && next < max(1, options.threads) { start() }
            while let (index, outcome) = await group.next() {
                switch outcome {
                case .success(let chunk): chunks[index] = chunk
                case .failure(let error): if failure == nil { failure = error }
                }
                if next < leaves.count { start() }
            }
        }
        if let failure { return .failure(failure) }
        var encoded: [EncodedChunk] = []
        for chunk in chunks {
            guard let chunk else { return .failure(.invalidInput(path: "", reason: "internal: a column chunk was not encoded")) }
            encoded.append(chunk)
        }
        return .success(encoded)
    }

    /// Writes one encoded row group of `rows` rows.
    private func writeRowGroup(_ chunks: [EncodedChunk], rows: Int) throws(ParquetError) {
        var columnChunks: [ColumnChunk] = []
        var totalUncompressed: Int64 = 0
        var totalCompressed: Int64 = 0
        let groupOffset = Int64(file.position)
        for (index, chunk) in chunks.enumerated() {
            let start = Int64(file.position)
            do throws(StorageError) {
                try file.write(chunk.bytes)
            } catch {
                throw .storage(error)
            }
            var columnChunk = ColumnChunk(metaData: chunk.placed(at: start))
            columnChunk.fileOffset = 0
            columnChunks.append(columnChunk)
            totalUncompressed += chunk.metadata.totalUncompressedSize
            totalCompressed += chunk.metadata.totalCompressedSize
            if fileStatistics[index] == nil {
                fileStatistics[index] = chunk.statistics
            } else {
                fileStatistics[index]?.merge(chunk.statistics)
            }
        }
        var rowGroup = RowGroup(columns: columnChunks, totalByteSize: totalUncompressed, numRows: Int64(rows))
        rowGroup.fileOffset = groupOffset
        rowGroup.totalCompressedSize = totalCompressed
        rowGroup.ordinal = rowGroups.count < Int(Int16.max) ? Int16(rowGroups.count) : nil
        rowGroups.append(rowGroup)
        rowsWritten += rows
    }

    /// Writes the last row group and the footer, and closes the file.
    public func close() async throws(ParquetError) -> ParquetFileSummary {
        guard !closed else { throw .invalidInput(path: path, reason: "the writer is already closed") }
        try await flushRowGroup(wait: true)
        closed = true
        var metadata = FileMetaData(
            version: 1, schema: elements, numRows: Int64(rowsWritten), rowGroups: rowGroups)
        metadata.columnOrders = Array(repeating: ColumnOrder.typeDefinedOrder, count: parquetSchema.columns.count)
        try file.finishParquet(metadata, options: options)
        let summaries = parquetSchema.columns.enumerated().map { index, descriptor in
            let statistics = fileStatistics[index]
            return ParquetFileSummary.ColumnSummary(
                path: descriptor.path, isRepeated: descriptor.maxRepetitionLevel > 0,
                nullCount: statistics?.nullCount ?? 0, min: statistics?.min, max: statistics?.max)
        }
        return ParquetFileSummary(
            path: path, fileSize: file.position, rowCount: rowsWritten, rowGroupCount: rowGroups.count,
            columns: summaries)
    }

    /// Abandons the file: closes it if open and removes it.
    public func abort() {
        closed = true
        try? file.close()
        _ = FileSystem.remove(path)
    }
}

extension FileWriter {
    /// Creates the Parquet file `path` (which must not exist) and writes its leading magic `PAR1`.
    static func parquet(_ path: String) throws(ParquetError) -> FileWriter {
        do throws(StorageError) {
            let file = try FileWriter(path: path, exclusive: true)
            try file.write(Array("PAR1".utf8))
            return file
        } catch {
            throw .storage(error)
        }
    }

    /// Writes the footer of `metadata` (with `options`' `created_by` and, when set, its key-value
    /// metadata), syncs when the options ask for it, and closes the file.
    func finishParquet(_ metadata: FileMetaData, options: ParquetWriterOptions) throws(ParquetError) {
        var metadata = metadata
        metadata.createdBy = options.createdBy
        if !options.keyValueMetadata.isEmpty {
            metadata.keyValueMetadata = options.keyValueMetadata.map { KeyValue(key: $0.key, value: $0.value) }
        }
        do throws(StorageError) {
            try write(ParquetFooter.encode(metadata))
            if options.syncOnClose { try sync() }
            try close()
        } catch {
            throw .storage(error)
        }
    }
}
