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
    /// The live files by identity.
    public private(set) var files: [FileKey: AddFile] = [:]
    /// The tombstones by identity.
    public private(set) var tombstones: [FileKey: RemoveFile] = [:]
    /// The latest txn per application id.
    public private(set) var transactions: [String: TransactionAction] = [:]
    /// The live domain metadata per domain.
    public private(set) var domains: [String: DomainMetadata] = [:]
    /// The sidecar files a V2 checkpoint referenced (read by the checkpoint reader).
    public private(set) var sidecars: [SidecarFile] = []

    /// Creates an empty state.
    public init() {}

    /// Applies one action.
    public mutating func apply(_ action: Action) {
        switch action {
        case .protocol(let value): protocolAction = value
        case .metadata(let value): metadata = value
        case .add(let file):
            let key = file.key
            files[key] = file
            if !tombstones.isEmpty { tombstones[key] = nil }
        case .remove(let file):
            let key = file.key
            if !files.isEmpty { files[key] = nil }
            tombstones[key] = file
        case .txn(let value): transactions[value.appId] = value
        case .domainMetadata(let value): domains[value.domain] = value.removed ? nil : value
        case .sidecar(let value): sidecars.append(value)
        case .commitInfo, .cdc, .checkpointMetadata: break
        }
    }

    /// Makes room for `count` more files, so a big checkpoint does not rehash the map as it grows.
    mutating func reserveFiles(_ count: Int) {
        files.reserveCapacity(files.count + count)
    }

    /// Forgets the sidecars once they have been read.
    mutating func clearSidecars() { sidecars = [] }
}
