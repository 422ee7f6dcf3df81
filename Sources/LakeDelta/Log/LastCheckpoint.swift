import LakeIO

/// The `_delta_log/_last_checkpoint` hint: which checkpoint is the newest.
///
/// Delta PROTOCOL.md "Last Checkpoint File". lake writes `{"version":V,"size":N,"sizeInBytes":B,
/// "numOfAddFiles":K}` (as delta-rs does) after each checkpoint, never moving it back to an older
/// version. lake's own replay never depends on it (it lists the log, SPEC.md §6.1); other readers
/// use it to start listing at the checkpoint.
public struct LastCheckpoint: Sendable, Equatable {
    /// The checkpoint's table version.
    public var version: Int64
    /// The number of actions in the checkpoint.
    public var size: Int64
    /// The checkpoint's size in bytes, if recorded.
    public var sizeInBytes: Int64?
    /// The number of `add` actions in the checkpoint, if recorded.
    public var numOfAddFiles: Int64?
    /// The number of parts of a multi-part checkpoint, if recorded.
    public var parts: Int64?

    /// The file name inside `_delta_log`.
    public static let fileName = "_last_checkpoint"

    /// Creates the hint.
    public init(
        version: Int64, size: Int64, sizeInBytes: Int64? = nil, numOfAddFiles: Int64? = nil, parts: Int64? = nil
    ) {
        self.version = version
        self.size = size
        self.sizeInBytes = sizeInBytes
        self.numOfAddFiles = numOfAddFiles
        self.parts = parts
    }

    /// The hint describing a checkpoint lake wrote.
    public init(_ summary: CheckpointSummary) {
        self.init(
            version: summary.version, size: Int64(summary.actionCount), sizeInBytes: summary.sizeInBytes,
            numOfAddFiles: Int64(summary.addFileCount))
    }

    /// The hint as one compact JSON object.
    public var json: JSONValue {
        var builder = ActionObjectBuilder()
        builder.add("version", version)
        builder.add("size", size)
        builder.add("parts", parts)
        builder.add("sizeInBytes", sizeInBytes)
        builder.add("numOfAddFiles", numOfAddFiles)
        return builder.object
    }

    /// Parses the file's content; unknown members (`checkpointSchema`, `checksum`, `v2Checkpoint`) are ignored.
    ///
    /// - Throws: ``DeltaError/corruptLog(path:line:offset:reason:)`` naming `path`.
    public init(parsing bytes: [UInt8], path: String) throws(DeltaError) {
        let value: JSONValue
        do throws(JSONError) {
            value = try JSONReader.parse(bytes: bytes)
        } catch {
            throw .corruptLog(path: path, line: nil, offset: error.offset, reason: error.reason)
        }
        do throws(ActionDecodingError) {
            let fields = try ActionFields(action: "_last_checkpoint", value: value)
            self.init(
                version: try fields.int64("version"), size: try fields.int64("size"),
                sizeInBytes: try fields.optionalInt64("sizeInBytes"),
                numOfAddFiles: try fields.optionalInt64("numOfAddFiles"), parts: try fields.optionalInt64("parts"))
        } catch {
            throw .corruptLog(path: path, line: nil, offset: nil, reason: error.reason)
        }
    }

    /// Reads `_last_checkpoint` in `logPath`, or returns `nil` when there is none.
    static func read(logPath: String) throws(DeltaError) -> LastCheckpoint? {
        let path = logPath + "/" + fileName
        let bytes: [UInt8]
        do {
            bytes = try LogStore.read(path)
        } catch {
            if case .notFound = error { return nil }
            throw .storage(error)
        }
        return try LastCheckpoint(parsing: bytes, path: path)
    }

    /// Points `_last_checkpoint` at the checkpoint `summary` describes, unless it already names a
    /// newer one (an unreadable hint is replaced). Written through a temporary file and a rename.
    static func update(with summary: CheckpointSummary, logPath: String) throws(DeltaError) {
        if let existing = try? read(logPath: logPath), existing.version > summary.version { return }
        var writer = JSONWriter()
        writer.write(LastCheckpoint(summary).json)
        do throws(StorageError) {
            try LogStore.replace(fileName, in: logPath, with: writer.bytes)
        } catch {
            throw .storage(error)
        }
    }
}
