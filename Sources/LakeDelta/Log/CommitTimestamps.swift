/// The commit time of each version, as Delta defines it for time travel (SPEC.md §6.5).
///
/// Without in-commit timestamps, a version's time is the modification time of its `N.json`,
/// made monotonic as Spark does: a time not after the previous version's counts as the previous
/// one plus 1 ms. With in-commit timestamps enabled (`delta.enableInCommitTimestamps`), versions
/// from `delta.inCommitTimestampEnablementVersion` on use `commitInfo.inCommitTimestamp`.
/// `commitInfo.timestamp` is never used: it is the writer's clock, not the commit's.
struct CommitTimestamps {
    let log: DeltaLog
    let listing: LogListing
    /// The first version with in-commit timestamps, or `nil` when they are off.
    let inCommitFrom: Int64?
    /// Monotonic file times by version.
    private let fileTimes: [Int64: Int64]

    /// Times for the commits from version `first` on (their files are `stat`ed here when the
    /// listing did not read their times).
    init(log: DeltaLog, listing: LogListing, metadata: TableMetadata, from first: Int64 = 0) {
        self.log = log
        self.listing = listing
        if metadata.configuration["delta.enableInCommitTimestamps"]?.lowercased() == "true" {
            inCommitFrom = Int64(metadata.configuration["delta.inCommitTimestampEnablementVersion"] ?? "") ?? 0
        } else {
            inCommitFrom = nil
        }
        var times: [Int64: Int64] = [:]
        times.reserveCapacity(listing.commits.count)
        var previous = Int64.min
        for commit in listing.commits where commit.version >= first {
            let modified = commit.modificationTime >= 0
                ? commit.modificationTime : (try? LogStore.modificationTime(of: commit.path)) ?? 0
            let time = previous == Int64.min || modified > previous ? modified : previous + 1
            times[commit.version] = time
            previous = time
        }
        fileTimes = times
    }

    /// The commit time of `version` in milliseconds since the epoch.
    func timestamp(of version: Int64) throws(DeltaError) -> Int64 {
        if let inCommitFrom, version >= inCommitFrom, let commit = listing.commit(version) {
            let bytes: [UInt8]
            do {
                bytes = try LogStore.read(commit.path)
            } catch {
                throw .storage(error)
            }
            var found: Int64?
            try CommitFile.forEachAction(in: bytes, path: commit.path) { action in
                if found == nil, case .commitInfo(let info) = action { found = info.inCommitTimestamp }
            }
            if let found { return found }
        }
        if let time = fileTimes[version] { return time }
        if let checkpoint = listing.checkpoints.last(where: { $0.version == version }) {
            if checkpoint.modificationTime >= 0 { return checkpoint.modificationTime }
            let times = checkpoint.paths.map { (try? LogStore.modificationTime(of: $0)) ?? 0 }
            return times.max() ?? 0
        }
        throw .versionNotFound(table: log.tableRoot, version: version, reason: "the log has no file for it")
    }

    /// The latest version in `first…last` whose time is at or before `time`, or `nil` when even
    /// `first` is later. Times are monotonic, so this is a binary search.
    func latestVersion(atOrBefore time: Int64, from first: Int64, to last: Int64) throws(DeltaError) -> Int64? {
        guard first <= last, try timestamp(of: first) <= time else { return nil }
        var low = first
        var high = last
        while low < high {
            let middle = low + (high - low + 1) / 2
            if try timestamp(of: middle) <= time { low = middle } else { high = middle - 1 }
        }
        return low
    }
}
