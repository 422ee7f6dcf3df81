import ArgumentParser
import LakeEngine

extension Lake {
    /// `lake demo`: the engine at work on generated sample data (SPEC.md §2.4).
    struct DemoCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: "The table lifecycle on sample data: generate, ingest, query, compact, history, vacuum.",
            discussion: """
                Writes the table demo_sensors (replacing its rows if it exists) in the lake chosen by \
                --lake, LAKE_HOME or ./lakehouse, and checks its own results (SPEC.md §2.4).
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "Rows of sample data to generate.")
        var rows: Int = 1_000_000

        @Option(help: "Commits to ingest the rows in (each makes small files).")
        var batches: Int = 200

        @Option(help: "The demo table's name in the lake.")
        var table: String = "demo_sensors"

        func validate() throws {
            if rows < 1 { throw ValidationError("--rows must be at least 1.") }
            if batches < 1 { throw ValidationError("--batches must be at least 1.") }
        }

        func run() async throws {
            try await reportingErrors {
                let location = try TableLocation.resolve(table, lakeRoot: global.lakeRoot)
                guard location.kind == .name else { throw ValidationError("--table takes a table name, not a path.") }
                let demo = Demo(
                    lakeRoot: global.lakeRoot, table: table, rows: rows, batches: batches, threads: global.resolvedThreads)
                try await demo.run { Terminal.write($0 + "\n") }
            }
        }
    }
}
