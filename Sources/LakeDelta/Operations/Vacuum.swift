#if canImport(Glibc)
    import Glibc
#endif
import LakeIO

/// What a vacuum should do (SPEC.md §7.7).
public struct VacuumRequest: Sendable {
    /// Files no longer needed are kept this long, in milliseconds; `nil`: the table's
    /// `delta.deletedFileRetentionDuration` (default one week).
    public var retention: Int64?
    /// Allow a retention shorter than one week.
    public var force: Bool
    /// List what would be deleted; delete nothing and commit nothing.
    public var dryRun: Bool
    /// The current time in milliseconds (`nil`: the clock); for tests.
    public var now: Int64?

    /// A request with the defaults.
    public init(retention: Int64? = nil, force: Bool = false, dryRun: Bool = false, now: Int64? = nil) {
        self.retention = retention
        self.force = force
        self.dryRun = dryRun
        self.now = now
    }
}

/// What a vacuum did (or, with `dryRun`, would do).
public struct VacuumOutcome: Sendable, Equatable {
    /// The table version the decision was made on.
    public var readVersion: Int64
    /// The retention used, in milliseconds.
    public var retention: Int64
    /// Data files deleted (table-relative paths, sorted), and their bytes.
    public var deletedFiles: [String] = []
    public var deletedBytes: Int64 = 0
    /// Of those, files the table's state does not mention at all (neither live nor a tombstone):
    /// left by crashed writers, or removed so long ago that their tombstones expired too.
    public var orphanFiles = 0
    /// Empty partition directories removed.
    public var deletedDirectories = 0
    /// Log files deleted (names in `_delta_log`), behind the oldest checkpoint kept.
    public var deletedLogFiles: [String] = []
    /// The versions of the `VACUUM START` and `VACUUM END` commits (none in a dry run).
    public var startVersion: Int64?
    public var endVersion: Int64?
    /// Whether nothing was deleted because it was a dry run.
    public var dryRun: Bool
}

/// Deletes what no retained version needs: data files unreferenced by the table's state and
/// older than the retention (including orphans of crashed writers, found by walking the
/// directory), and log files behind the newest checkpoint that is older than the log retention
/// (SPEC.md §7.7).
public enum Vacuum {
    /// One week, Delta's default and the shortest retention allowed without `force`.
    public static let minimumSafeRetention: Int64 = 7 * 24 * 3_600_000

    /// Vacuums the table at `tableRoot`.
    ///
    /// - Throws: ``DeltaError/invalidRequest(table:reason:)`` for a retention under one week
    ///   without `force`; errors reading the table or deleting files.
    public static func run(tableRoot: String, request: VacuumRequest) async throws(DeltaError) -> VacuumOutcome {
        let snapshot = try Snapshot.load(table: tableRoot)
        try Transaction.checkWritable(snapshot.protocolAction, table: tableRoot)
        let properties = TableProperties(snapshot.metadata, table: tableRoot)
        let defaultRetention = try properties.deletedFileRetention()
        let retention = request.retention ?? defaultRetention
        if retention < minimumSafeRetention && !request.force {
            throw .invalidRequest(
                table: tableRoot,
                reason: "a retention of \(hours(retention)) is under the safe minimum of 168 hours: files that "
                    + "running readers or writers still use could be deleted; add --force if no one else uses the table")
        }
        let now = request.now ?? WallClock.milliseconds()
        let cutoff = now - retention
        var outcome = VacuumOutcome(readVersion: snapshot.version, retention: retention, dryRun: request.dryRun)

        // Everything the current state or a version inside the retention window may read.
        var needed = Set<String>()
        for file in snapshot.files { needed.insert(relative(file.path, root: tableRoot)) }
        for tombstone in snapshot.tombstones where (tombstone.deletionTimestamp ?? 0) > cutoff {
            needed.insert(relative(tombstone.path, root: tableRoot))
        }
        let everReferenced = Set(snapshot.tombstones.map { relative($0.path, root: tableRoot) })

        var candidates: [(path: String, size: Int64)] = []
        var directories: [String] = []
        try walk(tableRoot, relative: "", into: &candidates, directories: &directories, cutoff: cutoff, needed: needed)
        candidates.sort { $0.path < $1.path }
        outcome.deletedFiles = candidates.map(\.path)
        outcome.deletedBytes = candidates.reduce(0) { $0 + $1.size }
        outcome.orphanFiles = candidates.filter { !everReferenced.contains($0.path) }.count
        let logFiles = try expiredLogFiles(tableRoot, properties: properties, now: now)
        outcome.deletedLogFiles = logFiles
        if request.dryRun { return outcome }

        let parameters = [
            "retentionCheckEnabled": request.force ? "false" : "true",
            "specifiedRetentionMillis": String(retention),
            "defaultRetentionMillis": String(defaultRetention),
        ]
        let start = try Transaction(tableRoot: tableRoot, snapshot: snapshot).commit(
            [], operation: CommitOperation(
                name: "VACUUM START", parameters: parameters,
                metrics: [
                    ("numFilesToDelete", .integer(candidates.count)),
                    ("sizeOfDataToDelete", .integer(Int(outcome.deletedBytes))),
                ]))
        outcome.startVersion = start.version
        for file in candidates {
            do {
                try FileSystem.removeFile(tableRoot + "/" + file.path, ignoringMissing: true)
            } catch {
                throw .storage(error)
            }
        }
        // Partition directories left empty (deepest first); the root and _delta_log stay.
        for directory in directories.sorted(by: { $0.count > $1.count }) where rmdir(tableRoot + "/" + directory) == 0 {
            outcome.deletedDirectories += 1
        }
        for name in logFiles {
            do {
                try FileSystem.removeFile(tableRoot + "/_delta_log/" + name, ignoringMissing: true)
            } catch {
                throw .storage(error)
            }
        }
        let endSnapshot = try Snapshot.load(table: tableRoot)
        let end = try Transaction(tableRoot: tableRoot, snapshot: endSnapshot).commit(
            [], operation: CommitOperation(
                name: "VACUUM END", parameters: ["status": "COMPLETED"],
                metrics: [
                    ("numDeletedFiles", .integer(candidates.count)),
                    ("numVacuumedDirectories", .integer(outcome.deletedDirectories)),
                    ("numDeletedLogFiles", .integer(logFiles.count)),
                ]))
        outcome.endVersion = end.version
        return outcome
    }

