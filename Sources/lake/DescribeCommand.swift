import ArgumentParser
import LakeEngine

extension Lake {
    /// `lake describe`: a Delta table's schema, size, protocol and properties (SPEC.md §2.7).
    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe a Delta table: schema, partitions, files, bytes, rows, protocol, properties.",
            discussion: "Reads only the log (SPEC.md §2.7); --version and --as-of describe an older version."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The table name or table directory.", completion: .directory)
        var table: String

        @Option(name: .customLong("version"), help: "Describe this version (VERSION AS OF).")
        var tableVersion: Int64?

        @Option(help: "Describe the version current at this time: ISO 8601 timestamp or date, or epoch milliseconds.")
        var asOf: String?

        @Option(help: "text (default) or json.")
        var format: InspectFormat = .text

        func validate() throws {
            if let tableVersion, tableVersion < 0 { throw ValidationError("--version must be 0 or more.") }
            if tableVersion != nil, asOf != nil { throw ValidationError("Give --version or --as-of, not both.") }
        }

        func run() async throws {
            try await reportingErrors {
                let location = try TableLocation.resolve(table, lakeRoot: global.lakeRoot)
                let description = try TableDescription.load(
                    location, version: try TableVersion(version: tableVersion, asOf: asOf))
                Terminal.write(
                    format == .json
                        ? TableDescriptionReport.json(description) : TableDescriptionReport.text(description))
            }
        }
    }
}
