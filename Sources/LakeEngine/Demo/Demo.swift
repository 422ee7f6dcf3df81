import LakeColumnar
import LakeIO
import LakeIngest
import LakeParquet

/// `lake demo`: generate sample data, store it, read it back and show it (SPEC.md §2.4).
///
/// Each step reports what it did through `report`, one line or block at a time, so the CLI can
/// print as it goes. The demo grows with the engine: today it exercises the Parquet layer (the
/// storage of every table); the table lifecycle steps come with the Delta, ingest, query and
/// maintenance layers.
public struct Demo: Sendable {
    /// Where the demo writes its files; created when missing.
    public var directory: String
    /// Rows of sample sensor readings to generate.
    public var rows: Int
    /// Worker threads for writing and reading.
    public var threads: Int

    /// A demo of `rows` readings under `directory` on `threads` threads.
    public init(directory: String, rows: Int, threads: Int) {
        self.directory = directory
        self.rows = rows
        self.threads = threads
    }

    /// Runs every step, reporting as it goes; throws the first failure.
    public func run(report: (String) -> Void) async throws {
        try FileSystem.createDirectories(directory)
        let path = directory + "/sensors.zstd.parquet"
        FileSystem.remove(path)
        let clock = ContinuousClock()

        let columns = SensorReadings.schema.fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
        report("1. Generate \(Self.grouped(rows)) IoT sensor readings (seed 42): \(columns)")
        var start = clock.now
        let batches = SensorReadings(rowCount: rows).batches()
        report("   done in \(Self.seconds(clock.now - start))")

        report("2. Write them as one zstd Parquet file on \(threads) thread(s): \(path)")
        start = clock.now
        var options = ParquetWriterOptions()
        options.threads = threads
        let writer = try ParquetFileWriter(path: path, schema: SensorReadings.schema, options: options)
        for batch in batches { try await writer.write(batch) }
        let summary = try await writer.close()
        let writeTime = clock.now - start
        report(
            "   \(Self.grouped(summary.rowCount)) rows, \(summary.rowGroupCount) row group(s), "
                + "\(Self.megabytes(summary.fileSize)) in \(Self.seconds(writeTime)) "
                + "(\(Self.rate(summary.rowCount, writeTime)))")

        report("3. Inspect the file: what other engines (pyarrow, DuckDB, Spark) will see")
        let reader = try ParquetFileReader(path: path)
        let inspection = try reader.inspection()
        let raw = inspection.rowGroups.reduce(0) { $0 + $1.uncompressedSize }
        report("   created_by: \(inspection.createdBy ?? "-"); \(Self.megabytes(raw)) of pages before compression")
        for column in inspection.rowGroups.first?.chunks ?? [] {
            let range = column.statistics.map { " min \(Self.text($0.min)), max \(Self.text($0.max))" } ?? ""
            report("   \(column.path): \(column.codec), \(column.encodings.joined(separator: "+"))\(range)")
        }

        report("4. Read every column back on \(threads) thread(s) and compare with what was written")
        start = clock.now
        let readBack = try await reader.readAll(columns: nil, threads: threads)
        let readTime = clock.now - start
        let readRows = readBack.reduce(0) { $0 + $1.rowCount }
        let identical = SensorReadings.schema.fields.indices.allSatisfy { index in
            Column.concatenate(batches.map { $0.columns[index] }) == Column.concatenate(readBack.map { $0.columns[index] })
        }
        guard readRows == rows, identical else {
            throw DemoError.mismatch(path: path)
        }
        report("   \(Self.grouped(readRows)) rows in \(Self.seconds(readTime)) (\(Self.rate(readRows, readTime))); identical")

        report("5. The first rows (lake cat \(path) --limit 5):")
        var text = ""
        let output = ResultWriter(format: .table) { text += $0 }
        if let first = readBack.first { output.write(first.slice(0..<min(5, first.rowCount))) }
        output.finish(schema: SensorReadings.schema)
        report(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    }

    static func text(_ scalar: ScalarValue?) -> String {
        scalar.flatMap { ValueText.plain($0) } ?? "-"
    }

    static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        return value < 1 ? "\(Int((value * 1000).rounded())) ms" : "\((value * 100).rounded() / 100) s"
    }

    static func rate(_ rows: Int, _ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        return "\(grouped(Int(Double(rows) / max(value, 1e-9)))) rows/s"
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
    case mismatch(path: String)

    public var description: String {
        switch self {
        case .mismatch(let path): "the rows read back from \(path) differ from the rows written"
        }
    }

    public var help: String? { "This is a bug in lake: please report it with the file." }
}
