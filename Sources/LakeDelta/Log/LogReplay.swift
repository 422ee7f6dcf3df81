/// The state machine of log replay: applies actions in version order and keeps what a snapshot needs.
///
/// Delta PROTOCOL.md "Action Reconciliation" (`../shared/briefs/delta.md` §4): protocol and
/// metaData — the last one wins; txn — the latest version per appId; domainMetadata — the latest
/// per domain, removed ones dropped; add — the file (by ``FileKey``) becomes live and its
/// tombstone goes; remove — the file with the same key stops being live and becomes a tombstone.
/// A remove cancels only an add with the same path *and* deletion vector. commitInfo, cdc and
/// checkpoint bookkeeping actions change nothing.
///
/// Apply a checkpoint's actions first, then each commit in version order.
public struct LogReplay: Sendable {
    /// The latest protocol action, if any.
    public private(set) var protocolAction: ProtocolAction?
    /// The latest metaData action, if any.
    public private(set) var metadata: TableMetadata?
    /// The live files, in log order (SPEC.md §6.1).
    public var files: [AddFile] { liveFiles.values }
    /// The tombstones, in log order.
    public var tombstones: [RemoveFile] { liveTombstones.values }
    /// The latest txn per application id.
    public private(set) var transactions: [String: TransactionAction] = [:]
    /// The live domain metadata per domain.
    public private(set) var domains: [String: DomainMetadata] = [:]
    /// The sidecar files a V2 checkpoint referenced (read by the checkpoint reader).
    public private(set) var sidecars: [SidecarFile] = []

    private var liveFiles = FileActionLog<AddFile>()
    private var liveTombstones = FileActionLog<RemoveFile>()

    /// Creates an empty state.
    public init() {}

    /// The number of live files.
    public var fileCount: Int { liveFiles.count }

    /// Applies one action.
    public mutating func apply(_ action: Action) {
        switch action {
        case .protocol(let value): protocolAction = value
        case .metadata(let value): metadata = value
        case .add(let file): apply(add: file)
        case .remove(let file): apply(remove: file)
        case .txn(let value): transactions[value.appId] = value
        case .domainMetadata(let value): domains[value.domain] = value.removed ? nil : value
        case .sidecar(let value): sidecars.append(value)
        case .commitInfo, .cdc, .checkpointMetadata: break
        }
    }

    /// Applies an `add`: the file becomes live (replacing a live file with the same key) and its
    /// tombstone goes.
    public mutating func apply(add file: AddFile) {
        let key = file.key
        liveFiles.insert(file, key: key)
        liveTombstones.remove(key)
    }

    /// Applies a `remove`: the file with the same key stops being live and becomes a tombstone.
    public mutating func apply(remove file: RemoveFile) {
        let key = file.key
        liveFiles.remove(key)
        liveTombstones.insert(file, key: key)
    }

    /// Applies a checkpoint's `add` without looking for an earlier file with its key: a
    /// checkpoint holds reconciled state (PROTOCOL.md "Checkpoints"), one action per file, so
    /// opening a table at its checkpoint hashes no paths. Only before any other action.
    mutating func apply(checkpointAdd file: AddFile) { liveFiles.appendUnique(file) }

    /// ``apply(checkpointAdd:)`` for a checkpoint's tombstone.
    mutating func apply(checkpointRemove file: RemoveFile) { liveTombstones.appendUnique(file) }

    /// Makes room for `count` more files.
    mutating func reserveFiles(_ count: Int) { liveFiles.reserve(count) }

    /// Forgets the sidecars once they have been read.
    mutating func clearSidecars() { sidecars = [] }
}

/// An `add` or `remove`: an action about one file, identified by its ``FileKey``.
protocol FileAction: Sendable {
    var key: FileKey { get }
}

extension AddFile: FileAction {}
extension RemoveFile: FileAction {}

/// File actions in log order with at most one per key, where a newer action replaces an older one.
///
/// The key index is built only when an action could replace another: appending a checkpoint's
/// actions (already one per key) costs no hashing, and a snapshot read straight from a checkpoint
/// never builds it.
struct FileActionLog<Value: FileAction>: Sendable {
    /// One slot per appended action; `nil` once replaced or removed.
    private var slots: ContiguousArray<Value?> = []
    /// Key → slot, for `slots[0..<indexed]`.
    private var index: [FileKey: Int] = [:]
    private var indexed = 0
    /// The number of non-`nil` slots.
    private(set) var count = 0

    mutating func reserve(_ extra: Int) { slots.reserveCapacity(slots.count + extra) }

    /// Appends `value`, whose key no earlier action has.
    mutating func appendUnique(_ value: Value) {
        slots.append(value)
        count += 1
    }

    /// Appends `value`, replacing the action with the same key.
    mutating func insert(_ value: Value, key: FileKey) {
        if count > 0 {
            indexAll()
            if let old = index[key] {
                slots[old] = nil
                count -= 1
            }
        }
        index[key] = slots.count
        slots.append(value)
        indexed = slots.count
        count += 1
    }

    /// Drops the action with `key`, if any.
    mutating func remove(_ key: FileKey) {
        guard count > 0 else { return }
        indexAll()
        if let old = index.removeValue(forKey: key) {
            slots[old] = nil
            count -= 1
        }
    }

    /// The live actions in order.
    var values: [Value] {
        var result: [Value] = []
        result.reserveCapacity(count)
        for case let value? in slots { result.append(value) }
        return result
    }

    private mutating func indexAll() {
        guard indexed < slots.count else { return }
        index.reserveCapacity(slots.count)
        for position in indexed..<slots.count {
            guard let key = slots[position]?.key else { continue }
            if let earlier = index.updateValue(position, forKey: key) {
                // Only a malformed checkpoint repeats a key; the later action wins, as in replay.
                slots[earlier] = nil
                count -= 1
            }
        }
        indexed = slots.count
    }
}
