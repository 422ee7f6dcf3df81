import LakeColumnar

/// The `add` action: a data file that is part of the table from this version on.
///
/// Delta PROTOCOL.md "Add File and Remove File". A logical file is identified by
/// (``path``, ``deletionVector``'s unique id) (``FileKey``).
public struct AddFile: Sendable, Equatable {
    /// The file's path relative to the table root (or an absolute path), already percent-decoded.
    ///
    /// The log stores it as a URI; ``DeltaPath/decode(_:)`` undoes that once, and the encoder
    /// applies ``DeltaPath/encode(_:)`` again.
    public var path: String
    /// The partition column values as Delta serialises them; `nil` is a null value.
    public var partitionValues: [String: String?]
    /// The file size in bytes.
    public var size: Int64
    /// When the file was written, in milliseconds since the epoch.
    public var modificationTime: Int64
    /// Whether the action changes the table's rows (`false` for compaction).
    public var dataChange: Bool
    /// The statistics as the raw JSON string from the log; ``statistics(schema:)`` parses it.
    public var stats: String?
    /// Free-form tags, if any.
    public var tags: [String: String?]?
    /// The deletion vector, if any.
    public var deletionVector: DeletionVectorDescriptor?
    /// Row tracking: the first row id of the file.
    public var baseRowId: Int64?
    /// Row tracking: the commit version default for rows of this file.
    public var defaultRowCommitVersion: Int64?
    /// The clustering implementation that wrote the file, if any.
    public var clusteringProvider: String?

    /// Creates an add action.
    public init(
        path: String, partitionValues: [String: String?] = [:], size: Int64, modificationTime: Int64,
        dataChange: Bool = true, stats: String? = nil, tags: [String: String?]? = nil,
        deletionVector: DeletionVectorDescriptor? = nil, baseRowId: Int64? = nil,
        defaultRowCommitVersion: Int64? = nil, clusteringProvider: String? = nil
    ) {
        self.path = path
        self.partitionValues = partitionValues
        self.size = size
        self.modificationTime = modificationTime
        self.dataChange = dataChange
        self.stats = stats
        self.tags = tags
        self.deletionVector = deletionVector
        self.baseRowId = baseRowId
        self.defaultRowCommitVersion = defaultRowCommitVersion
        self.clusteringProvider = clusteringProvider
    }

    /// The file's identity in log replay.
    public var key: FileKey { FileKey(path: path, deletionVectorID: deletionVector?.uniqueID) }

    /// The parsed ``stats``, or `nil` when the file has none or they cannot be read.
    ///
    /// Statistics are only bounds and may be absent (SPEC.md §6.4); a malformed stats string is
    /// treated as missing rather than failing a read.
    public func statistics(schema: Schema) -> FileStatistics? {
        guard let stats else { return nil }
        return FileStatistics(json: stats, schema: schema)
    }
}

/// The identity of a logical file in log replay: its path and its deletion vector's unique id.
public struct FileKey: Sendable, Hashable {
    /// The decoded path.
    public var path: String
    /// ``DeletionVectorDescriptor/uniqueID``, or `nil` without a deletion vector.
    public var deletionVectorID: String?

    /// Creates a key.
    public init(path: String, deletionVectorID: String? = nil) {
        self.path = path
        self.deletionVectorID = deletionVectorID
    }
}

extension AddFile {
    init(json: JSONValue) throws(ActionDecodingError) {
        let fields = try ActionFields(action: "add", value: json)
        self.init(
            path: DeltaPath.decode(try fields.string("path")),
            partitionValues: try fields.nullableStringMap("partitionValues") ?? [:],
            size: try fields.int64("size"),
            modificationTime: try fields.optionalInt64("modificationTime") ?? 0,
            dataChange: try fields.optionalBool("dataChange") ?? true,
            stats: try fields.optionalString("stats"),
            tags: try fields.nullableStringMap("tags"),
            deletionVector: try fields.object("deletionVector").map {
                value throws(ActionDecodingError) in try DeletionVectorDescriptor(json: value, action: "add")
            },
            baseRowId: try fields.optionalInt64("baseRowId"),
            defaultRowCommitVersion: try fields.optionalInt64("defaultRowCommitVersion"),
            clusteringProvider: try fields.optionalString("clusteringProvider"))
    }

    /// The action's body, as written in a commit file (absent optionals are left out).
    public var json: JSONValue {
        var builder = ActionObjectBuilder()
        builder.add("path", DeltaPath.encode(path))
        builder.add("partitionValues", partitionValues)
        builder.add("size", size)
        builder.add("modificationTime", modificationTime)
        builder.add("dataChange", dataChange)
        builder.add("stats", stats)
        builder.add("tags", tags)
        if let deletionVector { builder.add("deletionVector", deletionVector.json) }
        builder.add("baseRowId", baseRowId)
        builder.add("defaultRowCommitVersion", defaultRowCommitVersion)
        builder.add("clusteringProvider", clusteringProvider)
        return builder.object
    }
}
