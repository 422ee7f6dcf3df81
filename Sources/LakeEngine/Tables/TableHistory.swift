import LakeColumnar
import LakeDelta

/// `lake history`: one row per version the log still holds, newest first (SPEC.md §2.6).
///
/// The columns follow Delta's `DESCRIBE HISTORY`: `version`, `timestamp` (the commit time time
/// travel uses, SPEC.md §6.5), `operation`, `operationParameters`, `operationMetrics`,
/// `engineInfo`, `readVersion`, `isBlindAppend`, taken from each commit's `commitInfo`; a field
/// the commit does not record is null. Parameter and metric values are kept as text (numbers as
/// written, nested JSON compact), since writers disagree on their types.
public struct TableHistory: Sendable {
    /// The table's directory.
    public let path: String
    /// The commits, newest first.
    public let commits: [CommitRecord]

    /// The history of `location`, at most `limit` versions.
    public static func load(_ location: TableLocation, limit: Int? = nil) throws -> TableHistory {
        try location.checkExists()
        return TableHistory(path: location.path, commits: try DeltaLog(tableRoot: location.path).history(limit: limit))
    }

    /// The schema of ``batch``.
    public static let schema = Schema([
        Field("version", .int64, isNullable: false), Field("timestamp", .timestamp, isNullable: false),
        Field("operation", .string), Field("operationParameters", textMap), Field("operationMetrics", textMap),
        Field("engineInfo", .string), Field("readVersion", .int64), Field("isBlindAppend", .boolean),
    ])

    private static let textMap = DataType.map(
        key: Field("key", .string, isNullable: false), value: Field("value", .string))

    /// The history as rows, for the output formats of `lake cat` and queries.
    public var batch: RecordBatch {
        var versions = ContiguousArray<Int64>()
        var times = ContiguousArray<Int64>()
        var operations: [String?] = []
        var parameters: [[(String, JSONValue)]?] = []
        var metrics: [[(String, JSONValue)]?] = []
        var engines: [String?] = []
        var readVersions: [Int64?] = []
        var blindAppends: [Bool?] = []
        for commit in commits {
            versions.append(commit.version)
            times.append(commit.timestamp * 1000)
            let info = commit.commitInfo
            operations.append(info?.operation)
            parameters.append(info?.operationParameters)
            metrics.append(info?.operationMetrics)
            engines.append(info?.engineInfo)
            readVersions.append(info?.readVersion)
            blindAppends.append(info?.isBlindAppend)
        }
        return RecordBatch(
            schema: Self.schema,
            columns: [
                .int64(PrimitiveColumn(values: versions)), .timestamp(PrimitiveColumn(values: times)),
                .string(StringColumn(operations)), Self.mapColumn(parameters), Self.mapColumn(metrics),
                .string(StringColumn(engines)), .int64(Self.optionals(readVersions, zero: 0)),
                .boolean(Self.optionals(blindAppends, zero: false)),
            ],
            rowCount: commits.count)
    }

    private static func optionals<Value: BitwiseCopyable & Sendable>(_ values: [Value?], zero: Value)
        -> PrimitiveColumn<Value>
    {
        PrimitiveColumn(
            values: ContiguousArray(values.map { $0 ?? zero }),
            validity: values.contains { $0 == nil } ? ValidityBitmap(values.map { $0 != nil }) : nil)
    }

    private static func mapColumn(_ rows: [[(String, JSONValue)]?]) -> Column {
        var offsets: ContiguousArray<Int32> = [0]
        var keys: [String?] = []
        var values: [String?] = []
        for row in rows {
            for (key, value) in row ?? [] {
                keys.append(key)
                values.append(text(value))
            }
            offsets.append(Int32(keys.count))
        }
        guard case .map(let keyField, let valueField) = textMap else { preconditionFailure("textMap is a map type") }
        return .map(
            MapColumn(
                key: keyField, value: valueField, offsets: offsets, keys: .string(StringColumn(keys)),
                values: .string(StringColumn(values)),
                validity: rows.contains { $0 == nil } ? ValidityBitmap(rows.map { $0 != nil }) : nil))
    }

    /// A JSON value as text: strings as they are, numbers as written, other values as compact JSON.
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .null: nil
        case .string(let text): text
        case .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .array, .object: JSONWriter.encode(value)
        }
    }
}
