import LakeColumnar
import LakeParquet

/// What a compaction should do (SPEC.md §7.6).
public struct CompactionRequest: Sendable {
    /// The size output files aim for, in bytes; `nil`: the table's `delta.targetFileSize`, else 128 MiB.
    public var targetFileSize: Int?
    /// Only partitions whose values pass this test are compacted (`nil`: all). The values are the
    /// files' `partitionValues` (Delta's text form; `nil` for a null value).
    public var partitionFilter: (@Sendable ([String: String?]) -> Bool)?
    /// The partition filter as the user wrote it, recorded in the commit (`operationParameters.predicate`).
    public var predicateText: String?
    /// Data file options for the rewritten files (codec, threads, …); the target size is set from
    /// ``targetFileSize``.
    public var options: TableWriteOptions
    /// How many times to plan again on a newer snapshot after a concurrent commit removed files
    /// this compaction was rewriting.
    public var maxAttempts: Int
    /// Columns to sort each rewritten partition by (`lake compact --sort-by`); empty: keep log order.
    /// With sort columns, every file of a partition is rewritten unless all of them already carry
    /// the tag ``Compaction/sortedByTag`` with these columns and at most one is small.
    public var sortColumns: [String] = []
    /// Whether ``sortColumns`` are clustered by a Z-order curve (`--zorder-by`) rather than sorted
    /// lexicographically; files are then tagged ``Compaction/zOrderedByTag``.
    public var zOrder = false
    /// Sorts a partition's rows by ``sortColumns`` (the engine supplies it; LakeDelta has no sort).
    public var sortRows: (@Sendable ([RecordBatch], [String]) async throws -> [RecordBatch])?
    /// A partition is compacted only when it holds at least this many small files (at least 2).
    public var minimumSmallFiles: Int = 2
    /// Whether this compaction was started by an ingest (`lake.autoCompact.minFiles`), recorded
    /// in the commit as `operationParameters.auto`.
    public var isAutomatic = false
    /// Row groups of at least this many rows are copied as they are (no decoding or recompression)
    /// when a partition's files all qualify (SPEC.md §7.6); `Int.max` always decodes and re-encodes.
    public var copyRowGroupsOfAtLeast: Int = 16_384

    /// A request with the defaults: the table's target size, every partition, three attempts.
    public init(
        targetFileSize: Int? = nil, partitionFilter: (@Sendable ([String: String?]) -> Bool)? = nil,
        predicateText: String? = nil, options: TableWriteOptions = TableWriteOptions(), maxAttempts: Int = 3
    ) {
        self.targetFileSize = targetFileSize
        self.partitionFilter = partitionFilter
        self.predicateText = predicateText
        self.options = options
        self.maxAttempts = maxAttempts
    }
}

/// What a compaction did.
public struct CompactionOutcome: Sendable, Equatable {
    /// The version committed, or `nil` when there was nothing to compact.
    public var version: Int64?
    /// The snapshot version the (last) plan was made on.
    public var readVersion: Int64
    /// The target file size used, in bytes.
    public var targetFileSize: Int
    /// Files removed and added, with their bytes; rows rewritten.
    public var filesRemoved = 0
    public var filesAdded = 0
    public var bytesRemoved: Int64 = 0
    public var bytesAdded: Int64 = 0
    public var rowsRewritten = 0
    /// Row groups copied without decoding (SPEC.md §7.6); the others were decoded and re-encoded.
    public var rowGroupsCopied = 0
    /// Partitions that had files to merge, and partitions looked at (after the filter).
    public var partitionsCompacted = 0
    public var partitionsConsidered = 0
    /// Plans thrown away because a concurrent commit removed a file they rewrote.
    public var conflictRetries = 0
    /// Races for the version lost to commits that did not conflict.
    public var commitRetries = 0
    /// The checkpoint written after the commit, if one was due.
    public var checkpointVersion: Int64?
    /// Problems that did not fail the compaction.
    public var warnings: [String] = []
}

