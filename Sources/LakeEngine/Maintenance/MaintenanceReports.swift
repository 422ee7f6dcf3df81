import LakeDelta

/// What `lake vacuum` prints (SPEC.md §2.11).
public struct VacuumReport: Sendable {
    /// The table as the user named it.
    public var table: String
    /// What the vacuum did or would do.
    public var outcome: VacuumOutcome
    /// Wall-clock seconds.
    public var seconds: Double

    /// Lines for people; a dry run lists every file it would delete.
    public var text: String {
        let o = outcome
        let bytes = CompactionReport.bytesText(o.deletedBytes)
        var lines: [String] = []
        if o.dryRun {
            lines.append(
                "dry run: vacuum would delete \(o.deletedFiles.count) data file(s) (\(bytes), \(o.orphanFiles) never "
                    + "in the table's state) and \(o.deletedLogFiles.count) log file(s) from \(table); retention "
                    + Vacuum.hours(o.retention))
            lines += o.deletedFiles.map { "  " + $0 }
            lines += o.deletedLogFiles.map { "  _delta_log/" + $0 }
        } else {
            let directories = "\(o.deletedDirectories) empty director" + (o.deletedDirectories == 1 ? "y" : "ies")
            let versions = (o.startVersion.map { String($0) } ?? "-") + "–" + (o.endVersion.map { String($0) } ?? "-")
            var line = "vacuumed \(table): deleted \(o.deletedFiles.count) data file(s) (\(bytes), "
            line += "\(o.orphanFiles) never in the table's state), \(directories), "
            line += "\(o.deletedLogFiles.count) log file(s); retention \(Vacuum.hours(o.retention)); "
            line += "versions \(versions) in \(CompactionReport.secondsText(seconds))"
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// One JSON object for scripts.
    public var json: String {
        let o = outcome
        return "{\"table\":\(ValueText.quoted(table)),\"dry_run\":\(o.dryRun),\"read_version\":\(o.readVersion),"
            + "\"retention_ms\":\(o.retention),\"deleted_files\":[\(o.deletedFiles.map { ValueText.quoted($0) }.joined(separator: ","))],"
            + "\"deleted_bytes\":\(o.deletedBytes),\"orphan_files\":\(o.orphanFiles),"
            + "\"deleted_directories\":\(o.deletedDirectories),"
            + "\"deleted_log_files\":[\(o.deletedLogFiles.map { ValueText.quoted($0) }.joined(separator: ","))],"
            + "\"start_version\":\(o.startVersion.map(String.init) ?? "null"),"
            + "\"end_version\":\(o.endVersion.map(String.init) ?? "null"),\"seconds\":\(seconds)}"
    }
}

/// What `lake restore` prints (SPEC.md §2.12).
public struct RestoreReport: Sendable {
    /// The table as the user named it.
    public var table: String
    /// What the restore did.
    public var outcome: RestoreOutcome

    /// One line for people.
    public var text: String {
        let o = outcome
        guard let version = o.version else {
            return "\(table) already holds the files of version \(o.restoredVersion): nothing committed"
        }
        return "restored \(table) to version \(o.restoredVersion) as version \(version): \(o.filesRemoved) file(s) "
            + "removed, \(o.filesRestored) restored, \(o.filesAfter) live (\(CompactionReport.bytesText(o.bytesAfter)))"
            + (o.metadataRestored ? "; schema and properties restored too" : "")
    }

    /// One JSON object for scripts.
    public var json: String {
        let o = outcome
        return "{\"table\":\(ValueText.quoted(table)),\"restored_version\":\(o.restoredVersion),"
            + "\"version\":\(o.version.map(String.init) ?? "null"),\"files_removed\":\(o.filesRemoved),"
            + "\"files_restored\":\(o.filesRestored),\"bytes_removed\":\(o.bytesRemoved),"
            + "\"bytes_restored\":\(o.bytesRestored),\"files_after\":\(o.filesAfter),\"bytes_after\":\(o.bytesAfter),"
            + "\"metadata_restored\":\(o.metadataRestored)}"
    }
}

/// Table maintenance entry points for the CLI (SPEC.md §2.11–2.13).
public enum TableMaintenance {
    /// `lake vacuum`.
    public static func vacuum(_ location: TableLocation, request: VacuumRequest) async throws -> VacuumReport {
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = try await Vacuum.run(tableRoot: location.path, request: request)
        let elapsed = clock.now - start
        return VacuumReport(
            table: location.argument, outcome: outcome,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    /// `lake restore` to a version, or to the version current at a time.
    public static func restore(_ location: TableLocation, to target: TableVersion) async throws -> RestoreReport {
        let version: Int64
        switch target {
        case .version(let number): version = number
        case .timestamp, .latest: version = try target.snapshot(of: location.path).version
        }
        let outcome = try await Restore.run(tableRoot: location.path, version: version)
        return RestoreReport(table: location.argument, outcome: outcome)
    }

    /// `lake checkpoint`: a checkpoint of the latest version.
    public static func checkpoint(_ location: TableLocation, threads: Int) async throws -> CheckpointSummary {
        try await DeltaLog(tableRoot: location.path).checkpoint(threads: threads)
    }
}
