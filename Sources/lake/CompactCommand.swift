import ArgumentParser
import LakeDelta
import LakeEngine

extension Lake {
    /// `lake compact`: merge a table's small files into files near the target size (SPEC.md §2.10).
    struct Compact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge a table's small files into files near the target size, in one commit.",
            discussion: """
                In each partition with two or more files under three quarters of the target size, those \
                files are rewritten into files of the target size. Rows and versions do not change \
                (dataChange=false); running it again changes nothing. Safe while others append \
                (SPEC.md §2.10, §7.6).
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The table: a name in the lake, or a path.", completion: .directory)
        var table: String

        @Option(help: "Only partitions matching this SQL filter on partition columns, e.g. \"day >= '2024-01-05'\".")
        var `where`: String?

        @Option(help: "Target file size (default: the table's delta.targetFileSize, else 128M; suffixes K, M, G).")
        var targetSize: String?

        @Option(help: "Sort each rewritten partition by these columns, comma-separated (clusters values for file skipping).")
        var sortBy: String?

        @Option(help: "Cluster each rewritten partition along a Z-order curve over these columns (skipping on any of them).")
        var zorderBy: String?

        @Option(help: "text (default) or json: the summary printed at the end.")
        var format: SummaryFormat = .text

        @OptionGroup var writer: WriterOptions

        func validate() throws {
            if sortBy != nil && zorderBy != nil { throw ValidationError("Give --sort-by or --zorder-by, not both.") }
            if let targetSize, TableProperties.parseByteCount(targetSize) == nil {
                throw ValidationError("--target-size takes a byte count such as 134217728, 64M or 1G.")
            }
        }

        func run() async throws {
            try await reportingErrors {
                var request = CompactionRequest()
                request.options.parquet = try writer.options()
                request.options.parquet.threads = global.resolvedThreads
                request.targetFileSize = targetSize.flatMap(TableProperties.parseByteCount)
                request.sortColumns = sortBy.map(parseColumnList) ?? []
                if let zorderBy {
                    request.sortColumns = parseColumnList(zorderBy)
                    request.zOrder = true
                }
                let location = try TableLocation.resolve(table, lakeRoot: global.lakeRoot)
                let report = try await TableCompaction.run(location, predicate: `where`, request: request)
                Terminal.write((format == .json ? report.json : report.text) + "\n")
            }
        }
    }
}
