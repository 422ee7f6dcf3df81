#if canImport(Glibc)
    import Glibc
#endif
import LakeColumnar
import LakeIO
import LakeParquet

/// How a ``TableWriter`` lays out data files.
public struct TableWriteOptions: Sendable {
    /// Parquet settings for every data file (codec zstd level 3 by default, SPEC.md §5).
    public var parquet: ParquetWriterOptions
    /// A data file is closed and a new one started once it reaches about this many bytes.
    public var targetFileSize: Int
    /// The most bytes of not-yet-encoded rows held across all open files before the largest
    /// buffers are written out as row groups.
    public var memoryBudget: Int
    /// Leaf columns (in schema order) that get min/max statistics in `add.stats`.
    public var indexedColumns: Int

    /// The defaults: zstd, 128 MiB files, a 512 MiB write buffer, statistics for 32 columns.
    public init(
        parquet: ParquetWriterOptions = ParquetWriterOptions(), targetFileSize: Int = 128 << 20,
        memoryBudget: Int = 512 << 20, indexedColumns: Int = 32
    ) {
        self.parquet = parquet
        self.targetFileSize = targetFileSize
        self.memoryBudget = memoryBudget
        self.indexedColumns = indexedColumns
    }
}

/// Writes record batches as the data files of a Delta table: split by partition values into
/// Hive-style directories, rolled at a target size, each described by an `add` action with
/// statistics (SPEC.md §7.1). Nothing is committed here; the caller commits the returned
/// actions in one transaction, or calls ``abort()`` to delete the files.
public final class TableWriter {
    /// The table's root directory.
    public let tableRoot: String
    /// The table's schema, partition columns included.
    public let schema: Schema
    /// The partition columns, in order.
    public let partitionColumns: [String]
    private let options: TableWriteOptions
    private let partitionIndices: [Int]
    private let dataIndices: [Int]
    private let dataSchema: Schema
    private var open: [[String?]: OpenFile] = [:]
    private var finished: [AddFile] = []
    private var writtenPaths: [String] = []
    private var createdDirectories: Set<String> = []
    private var fileCounter = 0
    private let runID = UUID.random()

    private struct OpenFile {
        let writer: ParquetFileWriter
        let relativePath: String
        let directory: String
    }

    /// A writer for a table at `tableRoot` with `schema`, partitioned by `partitionColumns`.
    ///
    /// - Throws: ``DeltaError/invalidRequest(table:reason:)`` when a partition column is not in
    ///   the schema or has a type that cannot be a partition column.
    public init(
        tableRoot: String, schema: Schema, partitionColumns: [String], options: TableWriteOptions = TableWriteOptions()
    ) throws(DeltaError) {
        var partitionIndices: [Int] = []
        for name in partitionColumns {
            guard let index = schema.index(of: name) else {
                throw .invalidRequest(
                    table: tableRoot,
                    reason: "partition column '\(name)' is not a column of the table "
                        + "(\(schema.fields.map(\.name).joined(separator: ", ")))")
            }
            switch schema.fields[index].type {
            case .struct, .list, .map, .time:
                throw .invalidRequest(
                    table: tableRoot,
                    reason: "column '\(name)' of type \(schema.fields[index].type) cannot be a partition column")
            default: partitionIndices.append(index)
            }
        }
        self.tableRoot = tableRoot
        self.schema = schema
        self.partitionColumns = partitionColumns
        self.partitionIndices = partitionIndices
        self.dataIndices = schema.fields.indices.filter { !partitionIndices.contains($0) }
        self.dataSchema = Schema(dataIndices.map { schema.fields[$0] })
        var options = options
        options.parquet.syncOnClose = true
        options.parquet.targetRowGroupBytes = min(options.parquet.targetRowGroupBytes, max(options.targetFileSize, 1))
        self.options = options
    }

