import LakeColumnar
import LakeDelta

/// `lake describe`: what a table is at one version (SPEC.md §2.7).
///
/// Read from the log only (no data file is opened): identity, schema, partitioning, files, bytes,
/// rows from the files' statistics, protocol, properties, the latest checkpoint, and per
/// partition the files, bytes and rows. ``TableDescriptionReport`` renders it.
public struct TableDescription: Sendable {
    /// Files, bytes and rows of one partition (one combination of partition values).
    public struct Partition: Sendable, Equatable {
        /// The partition values in ``TableDescription/partitionColumns`` order, as the log writes
        /// them; `nil` is null.
        public var values: [String?]
        /// Live files.
        public var fileCount: Int
        /// Their total size in bytes.
        public var byteCount: Int64
        /// Their rows from statistics, or `nil` when a file has no `numRecords`.
        public var rowCount: Int64?
    }

    /// The table's directory.
    public var path: String
    /// The name the table was given by, when it was named in the lake.
    public var name: String?
    /// The version described.
    public var version: Int64
    /// Its commit time in milliseconds since the epoch (SPEC.md §6.5).
    public var timestamp: Int64
    /// The metadata (id, name, description, creation time, properties).
    public var metadata: TableMetadata
    /// The schema in lake types.
    public var schema: Schema
    /// The partition columns, in order.
    public var partitionColumns: [String]
    /// Live files.
    public var fileCount: Int
    /// Their total size in bytes.
    public var byteCount: Int64
    /// Rows from the files' statistics, or `nil` when some file has no `numRecords`.
    public var rowCount: Int64?
    /// How many live files have no `numRecords`.
    public var filesWithoutRowCount: Int
    /// The protocol in force.
    public var protocolAction: ProtocolAction
    /// The newest checkpoint at or before ``version``, if any.
    public var checkpointVersion: Int64?
    /// Per partition, sorted by values (null first); empty for unpartitioned tables.
    public var partitions: [Partition]

    /// The description of `location` at `version`.
    public static func load(_ location: TableLocation, version: TableVersion = .latest) throws -> TableDescription {
        try location.checkExists()
        let snapshot = try version.snapshot(of: location.path)
        let listing = try DeltaLog(tableRoot: location.path).listing()
        var description = TableDescription(snapshot)
        description.name = location.kind == .name ? location.argument : nil
        description.checkpointVersion = listing.checkpoints.last { $0.version <= snapshot.version }?.version
        return description
    }

    /// Describes `snapshot` (``name`` and ``checkpointVersion`` are left for the caller).
    public init(_ snapshot: Snapshot) {
        path = snapshot.tableRoot
        version = snapshot.version
        timestamp = snapshot.timestamp
        metadata = snapshot.metadata
        schema = snapshot.schema
        partitionColumns = snapshot.partitionColumns
        protocolAction = snapshot.protocolAction
        fileCount = snapshot.files.count
        var bytes: Int64 = 0
        var rows: Int64 = 0
        var missing = 0
        var byPartition: [[String?]: Partition] = [:]
        for file in snapshot.files {
            let records = Self.numRecords(file)
            bytes += file.size
            if let records { rows += records } else { missing += 1 }
            guard !partitionColumns.isEmpty else { continue }
            let values = partitionColumns.map { file.partitionValues[$0] ?? nil }
            var partition = byPartition[values] ?? Partition(values: values, fileCount: 0, byteCount: 0, rowCount: 0)
            partition.fileCount += 1
            partition.byteCount += file.size
            partition.rowCount = records.flatMap { count in partition.rowCount.map { $0 + count } }
            byPartition[values] = partition
        }
        byteCount = bytes
        rowCount = missing == 0 ? rows : nil
        filesWithoutRowCount = missing
        partitions = byPartition.values.sorted { Self.precedes($0.values, $1.values) }
    }

    /// `numRecords` from a file's statistics, or `nil`.
    static func numRecords(_ file: AddFile) -> Int64? {
        guard let stats = file.stats, let value = try? JSONReader.parse(stats) else { return nil }
        return value["numRecords"]?.int64Value
    }

    /// Orders partition value lists column by column, null first.
    private static func precedes(_ left: [String?], _ right: [String?]) -> Bool {
        for (a, b) in zip(left, right) where a != b {
            guard let a else { return true }
            guard let b else { return false }
            return a < b
        }
        return false
    }
}
