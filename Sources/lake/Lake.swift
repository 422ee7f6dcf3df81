import ArgumentParser
import LakeEngine

/// The `lake` command: a lakehouse engine in one program (SPEC.md §2).
@main
struct Lake: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lake",
        abstract: "Turn files and streams into Delta Lake tables, query them with SQL, keep them healthy.",
        version: LakeVersion.string,
        subcommands: [DemoCommand.self, Inspect.self, Cat.self, History.self, Describe.self]
    )
}

/// The version printed by `lake --version` and written into Parquet `created_by`.
enum LakeVersion {
    static let string = "0.1.0"
}
