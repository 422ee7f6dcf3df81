import ArgumentParser
import LakeDelta
import LakeEngine

extension Lake {
    /// `lake vacuum`: delete files no retained version needs (SPEC.md §2.11).
    struct VacuumCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vacuum",
            abstract: "Delete data files no version within the retention needs, and expired log files.",
            discussion: """
                Deletes files the table's state does not reference (removed by compaction or overwrite, or \
                left by crashed writers) once they are older than the retention, and log files behind the \
                newest checkpoint older than delta.logRetentionDuration (SPEC.md §2.11, §7.7).
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The table: a name in the lake, or a path.", completion: .directory)
        var table: String

        @Option(help: "Keep unreferenced files younger than this (default 168h; e.g. 48h, 30m, 7d). Under 168h needs --force.")
        var retain: String?

        @Flag(help: "List what would be deleted; delete nothing.")
        var dryRun = false

        @Flag(help: "Allow a retention under 168 hours (only when no one else reads or writes the table).")
        var force = false

        @Option(help: "text (default) or json.")
        var format: SummaryFormat = .text

        func validate() throws {
            if let retain, Self.millis(retain) == nil {
                throw ValidationError("--retain takes a duration such as 168h, 7d, 30m or 0h.")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let request = VacuumRequest(retention: retain.flatMap(Self.millis), force: force, dryRun: dryRun)
                let location = try TableLocation.resolve(table, lakeRoot: global.lakeRoot)
                let report = try await TableMaintenance.vacuum(location, request: request)
                Terminal.write((format == .json ? report.json : report.text) + "\n")
            }
        }

        /// `<number><unit>` with units d, h, m, s (or a Spark interval such as `interval 7 days`).
        static func millis(_ text: String) -> Int64? {
            let units: [Character: Int64] = ["d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1000]
            if let unit = text.last.flatMap({ units[$0] }), let amount = Int64(text.dropLast()), amount >= 0 {
                let (value, overflow) = amount.multipliedReportingOverflow(by: unit)
                return overflow ? nil : value
            }
            return TableProperties.parseInterval(text)
        }
    }

    /// `lake restore`: make the latest version hold an older version's files (SPEC.md §2.12).
    struct RestoreCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore",
            abstract: "Restore a table to an older version, as a new version.",
            discussion: "History stays: the versions in between remain readable (SPEC.md §2.12, §7.8)."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The table: a name in the lake, or a path.", completion: .directory)
        var table: String

        @Option(help: "The version to restore.")
        var version: Int64?

        @Option(help: "Restore the version current at this time (ISO 8601, a date, or epoch milliseconds).")
        var timestamp: String?

        @Option(help: "text (default) or json.")
        var format: SummaryFormat = .text

        func validate() throws {
            if (version == nil) == (timestamp == nil) {
                throw ValidationError("Give exactly one of --version and --timestamp.")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let target = try TableVersion(version: version, asOf: timestamp)
                let location = try TableLocation.resolve(table, lakeRoot: global.lakeRoot)
                let report = try await TableMaintenance.restore(location, to: target)
                Terminal.write((format == .json ? report.json : report.text) + "\n")
            }
        }
    }

    /// `lake checkpoint`: write a checkpoint of the latest version (SPEC.md §2.13).
    struct CheckpointCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract: "Write a checkpoint of the table's latest version, so it opens without replaying commits."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The table: a name in the lake, or a path.", completion: .directory)
        var table: String

        func run() async throws {
            try await reportingErrors {
                let location = try TableLocation.resolve(table, lakeRoot: global.lakeRoot)
                let summary = try await TableMaintenance.checkpoint(location, threads: global.resolvedThreads)
                Terminal.write(
                    "checkpoint of \(table) at version \(summary.version): \(summary.addFileCount) file(s), "
                        + "\(summary.tombstoneCount) tombstone(s), \(summary.actionCount) action(s), "
                        + "\(summary.sizeInBytes) bytes\n")
            }
        }
    }
}
