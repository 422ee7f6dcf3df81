/// One action of a Delta commit file or checkpoint.
///
/// Delta PROTOCOL.md "Actions". Unknown action types are skipped when reading (they are not
/// represented here), as are unknown fields of known actions.
public enum Action: Sendable, Equatable {
    case `protocol`(ProtocolAction)
    case metadata(TableMetadata)
    case add(AddFile)
    case remove(RemoveFile)
    case txn(TransactionAction)
    case commitInfo(CommitInfo)
    case domainMetadata(DomainMetadata)
    case cdc(CDCFile)
    case checkpointMetadata(CheckpointMetadata)
    case sidecar(SidecarFile)

    /// The action's name in the log: `protocol`, `metaData`, `add`, …
    public var name: String {
        switch self {
        case .protocol: "protocol"
        case .metadata: "metaData"
        case .add: "add"
        case .remove: "remove"
        case .txn: "txn"
        case .commitInfo: "commitInfo"
        case .domainMetadata: "domainMetadata"
        case .cdc: "cdc"
        case .checkpointMetadata: "checkpointMetadata"
        case .sidecar: "sidecar"
        }
    }

    /// The action as one JSON object, `{"<name>":{…}}`.
    public var json: JSONValue {
        let body: JSONValue
        switch self {
        case .protocol(let action): body = action.json
        case .metadata(let action): body = action.json
        case .add(let action): body = action.json
        case .remove(let action): body = action.json
        case .txn(let action): body = action.json
        case .commitInfo(let action): body = action.json
        case .domainMetadata(let action): body = action.json
        case .cdc(let action): body = action.json
        case .checkpointMetadata(let action): body = action.json
        case .sidecar(let action): body = action.json
        }
        return .object([(name, body)])
    }

    /// The action as one line of a commit file, without the newline.
    public var jsonLine: String { JSONWriter.encode(json) }

    /// Decodes the action named `name`, or returns `nil` when the name is not an action lake knows.
    static func decode(name: String, body: JSONValue) throws(ActionDecodingError) -> Action? {
        if body.isNull { return nil }
        switch name {
        case "add": return .add(try AddFile(json: body))
        case "remove": return .remove(try RemoveFile(json: body))
        case "metaData": return .metadata(try TableMetadata(json: body))
        case "protocol": return .protocol(try ProtocolAction(json: body))
        case "txn": return .txn(try TransactionAction(json: body))
        case "commitInfo":
            guard case .object(let members) = body else {
                throw ActionDecodingError(reason: "commitInfo is not a JSON object")
            }
            return .commitInfo(CommitInfo(members: members))
        case "domainMetadata": return .domainMetadata(try DomainMetadata(json: body))
        case "cdc": return .cdc(try CDCFile(json: body))
        case "checkpointMetadata": return .checkpointMetadata(try CheckpointMetadata(json: body))
        case "sidecar": return .sidecar(try SidecarFile(json: body))
        default: return nil
        }
    }
}
