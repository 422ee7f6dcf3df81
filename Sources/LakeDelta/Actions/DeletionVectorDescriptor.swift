/// Where a data file's deletion vector is stored (the `deletionVector` member of `add`/`remove`).
///
/// Delta PROTOCOL.md "Deletion Vectors". lake does not apply deletion vectors yet: a table that
/// lists the `deletionVectors` reader feature is refused (SPEC.md §6.2). The descriptor is still
/// decoded, because it is part of a file's identity in log replay.
public struct DeletionVectorDescriptor: Sendable, Hashable {
    /// `u` (relative path from a UUID), `i` (inline) or `p` (absolute path).
    public var storageType: String
    /// The Z85-encoded UUID (with an optional prefix), the inline bitmap, or a path.
    public var pathOrInlineDv: String
    /// Where the vector starts in its file (`u` and `p` only).
    public var offset: Int64?
    /// The size of the serialized vector in bytes.
    public var sizeInBytes: Int64
    /// How many rows the vector deletes.
    public var cardinality: Int64

    /// Creates a descriptor.
    public init(storageType: String, pathOrInlineDv: String, offset: Int64?, sizeInBytes: Int64, cardinality: Int64) {
        self.storageType = storageType
        self.pathOrInlineDv = pathOrInlineDv
        self.offset = offset
        self.sizeInBytes = sizeInBytes
        self.cardinality = cardinality
    }

    /// The vector's identity: storage type and path, plus `@offset` when there is one.
    public var uniqueID: String {
        storageType + pathOrInlineDv + (offset.map { "@\($0)" } ?? "")
    }
}

extension DeletionVectorDescriptor {
    init(json: JSONValue, action: String) throws(ActionDecodingError) {
        let fields = try ActionFields(action: action + ".deletionVector", value: json)
        self.init(
            storageType: try fields.string("storageType"),
            pathOrInlineDv: try fields.string("pathOrInlineDv"),
            offset: try fields.optionalInt64("offset"),
            sizeInBytes: try fields.int64("sizeInBytes"),
            cardinality: try fields.int64("cardinality"))
    }

    /// The descriptor as written in the log.
    public var json: JSONValue {
        var builder = ActionObjectBuilder()
        builder.add("storageType", storageType)
        builder.add("pathOrInlineDv", pathOrInlineDv)
        builder.add("offset", offset)
        builder.add("sizeInBytes", sizeInBytes)
        builder.add("cardinality", cardinality)
        return builder.object
    }
}
