import LakeColumnar
import LakeIO
import LakeParquet

/// An error reading a Delta table: its log, its checkpoints or its data files.
///
/// Each case names the table (its root directory) or the log file, and where it applies the
/// version, line or column, so a user can find the defect (SPEC.md §6).
public enum DeltaError: LakeError, Equatable {
    /// The directory is not a Delta table: no `_delta_log`, or a log without commits.
    case notATable(path: String, reason: String)
    /// A log file (commit, checkpoint, `_last_checkpoint`) is malformed.
    ///
    /// `line` is 1-based; `offset` is the byte offset in the file, when known.
    case corruptLog(path: String, line: Int?, offset: Int?, reason: String)
    /// The requested version cannot be rebuilt from the log.
    case versionNotFound(table: String, version: Int64, reason: String)
    /// The log skips a version: `missing` is absent although later commits exist.
    case logGap(table: String, missing: Int64, next: Int64)
    /// Replay ended without a required action (`protocol` or `metaData`).
    case missingAction(table: String, version: Int64, action: String)
    /// The table needs a reader feature lake does not implement.
    case unsupportedFeature(table: String, feature: String)
    /// The table needs a newer reader protocol version than lake implements.
    case unsupportedReaderVersion(table: String, version: Int)
    /// The table's schema (`metaData.schemaString`) is malformed or uses a type lake cannot read.
    case invalidSchema(table: String, reason: String)
    /// A partition value cannot be read as its column's type.
    case invalidPartitionValue(table: String, column: String, value: String, type: String)
    /// No version of the table was committed at or before the requested time.
    case timestampBeforeHistory(table: String, requested: Int64, earliest: Int64)
    /// A data file stores a column as a type that cannot be read as the table's type.
    case typeMismatch(path: String, column: String, expected: String, found: String)
    /// A data file the snapshot lists is not on disk (usually removed by vacuum).
    case missingDataFile(table: String, path: String, version: Int64)
    /// The caller asked for something the table does not have (a column, a version range).
    case invalidRequest(table: String, reason: String)
    /// A concurrent commit made ours invalid (SPEC.md §7.3): `kind` names Delta's conflict
    /// class (`ConcurrentAppend`, `ConcurrentDeleteRead`, `ConcurrentDeleteDelete`,
    /// `MetadataChanged`, `ProtocolChanged`, `ConcurrentTransaction`), `version` the winning commit.
    case conflict(table: String, version: Int64, kind: String, detail: String)
    /// Other writers kept winning the race for the next version.
    case commitRetriesExhausted(table: String, attempts: Int, lastVersion: Int64)
    /// lake does not write to this table (a writer version or feature it does not implement).
    case unsupportedWriter(table: String, reason: String)
    /// The table already exists where a new one was to be created.
    case tableExists(path: String)
    /// The commit file of `version` was created, but making it durable failed: the commit may
    /// or may not survive a crash. Its data files are kept.
    case commitUnconfirmed(table: String, version: Int64, reason: String)
    /// A table property (`metaData.configuration`) has a value lake cannot use.
    case invalidTableProperty(table: String, key: String, value: String, expected: String)
    /// A data or checkpoint file could not be read as Parquet.
    case parquet(ParquetError)
    /// A file could not be opened, listed or read.
    case storage(StorageError)

    public var description: String {
        switch self {
        case .notATable(let path, let reason): "\(path) is not a Delta table: \(reason)"
        case .corruptLog(let path, let line, let offset, let reason):
            "\(path) is corrupt" + (line.map { " at line \($0)" } ?? "")
                + (offset.map { ", byte \($0)" } ?? "") + ": \(reason)"
        case .versionNotFound(let table, let version, let reason):
            "version \(version) of \(table) cannot be read: \(reason)"
        case .logGap(let table, let missing, let next):
            "the log of \(table) is missing version \(missing) (the next commit is \(next))"
        case .missingAction(let table, let version, let action):
            "\(table) has no \(action) action at version \(version)"
        case .unsupportedFeature(let table, let feature): "\(table) uses unsupported table feature \(feature)"
        case .unsupportedReaderVersion(let table, let version):
            "\(table) needs Delta reader version \(version); lake reads versions 1 to 3"
        case .invalidSchema(let table, let reason): "\(table) has an invalid schema: \(reason)"
        case .invalidPartitionValue(let table, let column, let value, let type):
            "\(table): partition value '\(value)' of column '\(column)' is not a valid \(type)"
        case .timestampBeforeHistory(let table, let requested, let earliest):
            "\(table) has no version at or before \(ValueFormatting.timestamp(requested * 1000, utc: true)); "
                + "the earliest readable commit is at \(ValueFormatting.timestamp(earliest * 1000, utc: true))"
        case .typeMismatch(let path, let column, let expected, let found):
            "\(path) stores column '\(column)' as \(found), but the table declares \(expected)"
        case .missingDataFile(let table, let path, let version):
            "data file \(path) of version \(version) of \(table) is missing"
        case .invalidRequest(let table, let reason): "\(table): \(reason)"
        case .conflict(let table, let version, let kind, let detail):
            "commit to \(table) conflicts with version \(version), committed concurrently (\(kind)): \(detail); "
                + "nothing was committed"
        case .commitRetriesExhausted(let table, let attempts, let lastVersion):
            "gave up committing to \(table) after \(attempts) attempts: other writers took every version up to "
                + "\(lastVersion); nothing was committed"
        case .unsupportedWriter(let table, let reason): "lake does not write to \(table): \(reason)"
        case .tableExists(let path): "a table already exists at \(path)"
        case .commitUnconfirmed(let table, let version, let reason):
            "version \(version) of \(table) was written but could not be made durable (\(reason)); "
                + "it is visible now but may not survive a crash"
        case .invalidTableProperty(let table, let key, let value, let expected):
            "\(table): table property \(key) is '\(value)', which is not \(expected)"
        case .parquet(let error): error.description
        case .storage(let error): error.description
        }
    }

    public var help: String? {
        switch self {
        case .notATable: "Check the path: a Delta table is a directory with a _delta_log/ folder of commits."
        case .corruptLog: "The log is damaged; restore the file from a backup or re-create the table."
        case .versionNotFound, .logGap:
            "Time travel needs the commits (or a checkpoint) for the version; use `lake history` to list them."
        case .missingAction: "The log is incomplete; the table cannot be read."
        case .unsupportedFeature, .unsupportedReaderVersion:
            "Read the table with Spark or delta-rs, or rewrite it without the feature; SPEC.md §6 lists what lake reads."
        case .invalidSchema, .invalidPartitionValue, .typeMismatch: nil
        case .timestampBeforeHistory: "Ask for a later time, or use VERSION AS OF."
        case .missingDataFile:
            "Vacuum deletes the files of old versions; read a newer version, or restore the file from a backup."
        case .invalidRequest: nil
        case .conflict: "Run the command again: it will start from the table's new version."
        case .commitRetriesExhausted: "The table is very busy; run the command again."
        case .unsupportedWriter: "Write to this table with the engine that created it; SPEC.md §7 lists what lake writes."
        case .tableExists: "Choose another name, or append to the existing table."
        case .commitUnconfirmed: "Check the disk; run `lake history` to see whether the version is there."
        case .invalidTableProperty:
            "Fix the property with a metaData update (SPEC.md §7.5 lists the properties lake reads and their defaults)."
        case .parquet(let error): error.help
        case .storage(let error): error.help
        }
    }
}
