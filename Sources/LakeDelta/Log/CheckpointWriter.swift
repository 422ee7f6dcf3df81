import LakeColumnar
import LakeIO
import LakeParquet

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a checkpoint holds and where it was written.
public struct CheckpointSummary: Sendable, Equatable {
    /// The table version the checkpoint captures.
    public var version: Int64
    /// The checkpoint file, `_delta_log/<20-digit version>.checkpoint.parquet`.
    public var path: String
    /// Actions (rows) in the file: `size` in `_last_checkpoint`.
    public var actionCount: Int
    /// The file size in bytes.
    public var sizeInBytes: Int64
    /// Live data files (`add` rows).
    public var addFileCount: Int
    /// Tombstones kept (`remove` rows): those deleted within the retention period.
    public var tombstoneCount: Int
    /// Tombstones of the snapshot left out because they expired.
    public var expiredTombstoneCount: Int
    /// Application transactions (`txn` rows).
    public var transactionCount: Int
    /// Domain metadata entries (`domainMetadata` rows).
    public var domainMetadataCount: Int
}

/// Writes classic checkpoints: the state of a table at one version as one Parquet file.
///
/// Delta PROTOCOL.md "Checkpoints" (`../shared/briefs/delta.md` §7; SPEC.md §7.5). One row per
/// action, one nullable struct column per action type (``CheckpointSchema``): the protocol, the
/// metadata, the txns (unless `delta.setTransactionRetentionDuration` expired them), the live
/// domain metadata, every live `add` with its JSON statistics, and the tombstones deleted less than
/// `delta.deletedFileRetentionDuration` (default one week) before now. No commitInfo, no cdc.
///
/// ```
/// snapshot ─► rows: protocol │ metaData │ txn… │ domainMetadata… │ add… │ remove…
///          ─► batches of ≤ 8192 rows (typed buffers) ─► Parquet, snappy ─► .<name>.<random>.tmp
///          ─► fsync ─► rename to N.checkpoint.parquet ─► fsync _delta_log ─► _last_checkpoint (same way)
/// ```
/// Two writers racing on one version write the same content, so either copy may win the rename.
/// A failure removes the temporary file; an existing checkpoint is never left partial.
public enum CheckpointWriter {
    /// The most rows built into one batch before it is handed to the Parquet writer.
    static let rowsPerBatch = 8192
    /// The most string bytes (paths and statistics) built into one batch.
    static let bytesPerBatch = 64 << 20
    /// The codec of checkpoint files: snappy, which every Delta reader decodes (Spark writes it too).
    public static let compression = CompressionCodec.snappy

    /// Writes the checkpoint of `snapshot` and updates `_delta_log/_last_checkpoint`.
    ///
    /// - Parameters:
    ///   - now: the time tombstones expire against, in milliseconds since the epoch (default: the clock).
    ///   - threads: threads the Parquet writer encodes columns on.
    /// - Throws: ``DeltaError`` — a malformed retention property, a table that needs V2 checkpoints,
    ///   or an I/O failure (nothing is left behind then).
    public static func write(snapshot: Snapshot, now: Int64? = nil, threads: Int = 1) async throws(DeltaError)
        -> CheckpointSummary
    {
        let content = try CheckpointContent(snapshot, now: now ?? WallClock.milliseconds())
        let logPath = snapshot.tableRoot + "/_delta_log"
        let name = LogFileName.classicCheckpointName(snapshot.version)
        let temporary = LogStore.temporaryPath(in: logPath, for: name)
        var options = ParquetWriterOptions()
        options.compression = compression
        options.threads = max(1, threads)
        let writer: ParquetFileWriter
        do {
            writer = try ParquetFileWriter(path: temporary, schema: CheckpointSchema.schema, options: options)
        } catch {
            throw DeltaError(error)
        }
        let fileSize: Int
        do throws(DeltaError) {
            do throws(ParquetError) {
                for range in content.batchRanges() { try await writer.write(content.batch(range)) }
                fileSize = try await writer.close().fileSize
            } catch {
                throw DeltaError(error)
            }
            do throws(StorageError) {
                try LogStore.syncFile(temporary)
                try LogStore.rename(temporary, to: logPath + "/" + name)
            } catch {
                throw .storage(error)
            }
        } catch {
            writer.abort()
            FileSystem.remove(temporary)
            throw error
        }
        do throws(StorageError) {
            try LogStore.syncDirectory(logPath)
        } catch {
            throw .storage(error)
        }
        let summary = CheckpointSummary(
            version: snapshot.version, path: logPath + "/" + name, actionCount: content.rowCount,
            sizeInBytes: Int64(fileSize), addFileCount: content.files.count, tombstoneCount: content.tombstones.count,
            expiredTombstoneCount: snapshot.tombstones.count - content.tombstones.count,
            transactionCount: content.transactions.count, domainMetadataCount: content.domains.count)
        try LastCheckpoint.update(with: summary, logPath: logPath)
        return summary
    }
}