    /// Writes the rows of `batch`, whose schema must be the table's.
    public func write(_ batch: RecordBatch) async throws(DeltaError) {
        guard batch.schema == schema else {
            throw .invalidRequest(
                table: tableRoot,
                reason: "rows with columns (\(batch.schema.fields.map(\.description).joined(separator: ", "))) do not "
                    + "match the table's (\(schema.fields.map(\.description).joined(separator: ", ")))")
        }
        guard batch.rowCount > 0 else { return }
        let groups = PartitionSplitter.split(batch, columns: partitionIndices)
        for group in groups {
            let data: RecordBatch
            if groups.count == 1 {
                data = RecordBatch(schema: dataSchema, columns: dataIndices.map { batch.columns[$0] }, rowCount: batch.rowCount)
            } else {
                data = group.rows.withUnsafeBufferPointer { rows in
                    RecordBatch(
                        schema: dataSchema, columns: dataIndices.map { batch.columns[$0].take(rows) },
                        rowCount: rows.count)
                }
            }
            try await write(data, partition: group.values)
        }
        try await enforceMemoryBudget()
    }

    private func write(_ data: RecordBatch, partition: [String?]) async throws(DeltaError) {
        let file = try openFile(for: partition)
        do {
            try await file.writer.write(data)
        } catch {
            throw .parquet(error)
        }
        if file.writer.bytesWritten >= options.targetFileSize {
            try await close(partition)
        }
    }

    /// Closes every open file and returns the `add` actions of all files written.
    public func finish() async throws(DeltaError) -> [AddFile] {
        for key in Array(open.keys) { try await close(key) }
        for directory in createdDirectories.sorted(by: { $0.count > $1.count }) {
            try syncDirectory(directory)
        }
        try syncDirectory(tableRoot)
        return finished
    }

    /// Deletes every file written so far (for a write that will not be committed).
    public func abort() {
        for file in open.values { file.writer.abort() }
        open.removeAll()
        for path in writtenPaths { FileSystem.remove(path) }
        writtenPaths.removeAll()
        finished.removeAll()
    }

    /// Writes every row group of `readers` (data files of this table, all passing
    /// ``ParquetRowGroupCopier/canCopy(_:like:codec:minRowGroupRows:)`` against the first) into new
    /// files of `partition`, copying column chunks without decoding them, and starts a new file
    /// once one reaches the target size (SPEC.md §7.6).
    public func copyRowGroups(of readers: [ParquetFileReader], partition: [String?]) throws(DeltaError) {
        guard let template = readers.first else { return }
        var current: (copier: ParquetRowGroupCopier, relativePath: String)?
        for reader in readers {
            if current == nil {
                let (relativePath, path) = try newFilePath(for: partition)
                do {
                    current = (try ParquetRowGroupCopier(path: path, like: template, options: options.parquet), relativePath)
                } catch {
                    throw .parquet(error)
                }
                writtenPaths.append(path)
            }
            do throws(ParquetError) {
                try current!.copier.append(reader)
                if current!.copier.bytesWritten >= options.targetFileSize {
                    finishCopy(try current!.copier.close(), relativePath: current!.relativePath, partition: partition)
                    current = nil
                }
            } catch {
                current?.copier.abort()
                throw .parquet(error)
            }
        }
        if let current {
            do {
                finishCopy(try current.copier.close(), relativePath: current.relativePath, partition: partition)
            } catch {
                current.copier.abort()
                throw .parquet(error)
            }
        }
    }

    private func finishCopy(_ summary: ParquetFileSummary, relativePath: String, partition: [String?]) {
        let statistics = FileStatistics(summary: summary, schema: dataSchema, indexedColumns: options.indexedColumns)
        var values: [String: String?] = [:]
        for (name, value) in zip(partitionColumns, partition) { values[name] = .some(value) }
        finished.append(
            AddFile(
                path: relativePath, partitionValues: values, size: Int64(summary.fileSize),
                modificationTime: Self.nowMillis(), dataChange: true, stats: statistics.json(schema: dataSchema)))
    }

    /// The schema of the data files: the table's columns without the partition columns.
    public var dataFileSchema: Schema { dataSchema }

