#if canImport(Glibc)
    import Glibc
#endif
import LakeColumnar
import LakeIO

/// The operation a commit records in its `commitInfo` (what `lake history` shows).
public struct CommitOperation: Sendable {
    /// Delta's operation name: `CREATE TABLE`, `WRITE`, `OPTIMIZE`, `RESTORE`, …
    public var name: String
    /// `operationParameters`, as strings (Delta's convention).
    public var parameters: [String: String]
    /// `operationMetrics`.
    public var metrics: [(String, JSONValue)]

    /// An operation.
    public init(name: String, parameters: [String: String] = [:], metrics: [(String, JSONValue)] = []) {
        self.name = name
        self.parameters = parameters
        self.metrics = metrics
    }
}

/// The outcome of a successful commit.
public struct CommitResult: Sendable, Equatable {
    /// The version the commit created.
    public var version: Int64
    /// How many versions other writers took first (0 when the first attempt won).
    public var retries: Int
}

/// One atomic, optimistic commit to a Delta table (SPEC.md §7.3).
///
/// The commit file `_delta_log/<version>.json` is created only if absent: the actions go to a
/// temporary file in `_delta_log`, which is fsynced and then hard-linked (`link(2)`) to the
/// version's name, and the directory is fsynced. Losing the race (`EEXIST`) means reading the
/// winning commit, checking it against what this transaction read (``ReadSet``) by Delta's
/// conflict rules, and trying the next version, with jittered backoff; a real conflict ends the
/// attempt with ``DeltaError/conflict(table:version:kind:detail:)``. A commit is reported only
/// after its file is durable, and an error means no commit was made.
public struct Transaction: Sendable {
    /// The table's root directory.
    public let tableRoot: String
    /// The snapshot the transaction read, or `nil` when it creates the table.
    public let snapshot: Snapshot?
    /// What the transaction read, for conflict checks.
    public var readSet: ReadSet
    /// How many times to try the next version after losing a race.
    public var maxRetries: Int = 100
    /// The engine written into `commitInfo.engineInfo`.
    public var engineInfo: String = "lake/0.1.0"

    /// A transaction on the table at `tableRoot` as of `snapshot` (`nil`: the table does not exist).
    public init(tableRoot: String, snapshot: Snapshot?, readSet: ReadSet = ReadSet()) {
        self.tableRoot = tableRoot
        self.snapshot = snapshot
        self.readSet = readSet
    }

    /// The writer protocol lake implements: version 2 with no table features (DESIGN.md §1).
    public static let writerProtocol = ProtocolAction(minReaderVersion: 1, minWriterVersion: 2)

    /// Writer features lake honours on writer-version-7 tables.
    public static let supportedWriterFeatures: Set<String> = ["appendOnly", "invariants", "timestampNtz"]

    /// The protocol a new table with `schema` needs: (1, 2), or (3, 7) with the `timestampNtz`
    /// feature when a column (at any depth) is `TIMESTAMP_NTZ`, as the Delta protocol requires.
    public static func protocolForNewTable(_ schema: Schema) -> ProtocolAction {
        guard schema.fields.contains(where: { usesTimestampNTZ($0.type) }) else { return writerProtocol }
        return ProtocolAction(
            minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["timestampNtz"], writerFeatures: ["timestampNtz"])
    }

    private static func usesTimestampNTZ(_ type: DataType) -> Bool {
        switch type {
        case .timestampNTZ: true
        case .struct(let fields): fields.contains { usesTimestampNTZ($0.type) }
        case .list(let element): usesTimestampNTZ(element.type)
        case .map(let key, let value): usesTimestampNTZ(key.type) || usesTimestampNTZ(value.type)
        default: false
        }
    }

    /// Throws unless lake may write to a table with `protocolAction` (SPEC.md §7).
    public static func checkWritable(_ protocolAction: ProtocolAction, table: String) throws(DeltaError) {
        if protocolAction.minWriterVersion > 7 || (protocolAction.minWriterVersion > 2 && protocolAction.minWriterVersion < 7) {
            throw .unsupportedWriter(
                table: table,
                reason: "it needs Delta writer version \(protocolAction.minWriterVersion); lake writes version 2")
        }
        if protocolAction.minWriterVersion == 7 {
            let unsupported = (protocolAction.writerFeatures ?? []).filter { !supportedWriterFeatures.contains($0) }
            if !unsupported.isEmpty {
                throw .unsupportedWriter(
                    table: table,
                    reason: "it uses writer feature\(unsupported.count == 1 ? "" : "s") "
                        + unsupported.sorted().joined(separator: ", "))
            }
        }
    }

