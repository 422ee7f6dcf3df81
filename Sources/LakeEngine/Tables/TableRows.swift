import LakeColumnar
import LakeDelta

/// What `lake cat` reads: a Parquet file, or a Delta table (SPEC.md §2.2).
public enum CatSource: Sendable, Equatable {
    /// A Parquet file at this path.
    case parquetFile(String)
    /// A Delta table.
    case table(TableLocation)

    /// An existing regular file is a Parquet file, whatever its name; anything else is a table,
    /// named or given by path (``TableLocation/resolve(_:lakeRoot:)``).
    ///
    /// - Throws: ``EngineError/notFound(path:)`` for a path that does not exist (a table name that
    ///   does not exist is reported when it is read), and the errors of
    ///   ``TableLocation/resolve(_:lakeRoot:)``.
    public static func resolve(_ argument: String, lakeRoot: String) throws(EngineError) -> CatSource {
        switch FileKind(argument) {
        case .file: return .parquetFile(argument)
        case .missing where !TableLocation.isTableName(argument): throw .notFound(path: argument)
        default: return .table(try TableLocation.resolve(argument, lakeRoot: lakeRoot))
        }
    }
}

/// The rows of a Delta table at one version, read with ``TableScan`` (SPEC.md §2.2, §6.6).
public struct TableRows: Sendable {
    /// The snapshot read.
    public let snapshot: Snapshot
    /// The output schema (the requested columns, in order).
    public let schema: Schema
    /// The rows, one batch per row group of each file read, in file order.
    public let batches: [RecordBatch]

    /// Reads `columns` (all when `nil`) of the table at `location` as of `version`, stopping after
    /// `limit` rows (only the files needed are read), on up to `threads` threads.
    public static func read(
        _ location: TableLocation, version: TableVersion = .latest, columns: [String]? = nil, limit: Int? = nil,
        threads: Int = 1
    ) async throws -> TableRows {
        try location.checkExists()
        let snapshot = try version.snapshot(of: location.path)
        let scan = try TableScan(snapshot: snapshot, columns: columns)
        guard let limit else {
            return TableRows(snapshot: snapshot, schema: scan.schema, batches: try await scan.read(threads: threads))
        }
        var batches: [RecordBatch] = []
        var remaining = limit
        for file in scan.files where remaining > 0 {
            for batch in try await scan.read(file, threads: threads) where remaining > 0 {
                batches.append(batch.rowCount <= remaining ? batch : batch.slice(0..<remaining))
                remaining -= min(remaining, batch.rowCount)
            }
        }
        return TableRows(snapshot: snapshot, schema: scan.schema, batches: batches)
    }
}
