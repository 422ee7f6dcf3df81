import LakeColumnar
import LakeDelta
import LakeExecution

/// `lake compact`: bin-packs a table's small files (SPEC.md §2.10, §7.6).
public enum TableCompaction {
    /// Compacts the table at `location`, limited to the partitions `predicate` selects.
    ///
    /// - Throws: ``EngineError/invalidPartitionPredicate(text:reason:)`` for a bad `--where`;
    ///   ``DeltaError`` from reading, writing or committing.
    public static func run(
        _ location: TableLocation, predicate text: String?, request: CompactionRequest
    ) async throws -> CompactionReport {
        let clock = ContinuousClock()
        let start = clock.now
        var request = request
        if let text {
            let snapshot = try Snapshot.load(table: location.path)
            let predicate = try PartitionPredicate(text, schema: snapshot.schema, partitionColumns: snapshot.partitionColumns)
            request.partitionFilter = { predicate.matches($0) }
            request.predicateText = text
        }
        if !request.sortColumns.isEmpty {
            let threads = max(1, request.options.parquet.threads)
            request.sortRows = { batches, columns in try await sort(batches, by: columns, threads: threads) }
        }
        let outcome = try await Compaction.run(tableRoot: location.path, request: request)
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return CompactionReport(table: location.argument, outcome: outcome, seconds: seconds)
    }
}

/// `batches` as one batch sorted by `columns` (ascending, nulls first, as Spark's OPTIMIZE
/// clustering and Parquet's min/max statistics want them).
func sort(_ batches: [RecordBatch], by columns: [String], threads: Int) async throws -> [RecordBatch] {
    guard let schema = batches.first?.schema else { return [] }
    let keys = try columns.map { name in
        guard let index = schema.index(of: name) else {
            throw DeltaError.invalidRequest(table: "-", reason: "no column '\(name)' to sort by")
        }
        return SortKey(expression: .column(index, schema.fields[index].type), descending: false, nullsFirst: true)
    }
    let batch = RecordBatch.concatenate(batches, schema: schema)
    return try await Executor(threads: threads).execute(.sort(.values(batch), keys, limit: nil))
}

/// What `lake compact` prints.
public struct CompactionReport: Sendable {
    /// The table as the user named it.
    public var table: String
    /// What the compaction did.
    public var outcome: CompactionOutcome
    /// Wall-clock seconds.
    public var seconds: Double

    /// A few lines for people.
    public var text: String {
        let o = outcome
        guard let version = o.version else {
            return "nothing to compact in \(table) (version \(o.readVersion)): no partition of the \(o.partitionsConsidered) "
                + "considered has two or more files under \(Self.bytesText(Int64(o.targetFileSize) * 3 / 4)) "
                + "(target \(Self.bytesText(Int64(o.targetFileSize))))"
        }
        var lines = [
            "compacted \(table): version \(version)",
            "  files     \(o.filesRemoved) removed, \(o.filesAdded) added",
            "  bytes     \(Self.bytesText(o.bytesRemoved)) removed, \(Self.bytesText(o.bytesAdded)) added",
            "  rows      \(o.rowsRewritten) rewritten",
            "  partitions \(o.partitionsCompacted) compacted of \(o.partitionsConsidered)",
            "  time      \(Self.secondsText(seconds))",
        ]
        if o.conflictRetries > 0 {
            lines.append("  retried   \(o.conflictRetries) time(s) after concurrent commits removed files it was rewriting")
        }
        if o.checkpointVersion != nil { lines.append("  checkpoint written at version \(version)") }
        lines += o.warnings.map { "warning: " + $0 }
        return lines.joined(separator: "\n")
    }

    /// One JSON object for scripts.
    public var json: String {
        let o = outcome
        return "{\"table\":\(ValueText.quoted(table)),\"committed\":\(o.version != nil),"
            + "\"version\":\(o.version.map(String.init) ?? "null"),\"read_version\":\(o.readVersion),"
            + "\"target_file_size\":\(o.targetFileSize),\"files_removed\":\(o.filesRemoved),"
            + "\"files_added\":\(o.filesAdded),\"bytes_removed\":\(o.bytesRemoved),\"bytes_added\":\(o.bytesAdded),"
            + "\"rows\":\(o.rowsRewritten),\"partitions_compacted\":\(o.partitionsCompacted),"
            + "\"partitions_considered\":\(o.partitionsConsidered),\"conflict_retries\":\(o.conflictRetries),"
            + "\"checkpoint\":\(o.checkpointVersion.map(String.init) ?? "null"),"
            + "\"warnings\":[\(o.warnings.map { ValueText.quoted($0) }.joined(separator: ","))],\"seconds\":\(seconds)}"
    }

    static func bytesText(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : "\((value * 10).rounded() / 10) \(units[unit])"
    }

    static func secondsText(_ value: Double) -> String {
        value < 1 ? "\(Int((value * 1000).rounded())) ms" : "\((value * 100).rounded() / 100) s"
    }
}