/// Bin-packing compaction (Delta's `OPTIMIZE`): rewrites each partition's small files into files
/// near the target size, in one commit of `remove` + `add` actions with `dataChange=false`
/// (SPEC.md §7.6).
///
/// A file is *small* when it is under three quarters of the target. In each partition with at
/// least two small files, all of them are read in log order and written again through one
/// ``TableWriter`` that rolls files at the target size, so the partition ends with files of at
/// least the target and at most one smaller remainder: running compaction again finds at most one
/// small file per partition and changes nothing. Files near the target are never rewritten.
///
/// The commit's read set is the removed files: a concurrent append does not conflict, while a
/// concurrent commit that removed one of them (another compaction, an overwrite) does; then the
/// written files are deleted and the plan is made again on the new snapshot, up to
/// ``CompactionRequest/maxAttempts`` times, so rows are never doubled.
public enum Compaction {
    /// Compacts the table at `tableRoot`.
    ///
    /// - Throws: ``DeltaError`` — the table cannot be read or written, a rewrite read back a
    ///   different number of rows than the files' statistics promise, conflicts on every attempt.
    public static func run(tableRoot: String, request: CompactionRequest) async throws(DeltaError) -> CompactionOutcome {
        var attempt = 0
        while true {
            attempt += 1
            let snapshot = try Snapshot.load(table: tableRoot)
            try Transaction.checkWritable(snapshot.protocolAction, table: tableRoot)
            var target = request.targetFileSize ?? 0
            if request.targetFileSize == nil {
                target = try TableProperties(snapshot.metadata, table: tableRoot).targetFileSize()
            }
            var outcome = CompactionOutcome(readVersion: snapshot.version, targetFileSize: target)
            outcome.conflictRetries = attempt - 1
            for column in request.sortColumns where snapshot.schema.field(named: column) == nil {
                throw .invalidRequest(
                    table: tableRoot,
                    reason: "cannot sort by '\(column)': the columns are "
                        + snapshot.schema.fields.map(\.name).joined(separator: ", "))
            }
            let plan =
                request.sortColumns.isEmpty
                ? plan(
                    snapshot.files, targetFileSize: target, filter: request.partitionFilter,
                    minimumSmallFiles: request.minimumSmallFiles)
                : sortPlan(
                    snapshot.files, targetFileSize: target, filter: request.partitionFilter,
                    columns: request.sortColumns, tagKey: request.zOrder ? zOrderedByTag : sortedByTag)
            outcome.partitionsConsidered = plan.partitionsConsidered
            guard !plan.groups.isEmpty else { return outcome }
            do throws(DeltaError) {
                return try await rewrite(
                    plan.groups, snapshot: snapshot, target: target, request: request, outcome: outcome)
            } catch {
                guard case .conflict = error, attempt < request.maxAttempts else { throw error }
            }
        }
    }

    /// Readers of `group`'s files when their row groups can be copied without decoding: each file
    /// holds the table's data columns with one layout and codec, the row count its statistics
    /// state, and row groups of at least ``CompactionRequest/copyRowGroupsOfAtLeast`` rows.
    static func copyableReaders(
        _ group: [AddFile], scan: TableScan, writer: TableWriter, request: CompactionRequest
    ) throws(DeltaError) -> [ParquetFileReader]? {
        guard request.copyRowGroupsOfAtLeast < Int.max else { return nil }
        let expected = writer.dataFileSchema.fields.map { ($0.name, $0.type) }
        var readers: [ParquetFileReader] = []
        for file in group {
            let path = try scan.resolvedPath(of: file)
            let reader: ParquetFileReader
            do {
                reader = try ParquetFileReader(path: path)
            } catch {
                throw .parquet(error)
            }
            let fields = reader.schema.fields
            guard fields.count == expected.count,
                zip(fields, expected).allSatisfy({ $0.name == $1.0 && $0.type == $1.1 }),
                ParquetRowGroupCopier.canCopy(
                    reader, like: readers.first ?? reader, codec: request.options.parquet.compression,
                    minRowGroupRows: request.copyRowGroupsOfAtLeast)
            else { return nil }
            try checkRowCount(file, rows: reader.rowCount, table: scan.snapshot.tableRoot)
            readers.append(reader)
        }
        return readers
    }

    /// The tag a sorting compaction puts on the files it writes: the sort columns, comma-separated.
    public static let sortedByTag = "lake.sortedBy"
    /// The tag a Z-ordering compaction puts on the files it writes: the columns, comma-separated.
    public static let zOrderedByTag = "lake.zOrderBy"

