import ArgumentParser
import LakeDelta
import LakeEngine
import LakeIngest
import Synchronization

extension Lake {
    /// `lake ingest`: load files into a Delta table in one atomic commit (SPEC.md §2.8).
    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load CSV, JSON lines or Parquet files into a Delta table, in one atomic commit.",
            discussion: """
                Creates the table on first use. Every accepted row of every input is committed in one version, or \
                none is; bad records fail the ingest, or are counted (--on-error skip) or kept in a rejects table \
                (--on-error quarantine). Accepted + rejected = input records (SPEC.md §2.8, §7).
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The table: a name in the lake, or a path.")
        var table: String

        @Argument(help: "Files, globs, directories, or - for standard input.", completion: .file())
        var inputs: [String]

        @Option(help: "append (default), overwrite, error or ignore when the table exists.")
        var mode: WriteMode = .append

        @Option(help: "Partition columns for a new table, comma-separated.")
        var partitionBy: String?

        @Option(help: "Start a new data file after about this many bytes (default 128 MiB; suffixes K, M, G).")
        var targetFileSize: String?

        @Option(help: "Exactly-once ingestion: the application id recorded with the commit.")
        var txnApp: String?

        @Option(help: "Exactly-once ingestion: this write's version for --txn-app; a version already committed is skipped.")
        var txnVersion: Int64?

        @Option(
            help: ArgumentHelp(
                "Input format csv, jsonl or parquet (default: from each file's name), and/or summary format text or json.",
                discussion: "Repeat to give both, e.g. --format csv --format json."))
        var format: [String] = []

        @Option(help: "CSV field delimiter: one character, or tab (default , and tab for .tsv).")
        var delimiter: String?

        @Flag(help: "CSV files have no header: columns are column_1, column_2, … (or named by --schema).")
        var noHeader = false

        @Option(name: .customLong("null"), help: "A field text that means null (repeatable); the empty field always does.")
        var nullStrings: [String] = []

        @Option(help: "Column types, e.g. \"id int64, ts timestamp, price decimal(10,2)\"; others are inferred.")
        var schema: String?

        @Option(help: "strict (default), merge (add new columns), or overwrite (replace the schema; needs --mode overwrite).")
        var schemaMode: SchemaMode = .strict

        @Option(help: "fail (default), skip or quarantine: what to do with records that cannot be ingested.")
        var onError: BadRecordPolicy = .fail

        @Option(help: "The rejects table for --on-error quarantine (default: the table's path + _rejects).")
        var rejects: String?

        @Option(help: "Records sampled per input to infer column types (default 10000).")
        var sampleRows: Int = 10_000

        @Flag(help: "With input -: keep reading standard input and commit a micro-batch per --batch-rows or --batch-seconds, until EOF or SIGINT/SIGTERM.")
        var follow = false

        @Option(help: "With --follow: commit once this many records are buffered (default 100000).")
        var batchRows: Int = 100_000

        @Option(help: "With --follow: commit once the oldest buffered record has waited this many seconds (default 5).")
        var batchSeconds: Double = 5

        @Option(
            name: .customLong("property"),
            help: "A table property KEY=VALUE for a new table (repeatable), e.g. lake.autoCompact.minFiles=8 or delta.checkpointInterval=20.")
        var properties: [String] = []

        @OptionGroup var writer: WriterOptions

        func validate() throws {
            if follow ? (txnVersion != nil && txnApp == nil) : (txnApp == nil) != (txnVersion == nil) {
                throw ValidationError(
                    follow ? "--txn-version needs --txn-app." : "--txn-app and --txn-version go together.")
            }
            if let targetFileSize, Self.bytes(targetFileSize) == nil {
                throw ValidationError("--target-file-size takes a byte count such as 134217728, 64M or 1G.")
            }
            _ = try formats()
            _ = try delimiterByte()
            _ = try tableProperties()
            if follow {
                guard inputs == ["-"] else { throw ValidationError("--follow reads standard input: give - as the only input.") }
                guard batchRows >= 1, batchSeconds > 0 else {
                    throw ValidationError("--batch-rows must be at least 1 and --batch-seconds more than 0.")
                }
                if try formats().input == .parquet { throw ValidationError("--follow reads CSV or JSON lines, not Parquet.") }
            }
            if sampleRows < 1 { throw ValidationError("--sample-rows must be at least 1.") }
            if schemaMode == .overwrite && mode != .overwrite {
                throw ValidationError("--schema-mode overwrite replaces the table's schema; it needs --mode overwrite.")
            }
            if rejects != nil && onError != .quarantine {
                throw ValidationError("--rejects names the rejects table of --on-error quarantine.")
            }
        }

        /// The input and summary formats given by `--format`.
        func formats() throws -> (input: InputFormat?, summary: SummaryFormat) {
            var input: InputFormat?
            var summary = SummaryFormat.text
            for value in format {
                switch value.lowercased() {
                case "csv", "tsv": input = .csv
                case "jsonl", "ndjson", "jsonlines": input = .jsonl
                case "parquet": input = .parquet
                case "json": summary = .json
                case "text": summary = .text
                default:
                    throw ValidationError(
                        "--format takes csv, jsonl or parquet (the input) or text or json (the summary), not '\(value)'.")
                }
            }
            return (input, summary)
        }

        /// `--property KEY=VALUE` pairs.
        func tableProperties() throws -> [String: String] {
            var result: [String: String] = [:]
            for pair in properties {
                guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                    throw ValidationError("--property takes KEY=VALUE, not '\(pair)'.")
                }
                result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            return result
        }

        func delimiterByte() throws -> UInt8? {
            guard let delimiter else { return nil }
            if delimiter == "tab" || delimiter == "\\t" || delimiter == "\t" { return 0x09 }
            guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first, byte != 0x0A, byte != 0x0D, byte != 0x22
            else {
                throw ValidationError("--delimiter takes one ASCII character (not a quote or line break), or tab.")
            }
            return byte
        }

        func run() async throws {
            try await reportingErrors {
                var request = WriteRequest(mode: mode)
                request.partitionColumns = partitionBy.map(parseColumnList) ?? []
                request.configuration = try tableProperties()
                request.options.parquet = try writer.options()
                if let targetFileSize, let bytes = Self.bytes(targetFileSize) { request.options.targetFileSize = bytes }
                if let txnApp, let txnVersion { request.transaction = (appId: txnApp, version: txnVersion) }
                let location = try TableLocation.resolve(table, lakeRoot: global.lakeRoot)
                let (inputFormat, summary) = try formats()
                var options = IngestOptions()
                options.format = inputFormat
                options.delimiter = try delimiterByte()
                options.header = !noHeader
                options.nullStrings = nullStrings
                options.schema = try schema.map(TextSchema.parse) ?? []
                options.schemaMode = schemaMode
                options.onError = onError
                options.rejectsTable = try rejects.map { try TableLocation.resolve($0, lakeRoot: global.lakeRoot).path }
                options.sampleRecords = sampleRows
                if follow {
                    let stream = StreamOptions(
                        batchRows: batchRows, batchSeconds: batchSeconds,
                        appId: txnApp ?? "lake-stream", firstVersion: txnVersion)
                    let result = try await StreamIngest.run(
                        tableRoot: location.path, request: request, options: options, stream: stream,
                        threads: global.resolvedThreads
                    ) { report in Terminal.write((summary == .json ? report.json : report.text) + "\n") }
                    if summary == .text { Terminal.write(result.text + "\n") }
                    return
                }
                let bar = Terminal.standardErrorIsTerminal ? ProgressLine() : nil
                if let bar { options.progress = { @Sendable progress in bar.update(progress) } }
                defer { bar?.finish() }
                let report = try await TextIngest.run(
                    tableRoot: location.path, inputs: inputs, request: request, options: options,
                    threads: global.resolvedThreads)
                bar?.finish()
                Terminal.write((summary == .json ? report.json : report.text) + "\n")
            }
        }

        /// A byte count with an optional K/M/G (binary) suffix.
        static func bytes(_ text: String) -> Int? {
            let multipliers: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
            guard let last = text.uppercased().last else { return nil }
            if let multiplier = multipliers[last] {
                return Int(text.dropLast()).flatMap { $0 > 0 ? $0 * multiplier : nil }
            }
            return Int(text).flatMap { $0 > 0 ? $0 : nil }
        }
    }
}

/// Formats of a command's closing summary.
enum SummaryFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json
}

extension WriteMode: ExpressibleByArgument {}
extension SchemaMode: ExpressibleByArgument {}
extension BadRecordPolicy: ExpressibleByArgument {}

/// The progress line of `lake ingest` on a terminal's standard error (SPEC.md §2.8): bytes, rows,
/// rate and, when the size is known, percentage and ETA; redrawn at most ten times a second.
final class ProgressLine: Sendable {
    private let state = Mutex<(drawn: Bool, last: Double)>((false, -1))

    func update(_ progress: IngestProgress) {
        let line: String? = state.withLock { state in
            guard progress.seconds - state.last >= 0.1 else { return nil }
            state.last = progress.seconds
            state.drawn = true
            let rate = progress.seconds > 0 ? Double(progress.bytesRead) / progress.seconds : 0
            var text = "ingest: " + Self.megabytes(progress.bytesRead)
            if let total = progress.totalBytes, total > 0 {
                let fraction = min(Double(progress.bytesRead) / Double(total), 1)
                let width = 20
                let filled = Int(fraction * Double(width))
                text = "ingest: [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                    + "] \(Int(fraction * 100))% " + Self.megabytes(progress.bytesRead) + " / " + Self.megabytes(total)
                if rate > 0 { text += ", ETA \(Int((Double(total - progress.bytesRead) / rate).rounded())) s" }
            }
            text += ", \(progress.rows) rows"
            if progress.rejected > 0 { text += " (\(progress.rejected) rejected)" }
            text += ", " + Self.megabytes(Int(rate)) + "/s"
            return text
        }
        if let line { Terminal.writeErrorRaw("\r\u{1B}[K" + line) }
    }

    /// Erases the line (once), before the summary is printed.
    func finish() {
        let drawn = state.withLock { state in
            defer { state.drawn = false }
            return state.drawn
        }
        if drawn { Terminal.writeErrorRaw("\r\u{1B}[K") }
    }

    private static func megabytes(_ bytes: Int) -> String {
        let value = Double(bytes) / 1_048_576
        return "\((value * 10).rounded() / 10) MiB"
    }
}
