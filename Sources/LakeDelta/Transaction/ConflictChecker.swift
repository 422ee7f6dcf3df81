/// What a transaction depended on, for deciding whether a concurrent commit invalidates it
/// (SPEC.md §7.3; Delta's `WriteSerializable` rules, `../shared/briefs/delta.md` §6).
public struct ReadSet: Sendable, Equatable {
    /// How much of the table's data the transaction read.
    public enum Scope: Sendable, Equatable {
        /// Nothing: a blind append.
        case nothing
        /// These files (paths as in the log, decoded).
        case files(Set<String>)
        /// The whole table (an overwrite, or a delete without a partition filter).
        case wholeTable
    }

    /// The data the transaction read.
    public var scope: Scope
    /// Application ids whose `txn` versions the transaction read (exactly-once ingestion).
    public var appIds: Set<String>

    /// A read set.
    public init(scope: Scope = .nothing, appIds: Set<String> = []) {
        self.scope = scope
        self.appIds = appIds
    }

    func hasRead(_ path: String) -> Bool {
        switch scope {
        case .nothing: false
        case .files(let paths): paths.contains(path)
        case .wholeTable: true
        }
    }
}

/// Checks our pending commit against one commit that won the race for a version.
enum ConflictChecker {
    /// A conflict found, as Delta names it.
    struct Conflict: Error {
        var kind: String
        var detail: String
    }

    /// Throws the first conflict between our commit (`ours`, which read `readSet`) and `winner`.
    static func check(ours: [Action], readSet: ReadSet, winner: [Action]) throws(Conflict) {
        var oursRemoves = Set<String>()
        var oursChangesData = false
        var oursAppIds = readSet.appIds
        for action in ours {
            switch action {
            case .remove(let remove):
                oursRemoves.insert(remove.path)
                if remove.dataChange { oursChangesData = true }
            case .add(let add): if add.dataChange { oursChangesData = true }
            case .txn(let txn): oursAppIds.insert(txn.appId)
            default: break
            }
        }
        let winnerRemoves = winner.contains { if case .remove = $0 { true } else { false } }
        for action in winner {
            switch action {
            case .protocol:
                throw Conflict(kind: "ProtocolChanged", detail: "the table's protocol was changed")
            case .metadata:
                throw Conflict(kind: "MetadataChanged", detail: "the table's schema or properties were changed")
            case .add(let add):
                // Blind appends (adds without removes) never conflict; files added by a rewrite
                // conflict with a transaction that read the whole table and changes data.
                if add.dataChange, winnerRemoves, oursChangesData, readSet.scope == .wholeTable {
                    throw Conflict(
                        kind: "ConcurrentAppend", detail: "file \(add.path) was added to data this commit read")
                }
            case .remove(let remove):
                if oursRemoves.contains(remove.path) {
                    throw Conflict(
                        kind: "ConcurrentDeleteDelete",
                        detail: "file \(remove.path) was removed by both commits")
                }
                if readSet.hasRead(remove.path) {
                    throw Conflict(kind: "ConcurrentDeleteRead", detail: "file \(remove.path), which this commit read, was removed")
                }
            case .txn(let txn):
                if oursAppIds.contains(txn.appId) {
                    throw Conflict(
                        kind: "ConcurrentTransaction",
                        detail: "application '\(txn.appId)' committed version \(txn.version) of its transactions")
                }
            default: break
            }
        }
    }
}
