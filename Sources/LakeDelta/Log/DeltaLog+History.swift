/// One version of a table's history: its commit time and its `commitInfo`.
public struct CommitRecord: Sendable, Equatable {
    /// The version.
    public var version: Int64
    /// The commit time in milliseconds since the epoch, as time travel uses it (SPEC.md §6.5).
    public var timestamp: Int64
    /// The commit's provenance, or `nil` when the commit has none.
    public var commitInfo: CommitInfo?

    /// Creates a record.
    public init(version: Int64, timestamp: Int64, commitInfo: CommitInfo?) {
        self.version = version
        self.timestamp = timestamp
        self.commitInfo = commitInfo
    }
}

extension DeltaLog {
    /// The commits the log still holds, newest first, at most `limit` of them.
    ///
    /// Versions whose commit files were cleaned up (behind a checkpoint) are absent. Only the
    /// `commitInfo` line of each commit is decoded when it is written first, as every writer does.
    ///
    /// - Throws: ``DeltaError`` — not a table, an unreadable or corrupt commit file.
    public func history(limit: Int? = nil) throws(DeltaError) -> [CommitRecord] {
        let listing = try listing()
        // The properties that decide commit times (in-commit timestamps) come from the latest metadata.
        var replay = LogReplay()
        var metadata = TableMetadata(id: "", schemaString: "")
        if let latest = listing.latestVersion {
            _ = try replayLog(to: latest, listing: listing, into: &replay)
            metadata = replay.metadata ?? metadata
        }
        let timestamps = CommitTimestamps(log: self, listing: listing, metadata: metadata)
        var records: [CommitRecord] = []
        for commit in listing.commits.reversed() {
            if let limit, records.count >= limit { break }
            let bytes: [UInt8]
            do {
                bytes = try LogStore.read(commit.path)
            } catch {
                throw .storage(error)
            }
            records.append(
                CommitRecord(
                    version: commit.version, timestamp: try timestamps.timestamp(of: commit.version),
                    commitInfo: try CommitFile.commitInfo(in: bytes, path: commit.path)))
        }
        return records
    }
}

extension CommitFile {
    /// The `commitInfo` of a commit file, or `nil` when it has none.
    ///
    /// Lines that start with `{"commitInfo"` are decoded first; only when none does is the whole
    /// file decoded, so a commit of many files costs one line, not all of them.
    static func commitInfo(in bytes: [UInt8], path: String) throws(DeltaError) -> CommitInfo? {
        let prefix = Array(#"{"commitInfo""#.utf8)
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            var first = lineStart
            while first < lineEnd, bytes[first] == 0x20 || bytes[first] == 0x09 { first += 1 }
            if lineEnd - first >= prefix.count, bytes[first..<(first + prefix.count)].elementsEqual(prefix) {
                let line = Array(bytes[lineStart..<lineEnd])
                for action in try parse(line, path: path) {
                    if case .commitInfo(let info) = action { return info }
                }
            }
            lineStart = lineEnd + 1
        }
        var found: CommitInfo?
        try forEachAction(in: bytes, path: path) { action in
            if found == nil, case .commitInfo(let info) = action { found = info }
        }
        return found
    }
}
