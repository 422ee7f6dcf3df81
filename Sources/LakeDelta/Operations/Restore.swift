import LakeIO

/// What a restore did.
public struct RestoreOutcome: Sendable, Equatable {
    /// The version restored to.
    public var restoredVersion: Int64
    /// The version committed, or `nil` when the table already had that version's files and metadata.
    public var version: Int64?
    /// Files removed (live now, not in the restored version) and added back, with their bytes.
    public var filesRemoved = 0
    public var filesRestored = 0
    public var bytesRemoved: Int64 = 0
    public var bytesRestored: Int64 = 0
    /// Live files and their bytes after the restore.
    public var filesAfter = 0
    public var bytesAfter: Int64 = 0
    /// Whether the schema or properties went back too.
    public var metadataRestored = false
}

/// Makes the latest version of a table hold what an older version held (Delta's `RESTORE`,
/// SPEC.md §7.8): one new commit that removes the files live now but not then and adds back the
/// files live then but not now, both `dataChange=true`, plus the old `metaData` when it differs.
/// History stays: the versions in between remain readable.
public enum Restore {
    /// Restores the table at `tableRoot` to `version`.
    ///
    /// - Throws: ``DeltaError/invalidRequest(table:reason:)`` when a file of that version is gone
    ///   (vacuumed) — nothing is committed then; errors loading either version or committing.
    public static func run(tableRoot: String, version target: Int64) async throws(DeltaError) -> RestoreOutcome {
        let current = try Snapshot.load(table: tableRoot)
        try Transaction.checkWritable(current.protocolAction, table: tableRoot)
        let old = try Snapshot.load(table: tableRoot, version: target)
        var outcome = RestoreOutcome(restoredVersion: old.version)
        let oldKeys = Set(old.files.map(\.key))
        let currentKeys = Set(current.files.map(\.key))
        let now = TableWriter.nowMillis()
        var actions: [Action] = []
        if old.metadata != current.metadata {
            var metadata = old.metadata
            metadata.id = current.metadata.id
            if metadata != current.metadata {
                actions.append(.metadata(metadata))
                outcome.metadataRestored = true
            }
        }
        for file in current.files where !oldKeys.contains(file.key) {
            actions.append(
                .remove(
                    RemoveFile(
                        path: file.path, deletionTimestamp: now, dataChange: true, extendedFileMetadata: true,
                        partitionValues: file.partitionValues, size: file.size, deletionVector: file.deletionVector)))
            outcome.filesRemoved += 1
            outcome.bytesRemoved += file.size
        }
        let scan = try TableScan(snapshot: old)
        var missing: [String] = []
        for file in old.files where !currentKeys.contains(file.key) {
            let path = try scan.resolvedPath(of: file)
            if !FileSystem.exists(path) { missing.append(file.path) }
            var restored = file
            restored.dataChange = true
            actions.append(.add(restored))
            outcome.filesRestored += 1
            outcome.bytesRestored += file.size
        }
        if !missing.isEmpty {
            throw .invalidRequest(
                table: tableRoot,
                reason: "version \(old.version) cannot be restored: \(missing.count) of its data file(s) no longer "
                    + "exist (deleted by vacuum?), e.g. \(missing[0]); nothing was committed")
        }
        outcome.filesAfter = old.files.count
        outcome.bytesAfter = old.files.reduce(0) { $0 + $1.size }
        guard !actions.isEmpty else { return outcome }
        let operation = CommitOperation(
            name: "RESTORE", parameters: ["version": String(old.version)],
            metrics: [
                ("numRemovedFiles", .integer(outcome.filesRemoved)), ("numRestoredFiles", .integer(outcome.filesRestored)),
                ("removedFilesSize", .integer(Int(outcome.bytesRemoved))),
                ("restoredFilesSize", .integer(Int(outcome.bytesRestored))),
                ("numOfFilesAfterRestore", .integer(outcome.filesAfter)),
                ("tableSizeAfterRestore", .integer(Int(outcome.bytesAfter))),
            ])
        let transaction = Transaction(tableRoot: tableRoot, snapshot: current, readSet: ReadSet(scope: .wholeTable))
        outcome.version = try transaction.commit(actions, operation: operation).version
        if DeltaLog.isCheckpointDue(after: outcome.version!, metadata: current.metadata) {
            _ = try? await DeltaLog(tableRoot: tableRoot).checkpoint(version: outcome.version!)
        }
        return outcome
    }
}
