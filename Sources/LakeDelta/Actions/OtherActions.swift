/// The `domainMetadata` action: configuration of a named metadata domain (e.g. `delta.clustering`).
///
/// Delta PROTOCOL.md "Domain Metadata". Replay keeps the latest per domain and drops removed ones.
public struct DomainMetadata: Sendable, Hashable {
    /// The domain name.
    public var domain: String
    /// The domain's configuration, a string (usually JSON).
    public var configuration: String
    /// Whether the domain is removed.
    public var removed: Bool

    /// Creates a domainMetadata action.
    public init(domain: String, configuration: String, removed: Bool) {
        self.domain = domain
        self.configuration = configuration
        self.removed = removed
    }
}

/// The `cdc` action: a change-data file. Snapshot reads ignore it.
public struct CDCFile: Sendable, Equatable {
    /// The decoded path of the change-data file.
    public var path: String
    /// Partition values as serialised in the log.
    public var partitionValues: [String: String?]
    /// The file size in bytes.
    public var size: Int64
    /// Always `false` for cdc files.
    public var dataChange: Bool

    /// Creates a cdc action.
    public init(path: String, partitionValues: [String: String?], size: Int64, dataChange: Bool = false) {
        self.path = path
        self.partitionValues = partitionValues
        self.size = size
        self.dataChange = dataChange
    }
}

/// The `checkpointMetadata` action of a V2 checkpoint.
public struct CheckpointMetadata: Sendable, Hashable {
    /// The checkpoint's table version.
    public var version: Int64

    /// Creates a checkpointMetadata action.
    public init(version: Int64) {
        self.version = version
    }
}

/// The `sidecar` action of a V2 checkpoint: a Parquet file under `_delta_log/_sidecars/` holding
/// some of the checkpoint's add and remove actions.
public struct SidecarFile: Sendable, Hashable {
    /// The decoded path, relative to `_delta_log/_sidecars/` (or absolute).
    public var path: String
    /// The file size in bytes.
    public var sizeInBytes: Int64
    /// When the file was written, in milliseconds since the epoch.
    public var modificationTime: Int64

    /// Creates a sidecar action.
    public init(path: String, sizeInBytes: Int64, modificationTime: Int64) {
        self.path = path
        self.sizeInBytes = sizeInBytes
        self.modificationTime = modificationTime
    }
}

extension DomainMetadata {
    init(json: JSONValue) throws(ActionDecodingError) {
        let fields = try ActionFields(action: "domainMetadata", value: json)
        self.init(
            domain: try fields.string("domain"), configuration: try fields.optionalString("configuration") ?? "",
            removed: try fields.optionalBool("removed") ?? false)
    }

    /// The action's body, as written in a commit file.
    public var json: JSONValue {
        .object([("domain", .string(domain)), ("configuration", .string(configuration)), ("removed", .bool(removed))])
    }
}

extension CDCFile {
    init(json: JSONValue) throws(ActionDecodingError) {
        let fields = try ActionFields(action: "cdc", value: json)
        self.init(
            path: DeltaPath.decode(try fields.string("path")),
            partitionValues: try fields.nullableStringMap("partitionValues") ?? [:],
            size: try fields.optionalInt64("size") ?? 0, dataChange: try fields.optionalBool("dataChange") ?? false)
    }

    /// The action's body, as written in a commit file.
    public var json: JSONValue {
        var builder = ActionObjectBuilder()
        builder.add("path", DeltaPath.encode(path))
        builder.add("partitionValues", partitionValues)
        builder.add("size", size)
        builder.add("dataChange", dataChange)
        return builder.object
    }
}

extension CheckpointMetadata {
    init(json: JSONValue) throws(ActionDecodingError) {
        let fields = try ActionFields(action: "checkpointMetadata", value: json)
        self.init(version: try fields.int64("version"))
    }

    /// The action's body.
    public var json: JSONValue { .object([("version", .integer(version))]) }
}

extension SidecarFile {
    init(json: JSONValue) throws(ActionDecodingError) {
        let fields = try ActionFields(action: "sidecar", value: json)
        self.init(
            path: DeltaPath.decode(try fields.string("path")),
            sizeInBytes: try fields.optionalInt64("sizeInBytes") ?? 0,
            modificationTime: try fields.optionalInt64("modificationTime") ?? 0)
    }

    /// The action's body.
    public var json: JSONValue {
        .object([
            ("path", .string(DeltaPath.encode(path))), ("sizeInBytes", .integer(sizeInBytes)),
            ("modificationTime", .integer(modificationTime)),
        ])
    }
}
