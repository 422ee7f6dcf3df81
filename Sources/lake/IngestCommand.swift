import ArgumentParser
import LakeDelta
import LakeEngine

extension Lake {
    /// `lake ingest`: load files into a Delta table in one atomic commit (SPEC.md §2.8).
    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load Parquet files into a Delta table, in one atomic commit.",
            discussion: """
                Creates the table on first use. Every row of every input is committed in one version, or \
                none is (SPEC.md §2.8, §7).
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The table: a name in the lake, or a path.")
        var table: String

        @Argument(help: "Parquet files, or directories of Parquet files.", completion: .file())
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

        @Option(help: "text (default) or json: the summary printed at the end.")
        var format: SummaryFormat = .text

        @OptionGroup var writer: WriterOptions

        func validate() throws {
            if (txnApp == nil) != (txnVersion == nil) {
                throw ValidationError("--txn-app and --txn-version go together.")
            }
            if let targetFileSize, Self.bytes(targetFileSize) == nil {
                throw ValidationError("--target-file-size takes a byte count such as 134217728, 64M or 1G.")
            }
        }

        func run() async throws {
            try await reportingErrors {
                var request = WriteRequest(mode: mode)
                request.partitionColumns = partitionBy.map(parseColumnList) ?? []
                request.options.parquet = try writer.options()
                if let targetFileSize, let bytes = Self.bytes(targetFileSize) { request.options.targetFileSize = bytes }
                if let txnApp, let txnVersion { request.transaction = (appId: txnApp, version: txnVersion) }
                let location = try TableLocation.resolve(table, lakeRoot: global.lakeRoot)
                let report = try await FileIngest.run(
                    tableRoot: location.path, inputs: inputs, request: request, threads: global.resolvedThreads)
                Terminal.write((format == .json ? report.json : report.text) + "\n")
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