extension DeltaError {
    /// Wraps a Parquet error, keeping I/O failures as ``storage(_:)``.
    init(_ error: ParquetError) {
        if case .storage(let storage) = error { self = .storage(storage) } else { self = .parquet(error) }
    }
}

/// The rows of one checkpoint, in file order, and how they are cut into batches.
struct CheckpointContent {
    let protocolAction: ProtocolAction
    let metadata: TableMetadata
    let transactions: [TransactionAction]
    let domains: [DomainMetadata]
    let files: [AddFile]
    let tombstones: [RemoveFile]

    /// The state of `snapshot` as a checkpoint holds it at time `now` (milliseconds).
    init(_ snapshot: Snapshot, now: Int64) throws(DeltaError) {
        let features = (snapshot.protocolAction.readerFeatures ?? []) + (snapshot.protocolAction.writerFeatures ?? [])
        if features.contains("v2Checkpoint") {
            // Such tables need V2 checkpoints (checkpointMetadata, sidecars); lake writes only classic ones.
            throw .unsupportedFeature(table: snapshot.tableRoot, feature: "v2Checkpoint")
        }
        let properties = TableProperties(snapshot.metadata, table: snapshot.tableRoot)
        let tombstoneCutoff = now - (try properties.deletedFileRetention())
        let transactionCutoff = try properties.transactionRetention().map { now - $0 }
        protocolAction = snapshot.protocolAction
        metadata = snapshot.metadata
        transactions = snapshot.transactions.values
            .filter { transaction in
                // Delta's rule: a txn expires only when it records when it was last updated.
                guard let transactionCutoff, let lastUpdated = transaction.lastUpdated else { return true }
                return lastUpdated >= transactionCutoff
            }
            .sorted { $0.appId < $1.appId }
        domains = snapshot.domainMetadata.values.filter { !$0.removed }.sorted { $0.domain < $1.domain }
        files = snapshot.files
        // Delta's rule: a tombstone without a deletion time counts as deleted at 0, so it has expired.
        tombstones = snapshot.tombstones.filter { ($0.deletionTimestamp ?? 0) > tombstoneCutoff }
    }

    /// Where each kind of action starts, in row order.
    private var transactionStart: Int { 2 }
    private var domainStart: Int { transactionStart + transactions.count }
    private var fileStart: Int { domainStart + domains.count }
    private var tombstoneStart: Int { fileStart + files.count }

    /// Rows in the file.
    var rowCount: Int { tombstoneStart + tombstones.count }