    /// The table-relative, decoded form of a log path (absolute paths under the root lose it).
    static func relative(_ path: String, root: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// Whether a name is hidden from vacuum, as Delta decides: starting with `.`, or with `_`
    /// unless it is a partition directory (`_col=value`).
    static func isHidden(_ name: String) -> Bool {
        name.hasPrefix(".") || (name.hasPrefix("_") && !name.contains("="))
    }

    /// Collects the files under `relative` that nothing needs and that are older than `cutoff`.
    private static func walk(
        _ root: String, relative: String, into candidates: inout [(path: String, size: Int64)],
        directories: inout [String], cutoff: Int64, needed: Set<String>
    ) throws(DeltaError) {
        let entries: [DirectoryEntry]
        do {
            entries = try FileSystem.contentsOfDirectory(relative.isEmpty ? root : root + "/" + relative)
        } catch {
            throw .storage(error)
        }
        for entry in entries where !isHidden(entry.name) && !entry.isSymbolicLink {
            let path = relative.isEmpty ? entry.name : relative + "/" + entry.name
            if entry.isDirectory {
                directories.append(path)
                try walk(root, relative: path, into: &candidates, directories: &directories, cutoff: cutoff, needed: needed)
            } else if !needed.contains(path) && entry.modificationTime < cutoff {
                candidates.append((path, entry.size))
            }
        }
    }

    /// Log files behind the newest checkpoint whose commit is older than the log retention: every
    /// commit, checkpoint and `.crc` of an earlier version. Versions from that checkpoint on stay
    /// replayable.
    static func expiredLogFiles(_ tableRoot: String, properties: TableProperties, now: Int64) throws(DeltaError) -> [String] {
        let logPath = tableRoot + "/_delta_log"
        let cutoff = now - (try properties.logRetention())
        let listing = try LogListing(logPath: logPath)
        var keepFrom: Int64?
        for checkpoint in listing.checkpoints.reversed() {
            guard let commit = listing.commit(checkpoint.version) else { continue }
            let time: Int64
            do {
                time = try LogStore.modificationTime(of: commit.path)
            } catch {
                throw .storage(error)
            }
            if time <= cutoff {
                keepFrom = checkpoint.version
                break
            }
        }
        guard let keepFrom else { return [] }
        let entries: [DirectoryEntry]
        do {
            entries = try FileSystem.contentsOfDirectory(logPath)
        } catch {
            throw .storage(error)
        }
        return entries.compactMap { entry in
            guard !entry.isDirectory, let version = logVersion(entry.name), version < keepFrom else { return nil }
            return entry.name
        }
    }

    /// The version of a log file name (`<20 digits>.json`, `.checkpoint…`, `.crc`), or `nil`.
    static func logVersion(_ name: String) -> Int64? {
        let bytes = Array(name.utf8)
        guard bytes.count > 21, bytes[20] == UInt8(ascii: "."),
            bytes[0..<20].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        let rest = name.dropFirst(21)
        guard rest == "json" || rest == "crc" || rest.hasPrefix("checkpoint.") else { return nil }
        return Int64(String(decoding: bytes[0..<20], as: UTF8.self))
    }

    /// A duration in hours, for messages.
    public static func hours(_ millis: Int64) -> String {
        millis % 3_600_000 == 0 ? "\(millis / 3_600_000) hours" : "\(Double(millis) / 3_600_000) hours"
    }
}