    /// Commits `actions` (without commitInfo, which is added) as the next version.
    ///
    /// - Returns: the version created and how many races were lost on the way.
    /// - Throws: ``DeltaError/conflict(table:version:kind:detail:)`` on a real conflict,
    ///   ``DeltaError/tableExists(path:)`` when creating a table that another writer created first,
    ///   ``DeltaError/commitRetriesExhausted(table:attempts:lastVersion:)``, or storage errors.
    public func commit(_ actions: [Action], operation: CommitOperation) throws(DeltaError) -> CommitResult {
        if let snapshot {
            try Self.checkWritable(snapshot.protocolAction, table: tableRoot)
            if snapshot.metadata.configuration["delta.appendOnly"] == "true",
                actions.contains(where: { if case .remove(let remove) = $0 { remove.dataChange } else { false } })
            {
                throw .unsupportedWriter(table: tableRoot, reason: "the table is append-only (delta.appendOnly)")
            }
        }
        let logPath = tableRoot + "/_delta_log"
        if snapshot == nil { try Self.createDirectory(logPath) }
        let isBlindAppend = readSet.scope == .nothing
            && actions.allSatisfy { if case .add(let add) = $0 { add.dataChange } else { !$0.isFileAction } }
        var version = (snapshot?.version ?? -1) + 1
        var retries = 0
        var generator = SystemRandomNumberGenerator()
        let txnId = UUID.random()
        while true {
            // Catch up with commits that already exist: each is checked, none costs a retry or a
            // pause, so a write that started long ago still commits if nothing conflicts.
            while FileSystem.exists(logPath + "/" + Self.commitName(version)) {
                guard snapshot != nil else { throw .tableExists(path: tableRoot) }
                try checkAgainst(version, logPath: logPath, actions: actions)
                version += 1
            }
            let info = CommitInfo(
                timestamp: TableWriter.nowMillis(), operation: operation.name, operationParameters: operation.parameters,
                readVersion: snapshot?.version, isBlindAppend: isBlindAppend, engineInfo: engineInfo,
                operationMetrics: operation.metrics.isEmpty ? nil : operation.metrics, txnId: txnId)
            let bytes = CommitFile.encode([.commitInfo(info)] + actions)
            if try Self.createIfAbsent(logPath: logPath, name: Self.commitName(version), bytes: bytes) {
                return CommitResult(version: version, retries: retries)
            }
            // Lost a race at the head of the log: see whether the winner invalidates us.
            guard snapshot != nil else { throw .tableExists(path: tableRoot) }
            try checkAgainst(version, logPath: logPath, actions: actions)
            retries += 1
            if retries > maxRetries {
                throw .commitRetriesExhausted(table: tableRoot, attempts: retries, lastVersion: version)
            }
            version += 1
            // Back off a little (jittered, growing) so a crowd of writers spreads out.
            let ceiling = UInt64(min(50_000, 500 << min(retries, 7)))
            usleep(UInt32(UInt64.random(in: 0...ceiling, using: &generator)))
        }
    }

    /// Throws the conflict, if any, between our `actions` and the commit of `version`.
    private func checkAgainst(_ version: Int64, logPath: String, actions: [Action]) throws(DeltaError) {
        let winnerPath = logPath + "/" + Self.commitName(version)
        let winner: [Action]
        do {
            winner = try CommitFile.parse(try FileSystem.readFile(winnerPath), path: winnerPath)
        } catch let error as StorageError {
            throw .storage(error)
        } catch let error as DeltaError {
            throw error
        } catch {
            throw .corruptLog(path: winnerPath, line: nil, offset: nil, reason: "\(error)")
        }
        do throws(ConflictChecker.Conflict) {
            try ConflictChecker.check(ours: actions, readSet: readSet, winner: winner)
        } catch {
            throw .conflict(table: tableRoot, version: version, kind: error.kind, detail: error.detail)
        }
    }

    /// `_delta_log/<20-digit version>.json`'s file name.
    public static func commitName(_ version: Int64) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".json"
    }

    /// Creates `logPath/name` holding `bytes` only if no file has that name; `false` if one does.
    ///
    /// Temp file (fsynced) → `link(2)` → unlink temp → fsync the directory. The temp name starts
    /// with `.` and ends in `.tmp`, so log listing ignores it.
    static func createIfAbsent(logPath: String, name: String, bytes: [UInt8]) throws(DeltaError) -> Bool {
        let target = logPath + "/" + name
        if unsafeCommitForTests { return try createUnsafely(target, bytes: bytes) }
        do {
            try FileSystem.createExclusive(at: target, contents: bytes)
            return true
        } catch {
            switch error {
            case .alreadyExists: return false
            case .createdNotDurable:
                throw .commitUnconfirmed(table: logPath, version: Int64(name.prefix(20)) ?? -1, reason: error.description)
            default: throw .storage(error)
            }
        }
    }

    /// The negative control of the concurrency test (SPEC.md §7.3): check, then rename over
    /// whatever appeared meanwhile. Loses commits under contention by design.
    private static func createUnsafely(_ target: String, bytes: [UInt8]) throws(DeltaError) -> Bool {
        if FileSystem.exists(target) { return false }
        let temporary = target + "." + UUID.random() + ".tmp"
        do throws(StorageError) {
            let file = try FileWriter(path: temporary, exclusive: true)
            try file.write(bytes)
            try file.close()
        } catch {
            FileSystem.remove(temporary)
            throw .storage(error)
        }
        usleep(200)
        if rename(temporary, target) != 0 {
            let code = errno
            FileSystem.remove(temporary)
            throw .storage(.fromErrno(code, path: target, operation: "rename"))
        }
        return true
    }

    /// `LAKE_TEST_UNSAFE_COMMIT=1` switches commits to check-then-rename, for the reliability
    /// test that must see it lose commits. Never set it for real tables.
    static let unsafeCommitForTests: Bool = getenv("LAKE_TEST_UNSAFE_COMMIT").map { String(cString: $0) == "1" } ?? false

    static func createDirectory(_ path: String) throws(DeltaError) {
        do {
            try FileSystem.createDirectories(path)
        } catch {
            throw .storage(error)
        }
    }
}

extension Action {
    /// Whether the action adds or removes a data file.
    var isFileAction: Bool {
        switch self {
        case .add, .remove, .cdc: true
        default: false
        }
    }
}