    /// Consecutive row ranges of at most ``CheckpointWriter/rowsPerBatch`` rows and about
    /// ``CheckpointWriter/bytesPerBatch`` string bytes each, covering every row.
    func batchRanges() -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        var bytes = 0
        for row in 0..<rowCount {
            bytes += estimatedBytes(row)
            if row + 1 - start >= CheckpointWriter.rowsPerBatch || bytes >= CheckpointWriter.bytesPerBatch {
                ranges.append(start..<(row + 1))
                start = row + 1
                bytes = 0
            }
        }
        if start < rowCount { ranges.append(start..<rowCount) }
        return ranges
    }

    private func estimatedBytes(_ row: Int) -> Int {
        if row >= tombstoneStart { return tombstones[row - tombstoneStart].path.utf8.count * 3 }
        if row >= fileStart {
            let file = files[row - fileStart]
            return file.path.utf8.count * 3 + (file.stats?.utf8.count ?? 0)
        }
        if row == 1 { return metadata.schemaString.utf8.count }
        return 64
    }

    /// The rows `range` as one batch of ``CheckpointSchema/schema``.
    func batch(_ range: Range<Int>) -> RecordBatch {
        let columns = [
            Self.column(ProtocolColumnBuilder(), [protocolAction], from: 0, rows: range),
            Self.column(MetadataColumnBuilder(), [metadata], from: 1, rows: range),
            Self.column(TransactionColumnBuilder(), transactions, from: transactionStart, rows: range),
            Self.column(AddColumnBuilder(), files, from: fileStart, rows: range),
            Self.column(RemoveColumnBuilder(), tombstones, from: tombstoneStart, rows: range),
            Self.column(DomainMetadataColumnBuilder(), domains, from: domainStart, rows: range),
        ]
        return RecordBatch(schema: CheckpointSchema.schema, columns: columns, rowCount: range.count)
    }

    /// The column of one action type for `rows`: the items that fall in them, nulls elsewhere.
    private static func column<Builder: ActionColumnBuilder>(
        _ builder: Builder, _ items: [Builder.Item], from first: Int, rows: Range<Int>
    ) -> Column {
        var builder = builder
        let overlap = (first..<(first + items.count)).clamped(to: rows)
        guard !overlap.isEmpty else { return .nulls(Builder.type, count: rows.count) }
        builder.appendNulls(overlap.lowerBound - rows.lowerBound)
        for row in overlap { builder.append(items[row - first]) }
        builder.appendNulls(rows.upperBound - overlap.upperBound)
        return builder.finish()
    }
}

/// A builder of one action type's struct column (``CheckpointSchema``).
protocol ActionColumnBuilder {
    associatedtype Item
    /// The struct type of the column.
    static var type: DataType { get }
    mutating func append(_ item: Item)
    mutating func appendNulls(_ count: Int)
    func finish() -> Column
}

extension ProtocolColumnBuilder: ActionColumnBuilder {
    static var type: DataType { .struct(CheckpointSchema.protocolFields) }
}

extension MetadataColumnBuilder: ActionColumnBuilder {
    static var type: DataType { .struct(CheckpointSchema.metadataFields) }
}

extension TransactionColumnBuilder: ActionColumnBuilder {
    static var type: DataType { .struct(CheckpointSchema.transactionFields) }
}

extension AddColumnBuilder: ActionColumnBuilder {
    static var type: DataType { .struct(CheckpointSchema.addFields) }
}

extension RemoveColumnBuilder: ActionColumnBuilder {
    static var type: DataType { .struct(CheckpointSchema.removeFields) }
}

extension DomainMetadataColumnBuilder: ActionColumnBuilder {
    static var type: DataType { .struct(CheckpointSchema.domainMetadataFields) }
}

extension LogFileName {
    /// `<20-digit version>.checkpoint.parquet`.
    static func classicCheckpointName(_ version: Int64) -> String {
        paddedVersion(version) + ".checkpoint.parquet"
    }

    /// `<20-digit version>.json`.
    static func commitName(_ version: Int64) -> String {
        paddedVersion(version) + ".json"
    }

    /// The version as 20 decimal digits, zero-padded.
    static func paddedVersion(_ version: Int64) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }
}

/// The wall clock, for expiry decisions.
enum WallClock {
    /// Milliseconds since the epoch.
    static func milliseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}
