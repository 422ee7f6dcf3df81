/// A Delta table's transaction log: lists `_delta_log/` and replays it into ``Snapshot``s.
///
/// Replay (SPEC.md §6.1, `../shared/briefs/delta.md` §4):
/// ```
///   list _delta_log ─► newest complete checkpoint ≤ target ─► commits checkpoint+1 … target
///                      (classic, multi-part, V2 + sidecars)    (must be contiguous)
///        └──────────── LogReplay: protocol, metaData, live files, tombstones, txns ──► checks ──► Snapshot
/// ```
/// If a checkpoint cannot be read, the next older one is tried, then the commits from version 0.
public struct DeltaLog: Sendable {
    /// The table root directory (no trailing slash).
    public let tableRoot: String

    /// A handle on the table at `tableRoot`; nothing is read until a snapshot is asked for.
    public init(tableRoot: String) {
        var root = tableRoot
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.tableRoot = root
    }

    /// The `_delta_log` directory.
    public var logPath: String { tableRoot + "/_delta_log" }

    /// Lists the log.
    ///
    /// - Throws: ``DeltaError/notATable(path:reason:)`` when `_delta_log` is missing or holds no
    ///   commit or checkpoint.
    public func listing() throws(DeltaError) -> LogListing {
        guard LogStore.isDirectory(tableRoot) else {
            throw .notATable(path: tableRoot, reason: "the directory does not exist")
        }
        guard LogStore.isDirectory(logPath) else {
            throw .notATable(path: tableRoot, reason: "it has no _delta_log directory")
        }
        let listing = try LogListing(logPath: logPath)
        guard listing.latestVersion != nil else {
            throw .notATable(path: tableRoot, reason: "_delta_log holds no commits or checkpoints")
        }
        return listing
    }

    /// The latest version of the table.
    public func latestVersion() throws(DeltaError) -> Int64 {
        try listing().latestVersion ?? 0
    }

    /// The snapshot at `version`, or at the latest version when `version` is `nil`.
    public func snapshot(version: Int64? = nil) throws(DeltaError) -> Snapshot {
        try snapshot(version: version, listing: listing())
    }

    /// The snapshot at `version` from an existing listing.
    public func snapshot(version requested: Int64?, listing: LogListing) throws(DeltaError) -> Snapshot {
        let latest = listing.latestVersion ?? 0
        let version = requested ?? latest
        guard version >= 0, version <= latest else {
            throw .versionNotFound(table: tableRoot, version: version, reason: "the latest version is \(latest)")
        }
        var replay = LogReplay()
        let checkpointVersion = try replayLog(to: version, listing: listing, into: &replay)
        guard let protocolAction = replay.protocolAction else {
            throw .missingAction(table: tableRoot, version: version, action: "protocol")
        }
        guard let metadata = replay.metadata else {
            throw .missingAction(table: tableRoot, version: version, action: "metaData")
        }
        try ReaderFeatures.check(protocolAction, metadata: metadata, table: tableRoot)
        let schema = try DeltaSchema(parsing: metadata.schemaString, table: tableRoot)
        for column in metadata.partitionColumns where schema.field(named: column) == nil {
            throw .invalidSchema(table: tableRoot, reason: "partition column '\(column)' is not in the schema")
        }
        // The snapshot's time, on demand: the whole log's file times, made monotonic (SPEC.md §6.5).
        let log = self
        let timestamp: @Sendable () -> Int64 = {
            (try? CommitTimestamps(log: log, listing: listing, metadata: metadata).timestamp(of: version)) ?? 0
        }
        return Snapshot(
            tableRoot: tableRoot, version: version, timestamp: timestamp, protocolAction: protocolAction,
            metadata: metadata, deltaSchema: schema, replay: replay, checkpointVersion: checkpointVersion)
    }

    /// The snapshot of the latest version committed at or before `timestamp` (ms since the epoch).
    ///
    /// A time after the latest commit gives the latest version; a time before the earliest version
    /// the log can rebuild is an error (SPEC.md §6.5).
    public func snapshot(asOf timestamp: Int64) throws(DeltaError) -> Snapshot {
        let listing = try listing()
        let latest = try snapshot(version: nil, listing: listing)
        let timestamps = CommitTimestamps(log: self, listing: listing, metadata: latest.metadata)
        let earliest = earliestReconstructableVersion(listing) ?? latest.version
        guard let version = try timestamps.latestVersion(atOrBefore: timestamp, from: earliest, to: latest.version)
        else {
            throw .timestampBeforeHistory(
                table: tableRoot, requested: timestamp, earliest: try timestamps.timestamp(of: earliest))
        }
        return version == latest.version ? latest : try snapshot(version: version, listing: listing)
    }

    /// The oldest version whose state the log can rebuild: 0 when `0.json` exists, else the oldest checkpoint.
    func earliestReconstructableVersion(_ listing: LogListing) -> Int64? {
        if listing.commit(0) != nil { return 0 }
        return listing.checkpoints.first?.version
    }

    /// Applies the checkpoint (if any) and the commits up to `version`; returns the checkpoint's version.
    func replayLog(to version: Int64, listing: LogListing, into replay: inout LogReplay) throws(DeltaError)
        -> Int64?
    {
        var firstFailure: DeltaError?
        for checkpoint in listing.checkpoints.reversed() where checkpoint.version <= version {
            // Commits after the checkpoint must be there whichever checkpoint is used.
            try checkContiguous(from: checkpoint.version + 1, to: version, listing: listing)
            var attempt = LogReplay()
            do throws(DeltaError) {
                try CheckpointReader.read(checkpoint, logPath: listing.logPath, into: &attempt)
            } catch {
                if firstFailure == nil { firstFailure = error }
                continue
            }
            try applyCommits(from: checkpoint.version + 1, to: version, listing: listing, into: &attempt)
            replay = attempt
            return checkpoint.version
        }
        guard listing.commit(0) != nil else {
            if let firstFailure { throw firstFailure }
            let oldest = listing.commits.first?.version ?? 0
            throw .versionNotFound(
                table: tableRoot, version: version,
                reason: "commits before version \(oldest) were removed and no checkpoint covers it")
        }
        try checkContiguous(from: 0, to: version, listing: listing)
        try applyCommits(from: 0, to: version, listing: listing, into: &replay)
        return nil
    }

    private func checkContiguous(from start: Int64, to end: Int64, listing: LogListing) throws(DeltaError) {
        guard start <= end else { return }
        for version in start...end where listing.commit(version) == nil {
            let next = listing.commits.first { $0.version > version }?.version
            if let next { throw .logGap(table: tableRoot, missing: version, next: next) }
            throw .versionNotFound(table: tableRoot, version: end, reason: "commit \(version) is missing")
        }
    }

    private func applyCommits(from start: Int64, to end: Int64, listing: LogListing, into replay: inout LogReplay)
        throws(DeltaError)
    {
        guard start <= end else { return }
        for version in start...end {
            guard let commit = listing.commit(version) else {
                throw .versionNotFound(table: tableRoot, version: end, reason: "commit \(version) is missing")
            }
            let bytes: [UInt8]
            do {
                bytes = try LogStore.read(commit.path)
            } catch {
                throw .storage(error)
            }
            try CommitFile.forEachAction(in: bytes, path: commit.path) { action in replay.apply(action) }
        }
    }
}