    /// A new data file's table-relative path and full path in `partition`'s directory (created).
    private func newFilePath(for partition: [String?]) throws(DeltaError) -> (relative: String, path: String) {
        var directory = ""
        for (name, value) in zip(partitionColumns, partition) {
            let escaped = value.map(DeltaPath.escapePartitionValue) ?? "__HIVE_DEFAULT_PARTITION__"
            directory += DeltaPath.escapePartitionValue(name) + "=" + escaped + "/"
        }
        let name = "part-\(Self.fiveDigits(fileCounter))-\(runID)-c000\(Self.extension(options.parquet.compression)).parquet"
        fileCounter += 1
        let relativePath = directory + name
        try createDirectories(directory)
        return (relativePath, tableRoot + "/" + relativePath)
    }

    private func openFile(for partition: [String?]) throws(DeltaError) -> OpenFile {
        if let file = open[partition] { return file }
        let (relativePath, path) = try newFilePath(for: partition)
        let directory = String(relativePath[..<(relativePath.lastIndex(of: "/").map { relativePath.index(after: $0) } ?? relativePath.startIndex)])
        do {
            let writer = try ParquetFileWriter(path: path, schema: dataSchema, options: options.parquet)
            writtenPaths.append(path)
            let file = OpenFile(writer: writer, relativePath: relativePath, directory: directory)
            open[partition] = file
            return file
        } catch {
            throw .parquet(error)
        }
    }

    private func close(_ partition: [String?]) async throws(DeltaError) {
        guard let file = open.removeValue(forKey: partition) else { return }
        let summary: ParquetFileSummary
        do {
            summary = try await file.writer.close()
        } catch {
            throw .parquet(error)
        }
        let statistics = FileStatistics(summary: summary, schema: dataSchema, indexedColumns: options.indexedColumns)
        var values: [String: String?] = [:]
        for (name, value) in zip(partitionColumns, partition) { values[name] = .some(value) }
        finished.append(
            AddFile(
                path: file.relativePath, partitionValues: values, size: Int64(summary.fileSize),
                modificationTime: Self.nowMillis(), dataChange: true, stats: statistics.json(schema: dataSchema)))
    }

    /// Writes out the largest buffers as row groups while the open files hold more than the budget.
    private func enforceMemoryBudget() async throws(DeltaError) {
        var total = open.values.reduce(0) { $0 + $1.writer.bufferedBytes }
        guard total > options.memoryBudget else { return }
        let bySize = open.values.sorted { $0.writer.bufferedBytes > $1.writer.bufferedBytes }
        for file in bySize where total > options.memoryBudget / 2 {
            total -= file.writer.bufferedBytes
            do {
                try await file.writer.flush()
            } catch {
                throw .parquet(error)
            }
        }
    }

    /// Creates `relative` (a chain of partition directories) under the table root.
    private func createDirectories(_ relative: String) throws(DeltaError) {
        var current = tableRoot
        for component in relative.split(separator: "/") {
            current += "/" + component
            if createdDirectories.contains(current) { continue }
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw .storage(.fromErrno(errno, path: current, operation: "mkdir"))
            }
            createdDirectories.insert(current)
        }
    }

    private func syncDirectory(_ path: String) throws(DeltaError) {
        do {
            try FileSystem.syncDirectory(path)
        } catch {
            throw .storage(error)
        }
    }

    private static func fiveDigits(_ value: Int) -> String {
        let text = String(value)
        return text.count >= 5 ? text : String(repeating: "0", count: 5 - text.count) + text
    }

    /// The codec part of a data file name, as Spark and delta-rs write it.
    private static func `extension`(_ codec: CompressionCodec) -> String {
        switch codec {
        case .zstd: ".zstd"
        case .snappy: ".snappy"
        case .gzip: ".gz"
        case .lz4, .lz4Raw: ".lz4"
        case .uncompressed: ""
        default: ""
        }
    }

    static func nowMillis() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}

/// A random (version 4) UUID in its lowercase text form.
enum UUID {
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { byte -> String in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }
        return hex[0..<4].joined() + "-" + hex[4..<6].joined() + "-" + hex[6..<8].joined() + "-"
            + hex[8..<10].joined() + "-" + hex[10..<16].joined()
    }
}