    /// With sort columns: every partition (after the filter) whose files are not all tagged as
    /// sorted by `columns` with at most one small file among them, all of its files.
    static func sortPlan(
        _ files: [AddFile], targetFileSize: Int, filter: (@Sendable ([String: String?]) -> Bool)?, columns: [String],
        tagKey: String = sortedByTag
    ) -> Plan {
        let smallLimit = Int64(targetFileSize) - Int64(targetFileSize) / 4
        let tag = columns.joined(separator: ",")
        var groupIndex: [[String: String?]: Int] = [:]
        var groups: [[AddFile]] = []
        for file in files where file.deletionVector == nil {
            if let filter, !filter(file.partitionValues) { continue }
            if let index = groupIndex[file.partitionValues] {
                groups[index].append(file)
            } else {
                groupIndex[file.partitionValues] = groups.count
                groups.append([file])
            }
        }
        let considered = groups.count
        groups.removeAll { group in
            group.allSatisfy { ($0.tags?[tagKey] ?? nil) == tag } && group.filter { $0.size < smallLimit }.count <= 1
        }
        return Plan(groups: groups, partitionsConsidered: considered)
    }

    /// Throws unless `file` holds the row count its statistics state (when they state one): a
    /// compaction must neither lose nor double a row.
    static func checkRowCount(_ file: AddFile, rows: Int, table: String) throws(DeltaError) {
        if let stats = file.stats, let value = try? JSONReader.parse(stats),
            let expected = value["numRecords"]?.int64Value, expected != Int64(rows)
        {
            throw .invalidRequest(
                table: table,
                reason: "file \(file.path) holds \(rows) rows but its statistics say \(expected); "
                    + "compaction stopped before committing anything")
        }
    }

    /// The files to rewrite, one group per partition, in log order.
    struct Plan {
        var groups: [[AddFile]]
        var partitionsConsidered: Int
    }

    /// Groups the small files of `files` by partition, keeping partitions with at least two.
    static func plan(
        _ files: [AddFile], targetFileSize: Int, filter: (@Sendable ([String: String?]) -> Bool)?,
        minimumSmallFiles: Int = 2
    ) -> Plan {
        let smallLimit = Int64(targetFileSize) - Int64(targetFileSize) / 4
        var groupIndex: [[String: String?]: Int] = [:]
        var groups: [[AddFile]] = []
        var considered = Set<[String: String?]>()
        for file in files where file.deletionVector == nil {
            if let filter, !filter(file.partitionValues) { continue }
            considered.insert(file.partitionValues)
            guard file.size < smallLimit else { continue }
            if let index = groupIndex[file.partitionValues] {
                groups[index].append(file)
            } else {
                groupIndex[file.partitionValues] = groups.count
                groups.append([file])
            }
        }
        let minimum = max(2, minimumSmallFiles)
        return Plan(groups: groups.filter { $0.count >= minimum }, partitionsConsidered: considered.count)
    }

