/// What `_delta_log/` holds: commit files and complete checkpoints, by version.
///
/// Built from one directory listing (SPEC.md §6.1). File names are classified as in
/// PROTOCOL.md "Delta Log Entries" and "Checkpoints"; anything else (`.crc` files, log
/// compaction files, temporary files, `_last_checkpoint`) is ignored here.
public struct LogListing: Sendable {
    /// A commit file `<version>.json`.
    public struct Commit: Sendable, Equatable {
        /// The commit's version.
        public var version: Int64
        /// The `_delta_log` directory.
        public var logPath: String
        /// The file's modification time in milliseconds since the epoch; -1 until read.
        public var modificationTime: Int64
        /// The file's name, `<version as 20 digits>.json` (the only form a listing classifies as a
        /// commit, so it is made from the version rather than kept per commit).
        public var name: String { LogFileName.commitName(version) }
        /// The file's path (made on demand: a listing of thousands of commits needs few paths).
        public var path: String { logPath + "/" + name }
    }

    /// A complete checkpoint: every file it needs is present.
    public struct Checkpoint: Sendable, Equatable {
        /// How the checkpoint is stored.
        public enum Kind: Sendable, Equatable {
            /// `<version>.checkpoint.parquet`.
            case classic
            /// `<version>.checkpoint.<i>.<n>.parquet`, all `n` parts.
            case multiPart(parts: Int)
            /// `<version>.checkpoint.<uuid>.json` (V2).
            case v2JSON
            /// `<version>.checkpoint.<uuid>.parquet` (V2).
            case v2Parquet
        }

        /// The table version the checkpoint captures.
        public var version: Int64
        /// How it is stored.
        public var kind: Kind
        /// Its files' paths, in part order.
        public var paths: [String]
        /// The newest modification time of its files, in milliseconds.
        public var modificationTime: Int64
    }

    /// The `_delta_log` directory.
    public let logPath: String
    /// Commit files by version, ascending.
    public let commits: [Commit]
    /// Complete checkpoints, ascending by version (several may share a version).
    public let checkpoints: [Checkpoint]

    /// Lists and classifies `logPath`.
    ///
    /// Commit names are classified from `readdir`'s bytes without making a `String` per file: a
    /// log of thousands of commits is listed on every open.
    ///
    /// - Throws: ``DeltaError/storage(_:)`` when the directory cannot be read.
    public init(logPath: String) throws(DeltaError) {
        var builder = Builder(logPath: logPath)
        do {
            // Only names are needed to plan a replay; file times are read when asked for.
            try LogStore.forEachName(logPath) { name, kind in
                if kind == .directory { return }
                if let version = LogFileName.commitVersion(name) {
                    if kind == .unknown && LogStore.isDirectory(logPath + "/" + String(decoding: name, as: UTF8.self)) {
                        return
                    }
                    builder.commits.append(Commit(version: version, logPath: logPath, modificationTime: -1))
                    return
                }
                let text = String(decoding: name, as: UTF8.self)
                if kind == .unknown && LogStore.isDirectory(logPath + "/" + text) { return }
                builder.add(LogStore.Entry(name: text, isDirectory: false, size: -1, modificationTime: -1))
            }
        } catch {
            throw .storage(error)
        }
        self.init(builder)
    }

    init(logPath: String, entries: [LogStore.Entry]) {
        var builder = Builder(logPath: logPath)
        for entry in entries where !entry.isDirectory { builder.add(entry) }
        self.init(builder)
    }

    private init(_ builder: Builder) {
        var builder = builder
        self.logPath = builder.logPath
        self.commits = builder.sortedCommits()
        self.checkpoints = builder.completeCheckpoints()
    }

    /// Collects classified names, then orders commits and completes multi-part checkpoints.
    private struct Builder {
        let logPath: String
        var commits: [Commit] = []
        var checkpoints: [Checkpoint] = []
        /// (version, part count) → part number → entry
        var parts: [PartKey: [Int: LogStore.Entry]] = [:]

        init(logPath: String) { self.logPath = logPath }

        mutating func add(_ entry: LogStore.Entry) {
            guard let name = LogFileName(entry.name) else { return }
            switch name.kind {
            case .commit:
                commits.append(Commit(version: name.version, logPath: logPath, modificationTime: entry.modificationTime))
            case .classicCheckpoint:
                checkpoints.append(
                    Checkpoint(
                        version: name.version, kind: .classic, paths: [logPath + "/" + entry.name],
                        modificationTime: entry.modificationTime))
            case .checkpointPart(let part, let count):
                parts[PartKey(version: name.version, count: count), default: [:]][part] = entry
            case .v2Checkpoint(let isJSON):
                checkpoints.append(
                    Checkpoint(
                        version: name.version, kind: isJSON ? .v2JSON : .v2Parquet, paths: [logPath + "/" + entry.name],
                        modificationTime: entry.modificationTime))
            }
        }

