/// The `protocol` action: which reader and writer versions and features a table needs.
///
/// Delta PROTOCOL.md "Protocol Evolution". `readerFeatures` may appear only at reader version 3,
/// `writerFeatures` only at writer version 7. A later protocol action replaces the earlier one.
public struct ProtocolAction: Sendable, Hashable {
    /// The lowest reader protocol version that can read the table.
    public var minReaderVersion: Int
    /// The lowest writer protocol version that can write the table.
    public var minWriterVersion: Int
    /// Reader table features (reader version 3), or `nil`.
    public var readerFeatures: [String]?
    /// Writer table features (writer version 7), or `nil`.
    public var writerFeatures: [String]?

    /// Creates a protocol action.
    public init(
        minReaderVersion: Int, minWriterVersion: Int, readerFeatures: [String]? = nil, writerFeatures: [String]? = nil
    ) {
        self.minReaderVersion = minReaderVersion
        self.minWriterVersion = minWriterVersion
        self.readerFeatures = readerFeatures
        self.writerFeatures = writerFeatures
    }
}

extension ProtocolAction {
    init(json: JSONValue) throws(ActionDecodingError) {
        let fields = try ActionFields(action: "protocol", value: json)
        self.init(
            minReaderVersion: try fields.int("minReaderVersion"),
            minWriterVersion: try fields.int("minWriterVersion"),
            readerFeatures: try fields.stringArray("readerFeatures"),
            writerFeatures: try fields.stringArray("writerFeatures"))
    }

    /// The action's body, as written in a commit file.
    public var json: JSONValue {
        var builder = ActionObjectBuilder()
        builder.add("minReaderVersion", minReaderVersion)
        builder.add("minWriterVersion", minWriterVersion)
        builder.add("readerFeatures", readerFeatures)
        builder.add("writerFeatures", writerFeatures)
        return builder.object
    }
}
