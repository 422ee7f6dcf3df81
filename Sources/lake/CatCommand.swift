import ArgumentParser
import LakeColumnar
import LakeEngine
import LakeParquet

extension Lake {
    /// `lake cat`: print the rows of a Parquet file or a Delta table, or rewrite them as a new Parquet file.
    struct Cat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the rows of a Parquet file or a Delta table.",
            discussion: """
                The argument is a Parquet file, a table name in the lake, or a table directory \
                (SPEC.md §2.2, §2.5). Prints a table on a terminal and CSV when piped. With \
                --format parquet --output FILE, rewrites the rows with lake's Parquet writer (§5). \
                --version and --as-of read an older version of a table (time travel, §6.5).
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The Parquet file, table name or table directory.", completion: .file())
        var file: String

        @Option(help: "table, csv, json, jsonl, markdown, line or parquet (default: table on a terminal, else csv).")
        var format: CatFormat?

        @Option(help: "Only these top-level columns, comma-separated, in this order.")
        var columns: String?

        @Option(help: "Stop after this many rows.")
        var limit: Int?

        @Option(help: "Write to this file instead of standard output (required with --format parquet).")
        var output: String?

        @Option(name: .customLong("version"), help: "Read this version of the table (VERSION AS OF).")
        var tableVersion: Int64?

        @Option(help: "Read the table as of this time: ISO 8601 timestamp or date, or epoch milliseconds.")
        var asOf: String?

        @OptionGroup var writer: WriterOptions

        func validate() throws {
            if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more.") }
            if format == .parquet, output == nil {
                throw ValidationError("--format parquet needs --output FILE: Parquet is not printed to a terminal.")
            }
            if let tableVersion, tableVersion < 0 { throw ValidationError("--version must be 0 or more.") }
            if tableVersion != nil, asOf != nil { throw ValidationError("Give --version or --as-of, not both.") }
        }

        func run() async throws {
            try await reportingErrors {
                switch try CatSource.resolve(file, lakeRoot: global.lakeRoot) {
                case .parquetFile(let path):
                    if tableVersion != nil { throw EngineError.timeTravelOnFile(path: path, option: "--version") }
                    if asOf != nil { throw EngineError.timeTravelOnFile(path: path, option: "--as-of") }
                    let reader = try ParquetFileReader(path: path)
                    let projection = try columns.map { try reader.columnIndices(named: parseColumnList($0)) }
                    let batches = try await readBatches(reader, projection: projection)
                    let fields = projection.map { $0.map { reader.schema.fields[$0] } } ?? reader.schema.fields
                    try await emit(batches, schema: batches.first?.schema ?? Schema(fields))
                case .table(let location):
                    let rows = try await TableRows.read(
                        location, version: try TableVersion(version: tableVersion, asOf: asOf),
                        columns: columns.map(parseColumnList), limit: limit, threads: global.resolvedThreads)
                    try await emit(rows.batches, schema: rows.schema)
                }
            }
        }

        /// Prints `batches` in the chosen text format, or writes them as a Parquet file.
        private func emit(_ batches: [RecordBatch], schema: Schema) async throws {
            if format == .parquet, let output {
                var options = try writer.options()
                options.threads = global.resolvedThreads
                let parquetWriter = try ParquetFileWriter(path: output, schema: schema, options: options)
                for batch in batches { try await parquetWriter.write(batch) }
                _ = try await parquetWriter.close()
                return
            }
            let textFormat = format?.outputFormat ?? (Terminal.standardOutputIsTerminal ? .table : .csv)
            var sink = OutputSink(path: output)
            try sink.open()
            let resultWriter = ResultWriter(format: textFormat) { sink.write($0) }
            for batch in batches { resultWriter.write(batch) }
            resultWriter.finish(schema: schema)
            try sink.close()
        }

        /// Reads the row groups needed for `--limit`, in parallel, cutting the last batch.
        private func readBatches(_ reader: ParquetFileReader, projection: [Int]?) async throws -> [RecordBatch] {
            guard let limit else {
                return try await reader.readAll(columns: projection, threads: global.resolvedThreads)
            }
            var batches: [RecordBatch] = []
            var remaining = limit
            var group = 0
            while remaining > 0 && group < reader.rowGroupCount {
                let batch = try reader.readRowGroup(group, columns: projection)
                batches.append(batch.rowCount <= remaining ? batch : batch.slice(0..<remaining))
                remaining -= min(remaining, batch.rowCount)
                group += 1
            }
            return batches
        }
    }
}

/// Output formats of `lake cat`: the text formats plus Parquet.
enum CatFormat: String, CaseIterable, ExpressibleByArgument {
    case table, csv, json, jsonl, markdown, line, parquet

    var outputFormat: OutputFormat? { OutputFormat(rawValue: rawValue) }
}

/// Splits `a, b,c` into trimmed, non-empty names.
func parseColumnList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
}

extension Substring {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var slice = self[...]
        while slice.first == character { slice = slice.dropFirst() }
        while slice.last == character { slice = slice.dropLast() }
        return String(slice)
    }
}
