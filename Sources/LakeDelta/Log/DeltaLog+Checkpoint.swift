/// Checkpoints of a table: when they are due, writing them, and the `_last_checkpoint` hint.
///
/// The commit path calls ``isCheckpointDue(after:metadata:)`` after committing version N and, when
/// it says so, ``checkpoint(version:now:threads:)`` for N (SPEC.md §7.5). A checkpoint is an
/// optimization: the commit is durable before it starts, so a failure to write one is reported
/// as a warning, never as a failed commit.
extension DeltaLog {
    /// Whether a checkpoint is due after committing `version`: `version > 0` and
    /// `version % delta.checkpointInterval == 0` (Spark's rule; default interval 10).
    ///
    /// A malformed `delta.checkpointInterval` counts as the default, so that a bad property can never
    /// make a finished commit fail; ``TableProperties/checkpointInterval()`` reports it.
    public static func isCheckpointDue(after version: Int64, metadata: TableMetadata) -> Bool {
        let interval =
            (try? TableProperties(metadata, table: "").checkpointInterval())
            ?? TableProperties.defaultCheckpointInterval
        return version > 0 && version % interval == 0
    }

    /// Writes a classic checkpoint of `version` (the latest when `nil`) and updates `_last_checkpoint`.
    ///
    /// - Parameters:
    ///   - now: the time tombstones and txns expire against, in milliseconds (default: the clock).
    ///   - threads: threads the Parquet writer encodes columns on.
    /// - Throws: ``DeltaError`` — the version cannot be read, a retention property is malformed,
    ///   the table needs V2 checkpoints, or an I/O failure.
    @discardableResult
    public func checkpoint(version: Int64? = nil, now: Int64? = nil, threads: Int = 1) async throws(DeltaError)
        -> CheckpointSummary
    {
        let snapshot = try snapshot(version: version)
        return try await CheckpointWriter.write(snapshot: snapshot, now: now, threads: threads)
    }

    /// The `_last_checkpoint` hint, or `nil` when the log has none.
    ///
    /// - Throws: ``DeltaError/corruptLog(path:line:offset:reason:)`` when it is malformed.
    public func lastCheckpoint() throws(DeltaError) -> LastCheckpoint? {
        try LastCheckpoint.read(logPath: logPath)
    }
}
