import LakeColumnar
import LakeIO

/// What to do when writing to a table that may already exist (SPEC.md §7.4).
public enum WriteMode: String, Sendable, CaseIterable {
    /// Add the rows to the table (creating it when missing).
    case append
    /// Replace the table's rows (creating it when missing).
    case overwrite
    /// Create the table; fail if it exists.
    case error
    /// Create the table; do nothing if it exists.
    case ignore
}

/// Whether a write may change an existing table's schema (SPEC.md §2.8, §7.4).
public enum SchemaEvolution: String, Sendable, CaseIterable {
    /// The rows must have the table's schema.
    case none
    /// Columns the table lacks are added (nullable, after the table's columns) by a `metaData`
    /// action in the same commit.
    case merge
    /// The rows' schema replaces the table's (only with ``WriteMode/overwrite``), in the same commit.
    case overwrite
}

/// How a ``WriteSession`` writes.
public struct WriteRequest: Sendable {
    /// What to do with an existing table.
    public var mode: WriteMode
    /// Partition columns when the table is created (an existing table keeps its own).
    public var partitionColumns: [String]
    /// Data file layout.
    public var options: TableWriteOptions
    /// Exactly-once ingestion: the application id and the version of this write; a version at or
    /// below the one the table recorded for the id makes the write a no-op.
    public var transaction: (appId: String, version: Int64)?
    /// Table properties set when the table is created.
    public var configuration: [String: String]
    /// The operation recorded in history, and extra parameters.
    public var operationName: String
    public var operationParameters: [String: String]
    /// Whether the write may change an existing table's schema.
    public var schemaEvolution: SchemaEvolution = .none

    /// A request with lake's defaults: append, unpartitioned, zstd, 128 MiB files.
    public init(
        mode: WriteMode = .append, partitionColumns: [String] = [], options: TableWriteOptions = TableWriteOptions(),
        transaction: (appId: String, version: Int64)? = nil, configuration: [String: String] = [:],
        operationName: String = "WRITE", operationParameters: [String: String] = [:]
    ) {
        self.mode = mode
        self.partitionColumns = partitionColumns
        self.options = options
        self.transaction = transaction
        self.configuration = configuration
        self.operationName = operationName
        self.operationParameters = operationParameters
    }
}

/// What a finished write did.
public struct WriteOutcome: Sendable, Equatable {
    /// The version committed, or `nil` when nothing was committed.
    public var version: Int64?
    /// Why nothing was committed (`ignore` on an existing table, a transaction already applied).
    public var skipped: String?
    /// Data files added and removed, rows and bytes added.
    public var filesAdded: Int
    public var filesRemoved: Int
    public var rowsAdded: Int
    public var bytesAdded: Int
    /// Races lost to other writers before the commit went through.
    public var retries: Int
    /// The checkpoint written after the commit (SPEC.md §7.5), if one was due.
    public var checkpointVersion: Int64? = nil
    /// The compaction `lake.autoCompact.minFiles` ran after the commit, if it committed one.
    public var autoCompaction: CompactionOutcome? = nil
    /// Problems that did not fail the write (a checkpoint that could not be written).
    public var warnings: [String] = []

    /// An outcome in which nothing was committed, for `reason`.
    public static func skipped(_ reason: String) -> WriteOutcome {
        WriteOutcome(
            version: nil, skipped: reason, filesAdded: 0, filesRemoved: 0, rowsAdded: 0, bytesAdded: 0, retries: 0)
    }
}

/// One write to a table: rows go in batch by batch, and ``commit()`` makes them one atomic
/// version (SPEC.md §7.4). Until then nothing is visible; ``abort()`` deletes the files written.
public final class WriteSession {
    /// The table's root directory.
    public let tableRoot: String
    /// The table's schema (the existing table's, or the new table's).
    public let schema: Schema
    private let request: WriteRequest
    private let snapshot: Snapshot?
    private let writer: TableWriter?
    private var skipped: String?
    private var rowsAdded = 0
    /// The new schema to record, when the write changes an existing table's schema.
    private var changedSchema: Schema?

