import LakeColumnar

/// An error of the engine façade: resolving what a user named, and requests that do not fit it.
///
/// Errors of the layers below (Parquet, Delta, storage) pass through unchanged; these are the ones
/// only the façade can detect. ``isUsageError`` tells the CLI which ones are wrong usage (exit 2,
/// SPEC.md §2).
public enum EngineError: LakeError, Equatable {
    /// The argument is neither a table name (`[A-Za-z_][A-Za-z0-9_]*`) nor an existing directory.
    case invalidTableName(String)
    /// A table name does not name a table of the lake.
    ///
    /// `localDirectory` is a Delta table of the same name in the current directory, if there is one.
    case tableNotFound(name: String, lakeRoot: String, localDirectory: String?)
    /// A table name resolves (through a symbolic link) to a directory outside the lake.
    case outsideLake(name: String, lakeRoot: String, resolved: String)
    /// Nothing exists at the path.
    case notFound(path: String)
    /// `--version` or `--as-of` was given for a Parquet file, which has no versions.
    case timeTravelOnFile(path: String, option: String)
    /// The `--as-of` text is not a timestamp, a date or epoch milliseconds.
    case invalidTimestamp(String)
    /// A record of a CSV or JSON-lines file read by a query does not fit the inferred columns (SPEC.md §8.1).
    case badInputRecord(file: String, line: Int64, column: String?, reason: String)
    /// A `--where` partition filter that is not one (SPEC.md §2.10).
    case invalidPartitionPredicate(text: String, reason: String)

    /// Whether the error is wrong usage rather than a failure (exit status 2, SPEC.md §2).
    public var isUsageError: Bool {
        switch self {
        case .invalidTableName, .timeTravelOnFile, .invalidTimestamp, .invalidPartitionPredicate: true
        case .tableNotFound, .outsideLake, .notFound, .badInputRecord: false
        }
    }

    public var description: String {
        switch self {
        case .invalidTableName(let text):
            "'\(text)' is not a table name and not a directory"
        case .tableNotFound(let name, let lakeRoot, _):
            "table '\(name)' does not exist in the lake \(lakeRoot)"
        case .outsideLake(let name, let lakeRoot, let resolved):
            "table '\(name)' of the lake \(lakeRoot) leads outside it (to \(resolved)); lake does not follow it"
        case .notFound(let path): "\(path): no such file or directory"
        case .timeTravelOnFile(let path, let option):
            "\(option) applies to Delta tables, but \(path) is a Parquet file"
        case .invalidTimestamp(let text):
            "'\(text)' is not a time: expected an ISO 8601 timestamp or date, or milliseconds since the epoch"
        case .invalidPartitionPredicate(let text, let reason):
            "partition filter '\(text)': \(reason)"
        case .badInputRecord(let file, let line, let column, let reason):
            "bad record in \(file) at line \(line)\(column.map { ", column '\($0)'" } ?? ""): \(reason)"
        }
    }

    public var help: String? {
        switch self {
        case .invalidTableName:
            "A table name is letters, digits and underscores, not starting with a digit; "
                + "write a directory as a path, e.g. ./my-table."
        case .tableNotFound(_, _, let local?):
            "The current directory has a table of that name; write it as a path: \(local)"
        case .tableNotFound:
            "Tables are the directories of the lake; choose the lake with --lake DIR or LAKE_HOME, "
                + "or give the table's path."
        case .outsideLake: "Give the table's path instead of its name if you mean to read it."
        case .notFound: "Check the path; relative paths are resolved from the current directory."
        case .timeTravelOnFile: "Drop the option, or give the directory of a Delta table."
        case .invalidTimestamp:
            "Examples: 2024-01-05T10:00:00Z, 2024-01-05 10:00:00+01:00, 2024-01-05, 1704448800000."
        case .badInputRecord:
            "Fix the file, or load it with lake ingest --on-error skip (or quarantine) to count and set aside bad records."
        case .invalidPartitionPredicate:
            "A partition filter (lake compact --where, OPTIMIZE … WHERE) names partition columns only, e.g. "
                + "day >= '2024-01-05' AND site = 'Oslo'."
        }
    }
}
