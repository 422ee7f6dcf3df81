import ArgumentParser
import LakeColumnar
import LakeEngine
import LakeParquet

extension Lake {
    /// `lake cat`: print the rows of a Parquet file, or rewrite them as a new Parquet file.
    struct Cat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the rows of a Parquet file.",
            discussion: """
                Prints a table on a terminal and CSV when piped. With --format parquet --output FILE, \
                rewrites the rows with lake's Parquet writer (SPEC.md §2.2, §5).
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The Parquet file.", completion: .file(extensions: ["parquet"]))
        var file: String

        @Option(help: "table, csv, json, jsonl, markdown, line or parquet (default: table on a terminal, else csv).")
        var format: CatFormat?

        @Option(help: "Only these top-level columns, comma-separated, in this order.")
        var columns: String?

        @Option(help: "Stop after this many rows.")
        var limit: Int?

        @Option(help: "Write to this file instead of standard output (required with --format parquet).")
        var output: String?

        @OptionGroup var writer: WriterOptions

        func validate() throws {
            if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more.") }
            if format == .parquet, output == nil {
                throw ValidationError("--format parquet needs --output FILE: Parquet is not printed to a terminal.")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let reader = try ParquetFileReader(path: file)
                let projection = try columns.map { try reader.columnIndices(named: parseColumnList($0)) }
                let batches = try await readBatches(reader, projection: projection)
                if format == .parquet, let output {
                    let schema = batches.first?.schema ?? Schema(projection.map { $0.map { reader.schema.fields[$0] } } ?? reader.schema.fields)
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
                let fields = projection.map { $0.map { reader.schema.fields[$0] } } ?? reader.schema.fields
                resultWriter.finish(schema: Schema(fields))
                try sink.close()
            }
        }

        /// Reads the row groups needed for `--limit`, in parallel, cutting the last batch.
        private func readBatches(_ reader: ParquetFileReader, projection: [Int]?) async throws -> [RecordBatch] {
            guard let limit else { return try await reader.readAll(columns: projection, threads: global.resolvedThreads) }
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