    /// Starts a write of rows with `schema` to the table at `tableRoot`.
    ///
    /// - Throws: ``DeltaError/tableExists(path:)`` in `error` mode when the table exists;
    ///   ``DeltaError/invalidRequest(table:reason:)`` when `schema` does not match the existing
    ///   table's (naming the column and both types) or partition columns differ; errors reading the
    ///   table.
    public init(tableRoot: String, schema: Schema, request: WriteRequest) throws(DeltaError) {
        self.tableRoot = tableRoot
        self.request = request
        let existing = try Self.loadIfPresent(tableRoot)
        snapshot = existing
        if let existing {
            try Transaction.checkWritable(existing.protocolAction, table: tableRoot)
            switch request.mode {
            case .error: throw .tableExists(path: tableRoot)
            case .ignore: skipped = "the table exists (mode ignore)"
            case .append, .overwrite: break
            }
            if let transaction = request.transaction,
                let applied = existing.transactionVersion(appId: transaction.appId), applied >= transaction.version
            {
                skipped = "application '\(transaction.appId)' already committed version \(applied) "
                    + "(this is version \(transaction.version))"
            }
            switch request.schemaEvolution {
            case .none:
                try Self.checkCompatible(schema, with: existing.schema, table: tableRoot)
                self.schema = existing.schema
            case .merge:
                let merged = try Self.merged(schema, into: existing.schema, table: tableRoot)
                self.schema = merged
                if merged != existing.schema { changedSchema = merged }
            case .overwrite:
                guard request.mode == .overwrite else {
                    throw .invalidRequest(
                        table: tableRoot, reason: "replacing the table's schema needs mode overwrite")
                }
                self.schema = schema
                if schema != existing.schema { changedSchema = schema }
            }
            if !request.partitionColumns.isEmpty && request.partitionColumns != existing.partitionColumns
                && request.schemaEvolution != .overwrite
            {
                throw .invalidRequest(
                    table: tableRoot,
                    reason: "the table is partitioned by (\(existing.partitionColumns.joined(separator: ", "))), "
                        + "not (\(request.partitionColumns.joined(separator: ", ")))")
            }
        } else {
            self.schema = schema
        }
        if skipped == nil {
            writer = try TableWriter(
                tableRoot: tableRoot, schema: self.schema,
                partitionColumns: Self.partitionColumns(existing, request), options: request.options)
            if existing == nil { try Self.createTableDirectory(tableRoot) }
        } else {
            writer = nil
        }
    }

    /// Why the session will commit nothing, or `nil` when it will write.
    public var skipReason: String? { skipped }

    /// Writes the rows of `batch` to data files.
    public func write(_ batch: RecordBatch) async throws(DeltaError) {
        guard let writer else { return }
        let aligned = try align(batch)
        do {
            try await writer.write(aligned)
        } catch {
            writer.abort()
            throw error
        }
        rowsAdded += batch.rowCount
    }

