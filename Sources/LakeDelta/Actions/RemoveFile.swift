/// The `remove` action: a tombstone that drops a file from the table from this version on.
///
/// Delta PROTOCOL.md "Add File and Remove File". Only ``path`` and ``dataChange`` are required;
/// the tombstone stays in the state (for vacuum) until it expires.
public struct RemoveFile: Sendable, Equatable {
    /// The removed file's path, already percent-decoded (as in ``AddFile/path``).
    public var path: String
    /// When the file was removed, in milliseconds since the epoch.
    public var deletionTimestamp: Int64?
    /// Whether the action changes the table's rows (`false` for compaction).
    public var dataChange: Bool
    /// Whether ``partitionValues``, ``size`` and ``tags`` are filled in.
    public var extendedFileMetadata: Bool?
    /// The removed file's partition values, if recorded.
    public var partitionValues: [String: String?]?
    /// The removed file's size, if recorded.
    public var size: Int64?
    /// The removed file's tags, if recorded.
    public var tags: [String: String?]?
    /// The deletion vector of the removed logical file, if any.
    public var deletionVector: DeletionVectorDescriptor?
    /// Row tracking: the removed file's first row id.
    public var baseRowId: Int64?
    /// Row tracking: the removed file's default row commit version.
    public var defaultRowCommitVersion: Int64?

    /// Creates a remove action.
    public init(
        path: String, deletionTimestamp: Int64? = nil, dataChange: Bool = true, extendedFileMetadata: Bool? = nil,
        partitionValues: [String: String?]? = nil, size: Int64? = nil, tags: [String: String?]? = nil,
        deletionVector: DeletionVectorDescriptor? = nil, baseRowId: Int64? = nil, defaultRowCommitVersion: Int64? = nil
    ) {
        self.path = path
        self.deletionTimestamp = deletionTimestamp
        self.dataChange = dataChange
        self.extendedFileMetadata = extendedFileMetadata
        self.partitionValues = partitionValues
        self.size = size
        self.tags = tags
        self.deletionVector = deletionVector
        self.baseRowId = baseRowId
        self.defaultRowCommitVersion = defaultRowCommitVersion
    }

    /// The identity of the logical file this tombstone removes.
    public var key: FileKey { FileKey(path: path, deletionVectorID: deletionVector?.uniqueID) }
}

extension RemoveFile {
    init(json: JSONValue) throws(ActionDecodingError) {
        let fields = try ActionFields(action: "remove", value: json)
        self.init(
            path: DeltaPath.decode(try fields.string("path")),
            deletionTimestamp: try fields.optionalInt64("deletionTimestamp"),
            dataChange: try fields.optionalBool("dataChange") ?? true,
            extendedFileMetadata: try fields.optionalBool("extendedFileMetadata"),
            partitionValues: try fields.nullableStringMap("partitionValues"),
            size: try fields.optionalInt64("size"),
            tags: try fields.nullableStringMap("tags"),
            deletionVector: try fields.object("deletionVector").map {
                value throws(ActionDecodingError) in try DeletionVectorDescriptor(json: value, action: "remove")
            },
            baseRowId: try fields.optionalInt64("baseRowId"),
            defaultRowCommitVersion: try fields.optionalInt64("defaultRowCommitVersion"))
    }

    /// The action's body, as written in a commit file (absent optionals are left out).
    public var json: JSONValue {
        var builder = ActionObjectBuilder()
        builder.add("path", DeltaPath.encode(path))
        builder.add("deletionTimestamp", deletionTimestamp)
        builder.add("dataChange", dataChange)
        builder.add("extendedFileMetadata", extendedFileMetadata)
        builder.add("partitionValues", partitionValues)
        builder.add("size", size)
        builder.add("tags", tags)
        if let deletionVector { builder.add("deletionVector", deletionVector.json) }
        builder.add("baseRowId", baseRowId)
        builder.add("defaultRowCommitVersion", defaultRowCommitVersion)
        return builder.object
    }
}
