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
            let zOrder = request.zOrder
            request.sortRows = { batches, columns in
                zOrder
                    ? try await zOrderSort(batches, by: columns, threads: threads)
                    : try await sort(batches, by: columns, threads: threads)
            }
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

/// `batches` as one batch ordered along a Z-order curve over `columns`: each column's values are
/// ranked (ascending, nulls first) and scaled to 64 / `columns.count` bits, the bits of the ranks are
/// interleaved into one key, and the rows are sorted by that key. Rows near each other in every
/// column land near each other in the file, so min/max statistics skip on any of the columns.
func zOrderSort(_ batches: [RecordBatch], by columns: [String], threads: Int) async throws -> [RecordBatch] {
    guard let schema = batches.first?.schema else { return [] }
    let batch = RecordBatch.concatenate(batches, schema: schema)
    let rows = batch.rowCount
    guard rows > 1, !columns.isEmpty else { return [batch] }
    let bits = max(1, 64 / columns.count)
    var keys = [UInt64](repeating: 0, count: rows)
    let rowIndex = Column.int64(PrimitiveColumn(values: ContiguousArray((0..<rows).map { Int64($0) })))
    for (position, name) in columns.enumerated() {
        guard let index = schema.index(of: name) else {
            throw DeltaError.invalidRequest(table: "-", reason: "no column '\(name)' to Z-order by")
        }
        let pair = RecordBatch(
            schema: Schema([schema.fields[index], Field("row", .int64, isNullable: false)]),
            columns: [batch.columns[index], rowIndex], rowCount: rows)
        let key = SortKey(expression: .column(0, schema.fields[index].type), descending: false, nullsFirst: true)
        let ranked = try await Executor(threads: threads).execute(.sort(.values(pair), [key], limit: nil))
        var rank = 0
        for part in ranked {
            guard case .int64(let order) = part.columns[1] else { continue }
            for row in order.values {
                // The rank scaled to `bits` bits, spread so that bit b lands at b * columns.count + position.
                let scaled = UInt64((UInt128(rank) << UInt128(bits)) / UInt128(rows))
                var spread: UInt64 = 0
                for bit in 0..<bits where scaled & (1 << UInt64(bit)) != 0 {
                    let target = bit * columns.count + position
                    if target < 64 { spread |= 1 << UInt64(target) }
                }
                keys[Int(row)] |= spread
                rank += 1
            }
        }
    }
    // Sort by the interleaved key (as a signed column: flip the top bit to keep the order).
    let keyColumn = Column.int64(PrimitiveColumn(values: ContiguousArray(keys.map { Int64(bitPattern: $0 ^ (1 << 63)) })))
    let keyed = RecordBatch(
        schema: Schema(schema.fields + [Field("__zorder", .int64, isNullable: false)]),
        columns: batch.columns + [keyColumn], rowCount: rows)
    let sortKey = SortKey(expression: .column(schema.count, .int64), descending: false, nullsFirst: true)
    let sorted = try await Executor(threads: threads).execute(.sort(.values(keyed), [sortKey], limit: nil))
    return sorted.map { part in
        RecordBatch(schema: schema, columns: Array(part.columns.prefix(schema.count)), rowCount: part.rowCount)
    }
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

    static func bytesText(_ bytes: Int64) -> String { ValueFormatting.byteCount(bytes) }

    static func secondsText(_ value: Double) -> String {
        value < 1 ? "\(Int((value * 1000).rounded())) ms" : "\((value * 100).rounded() / 100) s"
    }
}
