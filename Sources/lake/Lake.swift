#if canImport(Glibc)
    import Glibc
    import CMalloc
#endif
import ArgumentParser
import LakeEngine

/// The `lake` command: a lakehouse engine in one program (SPEC.md §2).
@main
struct Lake: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lake",
        abstract: "Turn files and streams into Delta Lake tables, query them with SQL, keep them healthy.",
        version: LakeVersion.string,
        subcommands: [
            DemoCommand.self, Generate.self, Ingest.self, Query.self, Inspect.self, Cat.self, History.self,
            Describe.self, Compact.self, VacuumCommand.self, RestoreCommand.self, CheckpointCommand.self,
        ]
    )

    /// Runs the command line, accepting the global options (`--threads`, `--lake`) before the
    /// command name as well as after it (SPEC.md §2).
    /// Wrong usage exits with status 2 (SPEC.md §2), where argument-parser would use 64.
    static func main() async {
        #if canImport(Glibc)
            // Keep freed memory for reuse instead of returning it to the kernel: decoded columns
            // are large, short-lived arrays, and with glibc's defaults each one is a fresh mmap
            // whose pages the kernel zeroes on first touch (measured: 10–20% of a scan's time).
            _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
            _ = mallopt(M_TRIM_THRESHOLD, 512 << 20)
        #endif
        let arguments = GlobalOptions.movingLeadingOptions(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            Terminal.writeError(fullMessage(for: error))
            Glibc.exit(2)
        }
    }
}

/// The version printed by `lake --version` and written into Parquet `created_by`.
enum LakeVersion {
    static let string = "0.1.0"
}