    static func rewrite(
        _ groups: [[AddFile]], snapshot: Snapshot, target: Int, request: CompactionRequest, outcome: CompactionOutcome
    ) async throws(DeltaError) -> CompactionOutcome {
        var outcome = outcome
        var options = request.options
        options.targetFileSize = target
        let scan = try TableScan(snapshot: snapshot)
        let threads = max(1, options.parquet.threads)
        var writers: [TableWriter] = []
        var adds: [AddFile] = []
        var removes: [RemoveFile] = []
        let now = TableWriter.nowMillis()
        do throws(DeltaError) {
            for group in groups {
                let writer = try TableWriter(
                    tableRoot: snapshot.tableRoot, schema: scan.schema, partitionColumns: snapshot.partitionColumns,
                    options: options)
                writers.append(writer)
                var rowCounts: [Int] = []
                if let sortRows = request.sortRows, !request.sortColumns.isEmpty {
                    var batches: [RecordBatch] = []
                    for file in group {
                        let fileBatches = try await scan.read(file, threads: threads)
                        let fileRows = fileBatches.reduce(0) { $0 + $1.rowCount }
                        try checkRowCount(file, rows: fileRows, table: snapshot.tableRoot)
                        rowCounts.append(fileRows)
                        batches += fileBatches
                    }
                    let sorted: [RecordBatch]
                    do {
                        sorted = try await sortRows(batches, request.sortColumns)
                    } catch {
                        throw DeltaError.invalidRequest(table: snapshot.tableRoot, reason: "sorting failed: \(error)")
                    }
                    guard sorted.reduce(0, { $0 + $1.rowCount }) == rowCounts.reduce(0, +) else {
                        throw DeltaError.invalidRequest(
                            table: snapshot.tableRoot, reason: "sorting changed the number of rows; nothing was committed")
                    }
                    // In slices, so that files roll at the target size inside one big sorted batch.
                    for batch in sorted {
                        var start = 0
                        while start < batch.rowCount {
                            let end = min(batch.rowCount, start + 4_096)
                            try await writer.write(start == 0 && end == batch.rowCount ? batch : batch.slice(start..<end))
                            start = end
                        }
                    }
                } else if let readers = try copyableReaders(group, scan: scan, writer: writer, request: request) {
                    let partition = snapshot.partitionColumns.map { group[0].partitionValues[$0] ?? nil }
                    try writer.copyRowGroups(of: readers, partition: partition)
                    rowCounts = readers.map(\.rowCount)
                    outcome.rowGroupsCopied += readers.reduce(0) { $0 + $1.rowGroupCount }
                } else {
                    for file in group {
                        var fileRows = 0
                        for batch in try await scan.read(file, threads: threads) {
                            try await writer.write(batch)
                            fileRows += batch.rowCount
                        }
                        try checkRowCount(file, rows: fileRows, table: snapshot.tableRoot)
                        rowCounts.append(fileRows)
                    }
                }
                for (file, rows) in zip(group, rowCounts) {
                    outcome.rowsRewritten += rows
                    removes.append(
                        RemoveFile(
                            path: file.path, deletionTimestamp: now, dataChange: false, extendedFileMetadata: true,
                            partitionValues: file.partitionValues, size: file.size))
                    outcome.bytesRemoved += file.size
                }
                for var add in try await writer.finish() {
                    add.dataChange = false
                    if !request.sortColumns.isEmpty {
                        add.tags = [
                            request.zOrder ? Self.zOrderedByTag : Self.sortedByTag:
                                .some(request.sortColumns.joined(separator: ","))
                        ]
                    }
                    adds.append(add)
                    outcome.bytesAdded += add.size
                }
                outcome.filesRemoved += group.count
                outcome.partitionsCompacted += 1
            }
        } catch {
            for writer in writers { writer.abort() }
            throw error
        }
        outcome.filesAdded = adds.count
        let parameters: [String: String] = [
            "targetSize": String(target), "auto": request.isAutomatic ? "true" : "false",
            "zOrderBy": JSONWriter.encode(.array(request.zOrder ? request.sortColumns.map { .string($0) } : [])),
            "sortBy": JSONWriter.encode(.array(request.zOrder ? [] : request.sortColumns.map { .string($0) })),
            "predicate": JSONWriter.encode(.array(request.predicateText.map { [.string($0)] } ?? [])),
        ]
        let operation = CommitOperation(
            name: "OPTIMIZE", parameters: parameters,
            metrics: [
                ("numRemovedFiles", .integer(removes.count)), ("numAddedFiles", .integer(adds.count)),
                ("numRemovedBytes", .integer(Int(outcome.bytesRemoved))),
                ("numAddedBytes", .integer(Int(outcome.bytesAdded))),
                ("numPartitionsOptimized", .integer(outcome.partitionsCompacted)),
            ])
        let transaction = Transaction(
            tableRoot: snapshot.tableRoot, snapshot: snapshot,
            readSet: ReadSet(scope: .files(Set(removes.map(\.path)))))
        let result: CommitResult
        do {
            result = try transaction.commit(removes.map { .remove($0) } + adds.map { .add($0) }, operation: operation)
        } catch {
            if case .commitUnconfirmed = error { throw error }
            for writer in writers { writer.abort() }
            throw error
        }
        outcome.version = result.version
        outcome.commitRetries = result.retries
        if DeltaLog.isCheckpointDue(after: result.version, metadata: snapshot.metadata) {
            do {
                try await DeltaLog(tableRoot: snapshot.tableRoot).checkpoint(version: result.version, threads: threads)
                outcome.checkpointVersion = result.version
            } catch {
                outcome.warnings.append("the checkpoint of version \(result.version) was not written: \(error)")
            }
        }
        return outcome
    }
}
