/// The `txn` action: the latest version an application committed, for exactly-once ingestion.
///
/// Delta PROTOCOL.md "Transaction Identifiers". The snapshot keeps the latest version per appId.
public struct TransactionAction: Sendable, Hashable {
    /// The application's id.
    public var appId: String
    /// The application-defined version it committed.
    public var version: Int64
    /// When the transaction was committed, in milliseconds since the epoch, if recorded.
    public var lastUpdated: Int64?

    /// Creates a txn action.
    public init(appId: String, version: Int64, lastUpdated: Int64? = nil) {
        self.appId = appId
        self.version = version
        self.lastUpdated = lastUpdated
    }
}

extension TransactionAction {
    init(json: JSONValue) throws(ActionDecodingError) {
        let fields = try ActionFields(action: "txn", value: json)
        self.init(
            appId: try fields.string("appId"), version: try fields.int64("version"),
            lastUpdated: try fields.optionalInt64("lastUpdated"))
    }

    /// The action's body, as written in a commit file.
    public var json: JSONValue {
        var builder = ActionObjectBuilder()
        builder.add("appId", appId)
        builder.add("version", version)
        builder.add("lastUpdated", lastUpdated)
        return builder.object
    }
}
