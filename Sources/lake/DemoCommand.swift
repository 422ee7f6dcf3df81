import ArgumentParser
import LakeEngine

extension Lake {
    /// `lake demo`: the engine at work on generated sample data (SPEC.md §2.4).
    struct DemoCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: "Generate sample sensor data, store it as zstd Parquet, read it back and show it."
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "Where to write the demo's files (created when missing).")
        var dir: String = "lake-demo"

        @Option(help: "Rows of sample data to generate.")
        var rows: Int = 1_000_000

        func validate() throws {
            if rows < 1 { throw ValidationError("--rows must be at least 1.") }
        }

        func run() async throws {
            try await reportingErrors {
                let demo = Demo(directory: dir, rows: rows, threads: global.resolvedThreads)
                try await demo.run { Terminal.write($0 + "\n") }
            }
        }
    }
}