    /// Commits everything written as one version; deletes the data files if no commit was made.
    public func commit() async throws(DeltaError) -> WriteOutcome {
        guard let writer else {
            return WriteOutcome(
                version: nil, skipped: skipped, filesAdded: 0, filesRemoved: 0, rowsAdded: 0, bytesAdded: 0,
                retries: 0)
        }
        let adds: [AddFile]
        do {
            adds = try await writer.finish()
        } catch {
            writer.abort()
            throw error
        }
        var actions: [Action] = []
        var readSet = ReadSet()
        var createdMetadata: TableMetadata?
        let now = TableWriter.nowMillis()
        var removes: [RemoveFile] = []
        if let snapshot, request.mode == .overwrite {
            readSet.scope = .wholeTable
            removes = snapshot.files.map { file in
                RemoveFile(
                    path: file.path, deletionTimestamp: now, dataChange: true, extendedFileMetadata: true,
                    partitionValues: file.partitionValues, size: file.size)
            }
        }
        if snapshot == nil {
            actions.append(.protocol(Transaction.protocolForNewTable(schema)))
            let metadata = try newMetadata(createdTime: now)
            createdMetadata = metadata
            actions.append(.metadata(metadata))
        } else if let snapshot, let changedSchema {
            // Schema evolution: the new schema in the same commit as the rows (SPEC.md §2.8).
            let needed = Transaction.protocolForNewTable(changedSchema)
            if needed.minReaderVersion > snapshot.protocolAction.minReaderVersion
                || needed.minWriterVersion > snapshot.protocolAction.minWriterVersion
            {
                actions.append(.protocol(needed))
            }
            var metadata = snapshot.metadata
            metadata.schemaString = try DeltaSchema(changedSchema).jsonString
            metadata.partitionColumns = Self.partitionColumns(snapshot, request)
            createdMetadata = metadata
            actions.append(.metadata(metadata))
        }
        actions += removes.map { .remove($0) }
        actions += adds.map { .add($0) }
        if let transaction = request.transaction {
            actions.append(.txn(TransactionAction(appId: transaction.appId, version: transaction.version, lastUpdated: now)))
            readSet.appIds.insert(transaction.appId)
        }
        var parameters = request.operationParameters
        parameters["mode"] = Self.modeName(request.mode)
        let partitionColumns = Self.partitionColumns(snapshot, request)
        if changedSchema != nil { parameters["schemaEvolution"] = request.schemaEvolution.rawValue }
        parameters["partitionBy"] = JSONWriter.encode(.array(partitionColumns.map { .string($0) }))
        let bytes = adds.reduce(0) { $0 + Int($1.size) }
        let operation = CommitOperation(
            name: snapshot == nil && request.operationName == "WRITE" ? "CREATE TABLE AS SELECT" : request.operationName,
            parameters: parameters,
            metrics: [
                ("numFiles", .integer(adds.count)), ("numOutputRows", .integer(rowsAdded)),
                ("numOutputBytes", .integer(bytes)), ("numRemovedFiles", .integer(removes.count)),
            ])
        let transaction = Transaction(tableRoot: tableRoot, snapshot: snapshot, readSet: readSet)
        let result: CommitResult
        do {
            result = try transaction.commit(actions, operation: operation)
        } catch {
            if case .commitUnconfirmed = error { throw error }
            writer.abort()
            throw error
        }
        var outcome = WriteOutcome(
            version: result.version, skipped: nil, filesAdded: adds.count, filesRemoved: removes.count,
            rowsAdded: rowsAdded, bytesAdded: bytes, retries: result.retries)
        // The commit is durable; a checkpoint is only an optimization and never fails the write.
        if let metadata = createdMetadata ?? snapshot?.metadata,
            DeltaLog.isCheckpointDue(after: result.version, metadata: metadata)
        {
            do {
                try await DeltaLog(tableRoot: tableRoot).checkpoint(
                    version: result.version, threads: request.options.parquet.threads)
                outcome.checkpointVersion = result.version
            } catch {
                outcome.warnings.append("the checkpoint of version \(result.version) was not written: \(error)")
            }
        }
        await autoCompact(after: adds, metadata: snapshot?.metadata ?? createdMetadata, outcome: &outcome)
        return outcome
    }

    /// With `lake.autoCompact.minFiles` set, compacts the partitions this write added files to
    /// that now hold at least that many small files, in a separate commit (SPEC.md §7.6). The
    /// write is committed already, so a failure here is a warning.
    private func autoCompact(after adds: [AddFile], metadata: TableMetadata?, outcome: inout WriteOutcome) async {
        guard let metadata, !adds.isEmpty else { return }
        let minimum: Int
        do {
            guard let value = try TableProperties(metadata, table: tableRoot).autoCompactMinFiles() else { return }
            minimum = value
        } catch {
            outcome.warnings.append("auto-compaction skipped: \(error)")
            return
        }
        let touched = Set(adds.map(\.partitionValues))
        var compaction = CompactionRequest(options: request.options)
        compaction.partitionFilter = { touched.contains($0) }
        compaction.minimumSmallFiles = minimum
        compaction.isAutomatic = true
        do {
            let result = try await Compaction.run(tableRoot: tableRoot, request: compaction)
            if result.version != nil { outcome.autoCompaction = result }
        } catch {
            outcome.warnings.append("auto-compaction after version \(outcome.version ?? -1) failed (the write is committed): \(error)")
        }
    }

    /// Deletes the data files written so far; nothing is committed.
    public func abort() {
        writer?.abort()
    }

    private func newMetadata(createdTime: Int64) throws(DeltaError) -> TableMetadata {
        let deltaSchema = try DeltaSchema(schema)
        return TableMetadata(
            id: UUID.random(), schemaString: deltaSchema.jsonString, partitionColumns: request.partitionColumns,
            configuration: request.configuration, createdTime: createdTime)
    }

