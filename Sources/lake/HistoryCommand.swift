import ArgumentParser
import LakeEngine

extension Lake {
    /// `lake history`: the versions of a Delta table, newest first (SPEC.md §2.6).
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the versions of a Delta table, newest first, from its commitInfo.",
            discussion: """
                One row per version the log still holds: version, timestamp (the commit time time \\
                travel uses), operation, operationParameters, operationMetrics, engineInfo, \\
                readVersion, isBlindAppend. Versions cleaned up behind a checkpoint are absent.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The table name or table directory.", completion: .directory)
        var table: String

        @Option(help: "Show only the newest N versions.")
        var limit: Int?

        @Option(help: "table, csv, json, jsonl, markdown or line (default: table on a terminal, else csv).")
        var format: HistoryFormat?

        func validate() throws {
            if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more.") }
        }

        func run() async throws {
            try await reportingErrors {
                let location = try TableLocation.resolve(table, lakeRoot: global.lakeRoot)
                let history = try TableHistory.load(location, limit: limit)
                let textFormat = format?.outputFormat ?? (Terminal.standardOutputIsTerminal ? .table : .csv)
                let writer = ResultWriter(format: textFormat) { Terminal.write($0) }
                writer.write(history.batch)
                writer.finish(schema: TableHistory.schema)
            }
        }
    }
}

/// Output formats of `lake history`.
enum HistoryFormat: String, CaseIterable, ExpressibleByArgument {
    case table, csv, json, jsonl, markdown, line

    var outputFormat: OutputFormat? { OutputFormat(rawValue: rawValue) }
}
