import ArgumentParser
import LakeEngine

/// The `lake` command: a lakehouse engine in one program (SPEC.md §2).
@main
struct Lake: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lake",
        abstract: "Turn files and streams into Delta Lake tables, query them with SQL, keep them healthy.",
        version: LakeVersion.string,
        subcommands: [DemoCommand.self, Ingest.self, Inspect.self, Cat.self]
    )

    /// Runs the command line, accepting the global options (`--threads`, `--lake`) before the
    /// command name as well as after it (SPEC.md §2).
    static func main() async {
        await main(GlobalOptions.movingLeadingOptions(Array(CommandLine.arguments.dropFirst())))
    }
}

/// The version printed by `lake --version` and written into Parquet `created_by`.
enum LakeVersion {
    static let string = "0.1.0"
}