    /// The batch with the table's field names and nullability (types must already match).
    private func align(_ batch: RecordBatch) throws(DeltaError) -> RecordBatch {
        if batch.schema == schema { return batch }
        var batch = batch
        if request.schemaEvolution == .merge && batch.schema.fields.map({ $0.name.lowercased() }) != schema.fields.map({ $0.name.lowercased() }) {
            // Merged schemas: columns by name, the ones the rows lack as nulls.
            var fields: [Field] = []
            var columns: [Column] = []
            for field in schema.fields {
                if let index = batch.schema.fields.firstIndex(where: { $0.name.lowercased() == field.name.lowercased() }) {
                    fields.append(batch.schema.fields[index])
                    columns.append(batch.columns[index])
                } else {
                    fields.append(Field(field.name, field.type))
                    columns.append(.nulls(field.type, count: batch.rowCount))
                }
            }
            batch = RecordBatch(schema: Schema(fields), columns: columns, rowCount: batch.rowCount)
        }
        try Self.checkCompatible(batch.schema, with: schema, table: tableRoot)
        for (index, field) in schema.fields.enumerated() where !field.isNullable {
            if batch.columns[index].nullCount > 0 {
                throw .invalidRequest(
                    table: tableRoot, reason: "column '\(field.name)' is NOT NULL in the table but the rows hold nulls")
            }
        }
        return RecordBatch(schema: schema, columns: batch.columns, rowCount: batch.rowCount)
    }

    /// Throws unless rows of `incoming` can be appended to a table of `existing`: the same column
    /// names (case-insensitively, as Delta compares them) in the same order, with the same types.
    static func checkCompatible(_ incoming: Schema, with existing: Schema, table: String) throws(DeltaError) {
        // Positions by lowercased name: wide tables (100,000 columns) must not cost n² comparisons.
        var existingPositions: [String: Int] = [:]
        for (index, field) in existing.fields.enumerated() where existingPositions[field.name.lowercased()] == nil {
            existingPositions[field.name.lowercased()] = index
        }
        var incomingNames: Set<String> = []
        for field in incoming.fields { incomingNames.insert(field.name.lowercased()) }
        for field in existing.fields where !incomingNames.contains(field.name.lowercased()) {
            throw .invalidRequest(table: table, reason: "the rows lack the table's column '\(field.name)' (\(field.type))")
        }
        for (index, field) in incoming.fields.enumerated() {
            guard let position = existingPositions[field.name.lowercased()] else {
                throw .invalidRequest(
                    table: table, reason: "column '\(field.name)' (\(field.type)) is not in the table's schema")
            }
            let expected = existing.fields[position]
            guard expected.type == field.type else {
                throw .invalidRequest(
                    table: table,
                    reason: "column '\(field.name)' is \(expected.type) in the table but \(field.type) in the rows")
            }
            guard position == index else {
                throw .invalidRequest(
                    table: table, reason: "column '\(field.name)' is at position \(position + 1) in the table, "
                        + "not \(index + 1)")
            }
        }
    }

    /// The table's schema with the columns of `incoming` it lacks appended (nullable); the
    /// columns both have must have the same types.
    static func merged(_ incoming: Schema, into existing: Schema, table: String) throws(DeltaError) -> Schema {
        var fields = existing.fields
        for field in incoming.fields {
            if let match = existing.fields.first(where: { $0.name.lowercased() == field.name.lowercased() }) {
                guard match.type == field.type else {
                    throw .invalidRequest(
                        table: table,
                        reason: "column '\(field.name)' is \(match.type) in the table but \(field.type) in the rows")
                }
            } else {
                fields.append(Field(field.name, field.type, isNullable: true))
            }
        }
        return Schema(fields)
    }

    /// The partition columns the write uses: the new ones when it replaces the schema and names
    /// some, else the table's, else the request's.
    private static func partitionColumns(_ snapshot: Snapshot?, _ request: WriteRequest) -> [String] {
        guard let snapshot else { return request.partitionColumns }
        if request.schemaEvolution == .overwrite && !request.partitionColumns.isEmpty { return request.partitionColumns }
        return snapshot.partitionColumns
    }

    private static func modeName(_ mode: WriteMode) -> String {
        switch mode {
        case .append: "Append"
        case .overwrite: "Overwrite"
        case .error: "ErrorIfExists"
        case .ignore: "Ignore"
        }
    }

    private static func loadIfPresent(_ tableRoot: String) throws(DeltaError) -> Snapshot? {
        guard FileSystem.exists(tableRoot + "/_delta_log") else { return nil }
        do {
            return try Snapshot.load(table: tableRoot)
        } catch {
            if case .notATable = error { return nil }
            throw error
        }
    }

    private static func createTableDirectory(_ path: String) throws(DeltaError) {
        try Transaction.createDirectory(path)
    }
}
