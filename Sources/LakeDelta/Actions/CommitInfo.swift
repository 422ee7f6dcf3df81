/// The `commitInfo` action: free-form provenance of a commit.
///
/// Delta PROTOCOL.md "Commit Provenance Information". Nothing in replay depends on it, except
/// that with in-commit timestamps ``inCommitTimestamp`` is the commit's time (SPEC.md §6.5). The
/// whole object is kept as written (``members``), so unknown fields survive a round trip; the
/// common fields have typed accessors.
public struct CommitInfo: Sendable, Equatable {
    /// Every member of the object, in written order.
    public var members: [(String, JSONValue)]

    /// Wraps the members of a commitInfo object.
    public init(members: [(String, JSONValue)]) {
        self.members = members
    }

    /// Creates the commitInfo lake writes (SPEC.md §6; `../shared/briefs/delta.md` §3).
    public init(
        timestamp: Int64, operation: String, operationParameters: [String: String] = [:], readVersion: Int64? = nil,
        isBlindAppend: Bool? = nil, engineInfo: String? = nil, operationMetrics: [(String, JSONValue)]? = nil,
        txnId: String? = nil
    ) {
        var builder = ActionObjectBuilder()
        builder.add("timestamp", timestamp)
        builder.add("operation", operation)
        builder.add("operationParameters", operationParameters)
        builder.add("readVersion", readVersion)
        builder.add("isBlindAppend", isBlindAppend)
        builder.add("engineInfo", engineInfo)
        if let operationMetrics { builder.add("operationMetrics", .object(operationMetrics)) }
        builder.add("txnId", txnId)
        self.members = builder.members
    }

    public static func == (lhs: CommitInfo, rhs: CommitInfo) -> Bool {
        JSONValue.object(lhs.members) == JSONValue.object(rhs.members)
    }

    /// The member named `key` (the last one if repeated), or `nil`.
    public subscript(key: String) -> JSONValue? { JSONValue.object(members)[key] }

    /// When the writer says it committed, in milliseconds since the epoch.
    ///
    /// Not what time travel uses unless in-commit timestamps are on (SPEC.md §6.5).
    public var timestamp: Int64? { self["timestamp"]?.int64Value }
    /// The operation, e.g. `WRITE`, `DELETE`, `OPTIMIZE`, `VACUUM START`.
    public var operation: String? { self["operation"]?.stringValue }
    /// The operation's parameters (values are strings in Spark, sometimes JSON in delta-rs).
    public var operationParameters: [(String, JSONValue)]? { self["operationParameters"]?.objectMembers }
    /// The operation's metrics (strings in Spark, numbers in delta-rs).
    public var operationMetrics: [(String, JSONValue)]? { self["operationMetrics"]?.objectMembers }
    /// The engine that wrote the commit, e.g. `Apache-Spark/3.4.0 Delta-Lake/3.0.0`.
    public var engineInfo: String? { self["engineInfo"]?.stringValue }
    /// The snapshot version the transaction read.
    public var readVersion: Int64? { self["readVersion"]?.int64Value }
    /// Whether the commit only appended data without reading the table.
    public var isBlindAppend: Bool? { self["isBlindAppend"]?.boolValue }
    /// The in-commit timestamp (writer feature `inCommitTimestamp`), in milliseconds.
    public var inCommitTimestamp: Int64? { self["inCommitTimestamp"]?.int64Value }

    /// The action's body, as written in a commit file.
    public var json: JSONValue { .object(members) }
}
