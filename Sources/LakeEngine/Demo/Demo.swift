import LakeColumnar
import LakeDelta
import LakeIO
import LakeIngest

/// `lake demo`: the table lifecycle on generated sample data (SPEC.md §2.4).
///
/// Generate sensor readings over a few days, ingest them in many small commits partitioned by
/// day (the small-file problem), query a KPI, compact, query again, show history and vacuum. Each
/// step reports what it did through `report`, so the CLI prints as it goes, and the demo checks
/// its own results: the KPI before and after compaction must be identical and every generated row
/// must be in the table exactly once, else it throws ``DemoError``.
public struct Demo: Sendable {
    /// The lake root the demo table lives in.
    public var lakeRoot: String
    /// The demo table's name in the lake.
    public var table: String
    /// Rows of sample sensor readings to generate.
    public var rows: Int
    /// Commits the rows are ingested in.
    public var batches: Int
    /// Days the readings span.
    public var days: Int
    /// Worker threads.
    public var threads: Int

    /// A demo of `rows` readings in `batches` commits to `table` of the lake at `lakeRoot`.
    public init(lakeRoot: String, table: String = "demo_sensors", rows: Int, batches: Int = 200, days: Int = 4, threads: Int) {
        self.lakeRoot = lakeRoot
        self.table = table
        self.rows = rows
        self.batches = max(1, min(batches, rows))
        self.days = max(1, days)
        self.threads = threads
    }

    /// The demo table's schema: the `sensors` columns (§9) plus `day`, the date of `ts`.
    public static let schema = Schema(
        SensorReadings.schema.fields + [Field("day", .date, isNullable: false)])

    /// The KPI the demo asks for, per site and day.
    public var kpiQuery: String {
        "SELECT day, site, count(*) AS readings, round(avg(temperature), 2) AS avg_temp, "
            + "max(temperature) AS max_temp, min(battery) AS min_battery FROM \(table) "
            + "GROUP BY day, site ORDER BY day, site"
    }

    /// Runs every step, reporting as it goes; throws the first failure.
    public func run(report: (String) -> Void) async throws {
        let clock = ContinuousClock()
        let tableRoot = lakeRoot + "/" + table
        try FileSystem.createDirectories(lakeRoot)
        let step = Int64(days) * 86_400_000_000 / Int64(max(rows, 1))
        let generator = SensorReadings(rowCount: rows, stepMicros: max(step, 1))

        report(
            "1. Generate \(Self.grouped(rows)) IoT sensor readings over \(days) days (seed 42): "
                + Self.schema.fields.map { "\($0.name) \($0.type)" }.joined(separator: ", "))

        report("2. Ingest them into table '\(table)' of the lake \(lakeRoot), partitioned by day, in \(batches) commits")
        var start = clock.now
        var version: Int64 = -1
        for index in 0..<batches {
            let range = (rows * index / batches)..<(rows * (index + 1) / batches)
            var request = WriteRequest(mode: index == 0 ? .overwrite : .append, partitionColumns: ["day"])
            request.options.parquet.threads = threads
            let session = try WriteSession(tableRoot: tableRoot, schema: Self.schema, request: request)
            try await session.write(Self.withDay(generator.batch(range)))
            version = try await session.commit().version ?? version
        }
        report("   versions up to \(version) in \(Self.seconds(clock.now - start)): \(batches) atomic commits")

        let before = try Snapshot.load(table: tableRoot)
        let bytes = before.files.reduce(0) { $0 + Int($1.size) }
        let partitions = Set(before.files.map { $0.partitionValues["day"] ?? nil }).count
        report(
            "3. The small-file problem: \(before.files.count) data files in \(partitions) day partitions, "
                + "\(Self.megabytes(bytes)) in all, \(Self.megabytes(bytes / max(before.files.count, 1))) per file on average")

        let engine = QueryEngine(lakeRoot: lakeRoot, threads: threads)
        report("4. Query a KPI per site and day:")
        report("   " + kpiQuery)
        start = clock.now
        let kpiBefore = try await engine.run(kpiQuery)
        let firstQuery = clock.now - start
        report(Self.table(kpiBefore.last, limit: 8))
        report(
            "   \(Self.grouped(Self.rows(kpiBefore.last).count)) rows (the first 8 shown) in \(Self.seconds(firstQuery)) "
                + "over \(before.files.count) files")

        report("5. Compact: merge each day's small files into files near the target size (lake compact \(table))")
        start = clock.now
        var compaction = CompactionRequest()
        compaction.options.parquet.threads = threads
        let compacted = try await Compaction.run(tableRoot: tableRoot, request: compaction)
        report(
            "   version \(compacted.version.map(String.init) ?? "-"): \(compacted.filesRemoved) files → "
                + "\(compacted.filesAdded), \(Self.grouped(compacted.rowsRewritten)) rows, "
                + "\(compacted.partitionsCompacted) partitions in \(Self.seconds(clock.now - start))")

        report("6. The same query again, on the compacted table")
        start = clock.now
        let kpiAfter = try await engine.run(kpiQuery)
        let secondQuery = clock.now - start
        guard Self.rows(kpiBefore.last) == Self.rows(kpiAfter.last) else {
            throw DemoError.mismatch(what: "the KPI after compaction differs from the KPI before it")
        }
        report("   identical answer in \(Self.seconds(secondQuery)) (was \(Self.seconds(firstQuery)))")

        report("7. History (lake history \(table) --limit 3):")
        for record in try DeltaLog(tableRoot: tableRoot).history(limit: 3) {
            let info = record.commitInfo
            let metrics = (info?.operationMetrics ?? []).prefix(4).map { "\($0.0)=\(Self.jsonText($0.1))" }
            report("   v\(record.version) \(info?.operation ?? "-") \(metrics.joined(separator: " "))")
        }

        report("8. Vacuum: delete the files no version needs any more (retention 0h: nothing else uses this table)")
        start = clock.now
        let vacuum = try await Vacuum.run(tableRoot: tableRoot, request: VacuumRequest(retention: 0, force: true))
        report(
            "   \(vacuum.deletedFiles.count) files deleted (\(Self.megabytes(Int(vacuum.deletedBytes)))) "
                + "in \(Self.seconds(clock.now - start))")

        let count = try await engine.run("SELECT count(*) AS n, count(DISTINCT device_id) AS devices FROM \(table)")
        let counted = Self.rows(count.last).first ?? []
        guard counted.first == String(rows) else {
            throw DemoError.mismatch(what: "the table holds \(counted.first ?? "?") rows, not the \(rows) generated")
        }
        let after = try Snapshot.load(table: tableRoot)
        report(
            "9. Done: \(Self.grouped(rows)) rows exactly once, \(after.files.count) files, version \(after.version). "
                + "Try: lake query \"SELECT site, avg(temperature) FROM \(table) GROUP BY site\"")
    }

