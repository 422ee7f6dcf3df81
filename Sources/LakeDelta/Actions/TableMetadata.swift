/// The `metaData` action: the table's identity, schema, partitioning and properties.
///
/// Delta PROTOCOL.md "Change Metadata". A new metaData action replaces the whole previous one.
public struct TableMetadata: Sendable, Equatable {
    /// The table's unique id (a UUID), stable for the table's life.
    public var id: String
    /// A user-given name, if any.
    public var name: String?
    /// A user-given description, if any.
    public var description: String?
    /// The data file format (always `parquet`).
    public var format: FileFormat
    /// The schema as Spark-style struct JSON; ``DeltaSchema`` parses it.
    public var schemaString: String
    /// The top-level partition columns, in order.
    public var partitionColumns: [String]
    /// Table properties (`delta.appendOnly`, `delta.checkpointInterval`, …); unknown keys are kept.
    public var configuration: [String: String]
    /// When the table was created, in milliseconds since the epoch, if recorded.
    public var createdTime: Int64?

    /// The `format` member of a metaData action.
    public struct FileFormat: Sendable, Hashable {
        /// The file format name: `parquet`.
        public var provider: String
        /// Format options (always empty in practice).
        public var options: [String: String]

        /// Creates a format; the default is Parquet without options.
        public init(provider: String = "parquet", options: [String: String] = [:]) {
            self.provider = provider
            self.options = options
        }
    }

    /// Creates a metaData action.
    public init(
        id: String, name: String? = nil, description: String? = nil, format: FileFormat = FileFormat(),
        schemaString: String, partitionColumns: [String] = [], configuration: [String: String] = [:],
        createdTime: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.format = format
        self.schemaString = schemaString
        self.partitionColumns = partitionColumns
        self.configuration = configuration
        self.createdTime = createdTime
    }
}

extension TableMetadata {
    init(json: JSONValue) throws(ActionDecodingError) {
        let fields = try ActionFields(action: "metaData", value: json)
        var format = FileFormat()
        if let formatValue = try fields.object("format") {
            let formatFields = try ActionFields(action: "metaData.format", value: formatValue)
            format.provider = try formatFields.optionalString("provider") ?? "parquet"
            format.options = try formatFields.stringMap("options") ?? [:]
        }
        self.init(
            id: try fields.string("id"),
            name: try fields.optionalString("name"),
            description: try fields.optionalString("description"),
            format: format,
            schemaString: try fields.string("schemaString"),
            partitionColumns: try fields.stringArray("partitionColumns") ?? [],
            configuration: try fields.stringMap("configuration") ?? [:],
            createdTime: try fields.optionalInt64("createdTime"))
    }

    /// The action's body, as written in a commit file.
    public var json: JSONValue {
        var builder = ActionObjectBuilder()
        builder.add("id", id)
        builder.add("name", name)
        builder.add("description", description)
        var formatBuilder = ActionObjectBuilder()
        formatBuilder.add("provider", format.provider)
        formatBuilder.add("options", format.options)
        builder.add("format", formatBuilder.object)
        builder.add("schemaString", schemaString)
        builder.add("partitionColumns", partitionColumns)
        builder.add("configuration", configuration)
        builder.add("createdTime", createdTime)
        return builder.object
    }
}