        /// Commits by version; a directory listing is usually close to sorted already.
        mutating func sortedCommits() -> [Commit] {
            var sorted = true
            for index in commits.indices.dropFirst() where commits[index - 1].version > commits[index].version {
                sorted = false
                break
            }
            if !sorted { commits.sort { $0.version < $1.version } }
            return commits
        }

        mutating func completeCheckpoints() -> [Checkpoint] {
            for (key, found) in parts
            where found.count == key.count && (1...key.count).allSatisfy({ found[$0] != nil }) {
                let ordered = (1...key.count).map { found[$0]! }
                checkpoints.append(
                    Checkpoint(
                        version: key.version, kind: .multiPart(parts: key.count),
                        paths: ordered.map { logPath + "/" + $0.name },
                        modificationTime: ordered.map(\.modificationTime).max() ?? 0))
            }
            checkpoints.sort { ($0.version, $0.kind.preference) < ($1.version, $1.kind.preference) }
            return checkpoints
        }
    }

    /// The newest version the log holds (commit or checkpoint), or `nil` for an empty log.
    public var latestVersion: Int64? {
        switch (commits.last?.version, checkpoints.last?.version) {
        case (let commit?, let checkpoint?): max(commit, checkpoint)
        case (let commit?, nil): commit
        case (nil, let checkpoint?): checkpoint
        case (nil, nil): nil
        }
    }

    /// The commit file of `version`, or `nil`.
    public func commit(_ version: Int64) -> Commit? {
        var low = 0
        var high = commits.count
        while low < high {
            let middle = (low + high) / 2
            if commits[middle].version < version { low = middle + 1 } else { high = middle }
        }
        return low < commits.count && commits[low].version == version ? commits[low] : nil
    }

    private struct PartKey: Hashable {
        var version: Int64
        var count: Int
    }
}

extension LogListing.Checkpoint.Kind {
    /// Order among checkpoints of one version: the first is tried first.
    var preference: Int {
        switch self {
        case .classic: 0
        case .v2Parquet: 1
        case .v2JSON: 2
        case .multiPart: 3
        }
    }
}

/// A classified `_delta_log` file name.
struct LogFileName {
    enum Kind: Equatable {
        case commit
        case classicCheckpoint
        case checkpointPart(part: Int, count: Int)
        case v2Checkpoint(isJSON: Bool)
    }

    var version: Int64
    var kind: Kind

    /// The version of a commit file name, `<20 digits>.json`, or `nil` for any other name.
    static func commitVersion(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count == 25, bytes[20] == UInt8(ascii: "."), bytes[21] == UInt8(ascii: "j"),
            bytes[22] == UInt8(ascii: "s"), bytes[23] == UInt8(ascii: "o"), bytes[24] == UInt8(ascii: "n")
        else { return nil }
        return version(bytes)
    }

    /// The first 20 bytes as a decimal version, or `nil` when they are not all digits or overflow.
    private static func version(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var version: Int64 = 0
        for index in 0..<20 {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times, overflowTimes) = version.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(Int64(digit))
            guard !overflowTimes, !overflowSum else { return nil }
            version = sum
        }
        return version
    }

    /// Classifies `name`, or returns `nil` for files replay does not use.
    init?(_ name: String) {
        // Fast path for the common case, `<20 digits>.json`, without allocating.
        var copy = name
        let parsed: (version: Int64, isCommit: Bool)? = copy.withUTF8 { bytes in
            guard bytes.count > 21, bytes[20] == UInt8(ascii: "."), let version = Self.version(bytes) else { return nil }
            return (version, Self.commitVersion(bytes) != nil)
        }
        guard let parsed else { return nil }
        if parsed.isCommit {
            self.version = parsed.version
            kind = .commit
            return
        }
        let bytes = Array(name.utf8)
        guard bytes.count > 21, bytes[20] == UInt8(ascii: "."),
            bytes[0..<20].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let version = Int64(String(decoding: bytes[0..<20], as: UTF8.self))
        else { return nil }
        self.version = version
        let rest = String(decoding: bytes[21...], as: UTF8.self)
        if rest == "json" {
            kind = .commit
            return
        }
        guard rest.hasPrefix("checkpoint.") else { return nil }
        let tail = rest.dropFirst("checkpoint.".count)
        if tail == "parquet" {
            kind = .classicCheckpoint
            return
        }
        let pieces = tail.split(separator: ".", omittingEmptySubsequences: false)
        if pieces.count == 3, pieces[2] == "parquet", pieces[0].count == 10, pieces[1].count == 10,
            let part = Int(pieces[0]), let count = Int(pieces[1]), count >= 1, part >= 1, part <= count
        {
            kind = .checkpointPart(part: part, count: count)
            return
        }
        if pieces.count == 2, pieces[0].count == 36, pieces[1] == "json" || pieces[1] == "parquet" {
            kind = .v2Checkpoint(isJSON: pieces[1] == "json")
            return
        }
        return nil
    }
}
