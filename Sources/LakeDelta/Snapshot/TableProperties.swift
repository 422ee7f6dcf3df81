/// Typed reads of the table properties (`metaData.configuration`) that log maintenance uses.
///
/// Delta PROTOCOL.md "Table Properties"; `../shared/briefs/delta.md` §3 and §9. Durations use
/// Spark's interval syntax (`interval 1 week`, `interval 168 hours`, `7 days`, `interval 1 day 12 hours`);
/// months and years are refused, as Spark refuses them for these properties, because they have no
/// fixed length. A missing property gives its default; a malformed one is an error naming it.
public struct TableProperties: Sendable {
    /// The table's `configuration` map.
    public let configuration: [String: String]
    /// The table named in errors.
    public let table: String

    /// `delta.checkpointInterval`: a checkpoint is written after every this many commits.
    public static let checkpointIntervalKey = "delta.checkpointInterval"
    /// `delta.deletedFileRetentionDuration`: how long tombstones stay in the state.
    public static let deletedFileRetentionKey = "delta.deletedFileRetentionDuration"
    /// `delta.logRetentionDuration`: how long log files are kept.
    public static let logRetentionKey = "delta.logRetentionDuration"
    /// `delta.setTransactionRetentionDuration`: how long `txn` entries stay in the state (unset: forever).
    public static let transactionRetentionKey = "delta.setTransactionRetentionDuration"

    /// `delta.targetFileSize`: the data file size writers and compaction aim for, in bytes.
    public static let targetFileSizeKey = "delta.targetFileSize"
    /// The default target file size: 128 MiB.
    public static let defaultTargetFileSize = 128 << 20

    /// `lake.autoCompact.minFiles`: after an ingest, compact each partition it wrote to that holds
    /// at least this many small files (SPEC.md §7.6). Unset: off.
    public static let autoCompactMinFilesKey = "lake.autoCompact.minFiles"

    /// The default checkpoint interval (Spark's).
    public static let defaultCheckpointInterval: Int64 = 10
    /// The default tombstone retention: one week, in milliseconds.
    public static let defaultDeletedFileRetention: Int64 = 7 * 24 * 3_600_000
    /// The default log retention: 30 days, in milliseconds.
    public static let defaultLogRetention: Int64 = 30 * 24 * 3_600_000

    /// The properties of `metadata`.
    public init(_ metadata: TableMetadata, table: String) {
        self.configuration = metadata.configuration
        self.table = table
    }

    /// `delta.checkpointInterval` (default 10).
    ///
    /// - Throws: ``DeltaError/invalidTableProperty(table:key:value:expected:)`` unless it is a positive integer.
    public func checkpointInterval() throws(DeltaError) -> Int64 {
        guard let text = configuration[Self.checkpointIntervalKey] else { return Self.defaultCheckpointInterval }
        guard let value = Int64(text.trimmingSpaces), value > 0 else {
            throw .invalidTableProperty(
                table: table, key: Self.checkpointIntervalKey, value: text, expected: "a positive integer")
        }
        return value
    }

    /// `delta.targetFileSize` in bytes (default 128 MiB). Plain byte counts, as Delta writes it;
    /// `k`, `m`, `g` suffixes (binary, optionally followed by `b`) are accepted, as Spark does.
    ///
    /// - Throws: ``DeltaError/invalidTableProperty(table:key:value:expected:)`` unless it is a positive size.
    public func targetFileSize() throws(DeltaError) -> Int {
        guard let text = configuration[Self.targetFileSizeKey] else { return Self.defaultTargetFileSize }
        guard let bytes = Self.parseByteCount(text.trimmingSpaces) else {
            throw .invalidTableProperty(
                table: table, key: Self.targetFileSizeKey, value: text, expected: "a positive byte count such as 134217728 or 128m")
        }
        return bytes
    }

    /// `lake.autoCompact.minFiles`, or `nil` when unset (auto-compaction off).
    ///
    /// - Throws: ``DeltaError/invalidTableProperty(table:key:value:expected:)`` unless it is an integer of at least 2.
    public func autoCompactMinFiles() throws(DeltaError) -> Int? {
        guard let text = configuration[Self.autoCompactMinFilesKey] else { return nil }
        guard let value = Int(text.trimmingSpaces), value >= 2 else {
            throw .invalidTableProperty(
                table: table, key: Self.autoCompactMinFilesKey, value: text, expected: "an integer of at least 2")
        }
        return value
    }

    /// A positive byte count with an optional binary `k`/`m`/`g` suffix (`kb`, `mb`, `gb` too).
    public static func parseByteCount(_ text: String) -> Int? {
        var digits = Substring(text.lowercased())
        if digits.hasSuffix("b") { digits = digits.dropLast() }
        var multiplier = 1
        switch digits.last {
        case "k": multiplier = 1 << 10
        case "m": multiplier = 1 << 20
        case "g": multiplier = 1 << 30
        default: break
        }
        if multiplier > 1 { digits = digits.dropLast() }
        guard let value = Int(digits), value > 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : bytes
    }

    /// `delta.deletedFileRetentionDuration` in milliseconds (default one week).
    public func deletedFileRetention() throws(DeltaError) -> Int64 {
        try duration(Self.deletedFileRetentionKey) ?? Self.defaultDeletedFileRetention
    }

    /// `delta.logRetentionDuration` in milliseconds (default 30 days).
    public func logRetention() throws(DeltaError) -> Int64 {
        try duration(Self.logRetentionKey) ?? Self.defaultLogRetention
    }

    /// `delta.setTransactionRetentionDuration` in milliseconds, or `nil` when unset (txns never expire).
    public func transactionRetention() throws(DeltaError) -> Int64? {
        try duration(Self.transactionRetentionKey)
    }

    /// The property `key` as a duration in milliseconds, or `nil` when it is not set.
    public func duration(_ key: String) throws(DeltaError) -> Int64? {
        guard let text = configuration[key] else { return nil }
        guard let millis = Self.parseInterval(text) else {
            throw .invalidTableProperty(
                table: table, key: key, value: text,
                expected: "an interval such as 'interval 7 days' (units: weeks, days, hours, minutes, seconds, "
                    + "milliseconds, microseconds)")
        }
        return millis
    }

    /// Parses Spark's interval text into milliseconds, or returns `nil` when it is malformed.
    ///
    /// `interval` is optional; then one or more `<integer> <unit>` pairs, case-insensitive, with
    /// singular or plural units. Microseconds are rounded down to milliseconds. Negative totals,
    /// months and years are refused.
    public static func parseInterval(_ text: String) -> Int64? {
        var words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if words.first == "interval" { words.removeFirst() }
        guard !words.isEmpty, words.count % 2 == 0 else { return nil }
        var micros: Int64 = 0
        var index = 0
        while index < words.count {
            guard let amount = Int64(words[index]) else { return nil }
            var unit = words[index + 1]
            if unit.hasSuffix("s") { unit.removeLast() }
            let scale: Int64
            switch unit {
            case "week": scale = 7 * 86_400_000_000
            case "day": scale = 86_400_000_000
            case "hour": scale = 3_600_000_000
            case "minute": scale = 60_000_000
            case "second": scale = 1_000_000
            case "millisecond": scale = 1000
            case "microsecond": scale = 1
            default: return nil
            }
            let (product, overflow) = amount.multipliedReportingOverflow(by: scale)
            guard !overflow else { return nil }
            let (sum, sumOverflow) = micros.addingReportingOverflow(product)
            guard !sumOverflow else { return nil }
            micros = sum
            index += 2
        }
        guard micros >= 0 else { return nil }
        return micros / 1000
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var slice = self[...]
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}
