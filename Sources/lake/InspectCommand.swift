import ArgumentParser
import LakeEngine
import LakeParquet

extension Lake {
    /// `lake inspect`: show a Parquet file's metadata.
    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a Parquet file's schema, row groups, codecs, encodings, sizes and statistics.",
            discussion: "Reads only the footer and the page headers (SPEC.md §2.1)."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The Parquet file.", completion: .file(extensions: ["parquet"]))
        var file: String

        @Option(help: "text (default) or json.")
        var format: InspectFormat = .text

        func run() async throws {
            try await reportingErrors {
                let report = try ParquetFileReader(path: file).inspection()
                Terminal.write(format == .json ? InspectionReport.json(report) : InspectionReport.text(report))
            }
        }
    }
}

/// Output formats of `lake inspect`.
enum InspectFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json
}
