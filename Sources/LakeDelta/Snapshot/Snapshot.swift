import LakeColumnar

/// The state of a Delta table at one version: protocol, metadata, schema, live files and txns.
///
/// Built by ``DeltaLog`` through log replay (SPEC.md §6.1). A snapshot is an immutable value; it
/// is checked against what lake can read (``ReaderFeatures``) before it is returned, so a scan of
/// it never meets an unsupported feature.
///
/// ```swift
/// let snapshot = try Snapshot.load(table: "lakehouse/events")           // latest
/// let old = try Snapshot.load(table: "lakehouse/events", version: 3)    // VERSION AS OF 3
/// for file in snapshot.files { print(file.path, file.size) }
/// ```
public struct Snapshot: Sendable {
    /// The table root directory.
    public let tableRoot: String
    /// The table version.
    public let version: Int64
    /// The version's commit time in milliseconds since the epoch (SPEC.md §6.5).
    ///
    /// Read on demand: the monotonic rule needs the file times of the whole log, which opening a
    /// table does not otherwise read.
    public var timestamp: Int64 { timestampSource() }
    private let timestampSource: @Sendable () -> Int64
    /// The protocol in force at this version.
    public let protocolAction: ProtocolAction
    /// The metadata in force at this version.
    public let metadata: TableMetadata
    /// The parsed schema, with Delta field metadata.
    public let deltaSchema: DeltaSchema
    /// The live data files, in log order: a checkpoint's order, then each later commit's adds as
    /// they come (a re-added file moves to its newest position). SPEC.md §6.1.
    public let files: [AddFile]
    /// The tombstones still in the state, in log order.
    public let tombstones: [RemoveFile]
    /// The latest txn per application id.
    public let transactions: [String: TransactionAction]
    /// The live domain metadata per domain.
    public let domainMetadata: [String: DomainMetadata]
    /// The checkpoint replay started from, if any.
    public let checkpointVersion: Int64?

    init(
        tableRoot: String, version: Int64, timestamp: Int64, protocolAction: ProtocolAction, metadata: TableMetadata,
        deltaSchema: DeltaSchema, replay: LogReplay, checkpointVersion: Int64?
    ) {
        self.init(
            tableRoot: tableRoot, version: version, timestamp: { timestamp }, protocolAction: protocolAction,
            metadata: metadata, deltaSchema: deltaSchema, replay: replay, checkpointVersion: checkpointVersion)
    }

    init(
        tableRoot: String, version: Int64, timestamp: @escaping @Sendable () -> Int64, protocolAction: ProtocolAction,
        metadata: TableMetadata, deltaSchema: DeltaSchema, replay: LogReplay, checkpointVersion: Int64?
    ) {
        self.tableRoot = tableRoot
        self.version = version
        self.timestampSource = timestamp
        self.protocolAction = protocolAction
        self.metadata = metadata
        self.deltaSchema = deltaSchema
        self.files = replay.files
        self.tombstones = replay.tombstones
        self.transactions = replay.transactions
        self.domainMetadata = replay.domains
        self.checkpointVersion = checkpointVersion
    }

    /// The table schema in lake types (partition columns included, in schema order).
    public var schema: Schema { deltaSchema.schema }

    /// The partition columns, in order.
    public var partitionColumns: [String] { metadata.partitionColumns }

    /// The latest version the application `appId` committed, or `nil` (for exactly-once ingestion).
    public func transactionVersion(appId: String) -> Int64? { transactions[appId]?.version }

    /// The number of rows in the live files according to their statistics, or `nil` when a file has none.
    public var rowCountFromStatistics: Int64? {
        var total: Int64 = 0
        for file in files {
            guard let stats = file.stats, let value = try? JSONReader.parse(stats),
                let count = value["numRecords"]?.int64Value
            else { return nil }
            total += count
        }
        return total
    }

    /// Loads the table at `path` at `version`, or at its latest version when `version` is `nil`.
    ///
    /// - Throws: ``DeltaError`` — not a table, a missing or unreachable version, a gap in the log,
    ///   a missing protocol or metaData action, a corrupt log file, an unsupported feature.
    public static func load(table path: String, version: Int64? = nil) throws(DeltaError) -> Snapshot {
        try DeltaLog(tableRoot: path).snapshot(version: version)
    }

    /// Loads the table at `path` as of `timestamp` (milliseconds since the epoch): the latest version
    /// committed at or before it (SPEC.md §6.5).
    public static func load(table path: String, asOf timestamp: Int64) throws(DeltaError) -> Snapshot {
        try DeltaLog(tableRoot: path).snapshot(asOf: timestamp)
    }
}