    /// `batch` with a `day` column: the UTC date of `ts`.
    static func withDay(_ batch: RecordBatch) -> RecordBatch {
        guard let index = batch.schema.index(of: "ts"), case .timestamp(let ts) = batch.columns[index] else { return batch }
        var days = ContiguousArray<Int32>()
        days.reserveCapacity(batch.rowCount)
        ts.values.withUnsafeBufferPointer { micros in
            for value in micros {
                let day = value >= 0 ? value / 86_400_000_000 : (value + 1) / 86_400_000_000 - 1
                days.append(Int32(truncatingIfNeeded: day))
            }
        }
        return RecordBatch(schema: schema, columns: batch.columns + [.date(PrimitiveColumn(values: days))], rowCount: batch.rowCount)
    }

    /// A result's rows as text, for comparing two answers.
    static func rows(_ result: QueryResult?) -> [[String]] {
        guard let result else { return [] }
        return result.batches.flatMap { batch in
            (0..<batch.rowCount).map { row in
                batch.columns.map { ValueText.plain($0.scalar(at: row)) ?? "NULL" }
            }
        }
    }

    /// The first `limit` rows of a result as a box table.
    static func table(_ result: QueryResult?, limit: Int) -> String {
        guard let result else { return "" }
        var text = ""
        let output = ResultWriter(format: .table) { text += $0 }
        var remaining = limit
        for batch in result.batches where remaining > 0 {
            let take = min(remaining, batch.rowCount)
            output.write(batch.slice(0..<take))
            remaining -= take
        }
        output.finish(schema: result.schema)
        // The writer's closing "N rows" line counts only the rows shown; the step says how many there are.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, last.isEmpty || last.hasSuffix(" rows") || last.hasSuffix(" row") { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    static func jsonText(_ value: JSONValue) -> String {
        value.stringValue ?? value.int64Value.map(String.init) ?? "\(value)"
    }

    static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        return value < 1 ? "\(Int((value * 1000).rounded())) ms" : "\((value * 100).rounded() / 100) s"
    }

    static func megabytes(_ bytes: Int) -> String {
        "\((Double(bytes) / 10_000).rounded() / 100) MB"
    }

    static func grouped(_ value: Int) -> String {
        var digits = Array(String(value))
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: index)
            index -= 3
        }
        return String(digits)
    }
}

/// A demo step that found something wrong.
public enum DemoError: LakeError {
    case mismatch(what: String)

    public var description: String {
        switch self {
        case .mismatch(let what): "demo check failed: \(what)"
        }
    }

    public var help: String? { "This is a bug in lake: please report it with the demo's output." }
}
