#if canImport(Glibc)
    import Glibc
#endif
import ArgumentParser
import LakeEngine
import LakeIO
import LakeIngest

extension Lake {
    /// `lake generate`: deterministic sample data as CSV, JSON lines or Parquet (SPEC.md §2.9, §9).
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a deterministic sample data set (sensors, events, orders).",
            discussion: """
                The same dataset, --rows, --seed, --format and --dirty always give the same bytes, \
                whatever --threads. Data goes to standard output (nothing else is printed there or \
                on standard error) or to a new file given by --output, after which one summary \
                line is printed on standard error. --dirty P spoils round(rows × P) rows of CSV or \
                JSON-lines output on purpose, for testing ingestion (SPEC.md §9.4).
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The data set: sensors, events or orders.")
        var dataset: SampleDataSetName

        @Option(help: "Rows to generate.")
        var rows: Int = 1000

        @Option(help: "csv, jsonl or parquet (default: from the --output extension, else csv).")
        var format: Generation.Format?

        @Option(help: "The random seed: the same seed gives the same data.")
        var seed: UInt64 = 42

        @Option(help: "Write to this new file instead of standard output (required for parquet).")
        var output: String?

        @Option(help: "The fraction of rows to spoil on purpose, 0…1 (csv and jsonl only).")
        var dirty: Double = 0

        /// The format asked for, or inferred from `--output`'s extension, else CSV.
        var resolvedFormat: Generation.Format {
            if let format { return format }
            guard let output, let dot = output.lastIndex(of: ".") else { return .csv }
            switch output[output.index(after: dot)...].lowercased() {
            case "jsonl", "ndjson": return .jsonl
            case "parquet": return .parquet
            default: return .csv
            }
        }

        func validate() throws {
            if rows < 0 { throw ValidationError("--rows must be 0 or more.") }
            if !(0...1).contains(dirty) {
                throw ValidationError("--dirty must be a fraction between 0 and 1, e.g. 0.01 for 1% bad rows.")
            }
            if resolvedFormat == .parquet {
                if dirty > 0 {
                    throw ValidationError(
                        "--dirty works only with --format csv or jsonl: Parquet columns are typed, so a file cannot hold bad values.")
                }
                if output == nil {
                    throw ValidationError("--format parquet needs --output FILE: Parquet is not written to standard output.")
                }
            }
        }

        func run() async throws {
            try await reportingErrors {
                let generation = Generation(
                    dataset: dataset, rows: rows, seed: seed, format: resolvedFormat, dirtyFraction: dirty,
                    threads: global.resolvedThreads)
                let clock = ContinuousClock()
                let start = clock.now
                let summary: Generation.Summary
                if let output {
                    if generation.format == .parquet {
                        summary = try await generation.writeParquet(path: output)
                    } else {
                        let file = try FileWriter(path: output, exclusive: true)
                        do {
                            summary = try await generation.writeText { try file.write($0) }
                            try file.close()
                        } catch {
                            try? file.close()
                            _ = FileSystem.remove(output)
                            throw error
                        }
                    }
                    Terminal.writeError(Self.summaryLine(summary, generation, output, clock.now - start))
                } else {
                    signal(SIGPIPE, SIG_IGN)  // a closed pipe is an EPIPE error, handled below
                    do {
                        _ = try await generation.writeText { try StandardOutput.write($0) }
                    } catch is StandardOutput.Closed {
                        return  // the reader went away (`| head`): stop quietly, as `cat` does
                    }
                }
            }
        }

        static func summaryLine(
            _ summary: Generation.Summary, _ generation: Generation, _ path: String, _ duration: Duration
        ) -> String {
            let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
            let rate = Int(Double(summary.rows) / max(seconds, 1e-9))
            let megabytes = (Double(summary.bytes) / 10_000).rounded() / 100
            let time = (seconds * 100).rounded() / 100
            var line =
                "Wrote \(grouped(summary.rows)) \(generation.dataset.rawValue) rows (seed \(generation.seed)) "
                + "to \(path) as \(generation.format.rawValue): \(megabytes) MB in \(time) s (\(grouped(rate)) rows/s)"
            if generation.format != .parquet && generation.dirtyFraction > 0 {
                line += "; \(grouped(summary.dirtyRows)) dirty row\(summary.dirtyRows == 1 ? "" : "s")"
            }
            return line
        }

        static func grouped(_ value: Int) -> String {
            var digits = Array(String(value))
            var index = digits.count - 3
            while index > 0 {
                digits.insert(",", at: index)
                index -= 3
            }
            return String(digits)
        }
    }
}

extension SampleDataSetName: ExpressibleByArgument {}
extension Generation.Format: ExpressibleByArgument {}

/// Raw bytes to standard output.
enum StandardOutput {
    /// The reader of standard output has gone away (EPIPE).
    struct Closed: Error {}

    /// Writes every byte of `bytes`, retrying short writes and EINTR.
    static func write(_ bytes: ContiguousArray<UInt8>) throws {
        try bytes.withUnsafeBytes { raw in
            guard var pointer = raw.baseAddress else { return }
            var remaining = raw.count
            while remaining > 0 {
                let written = Glibc.write(STDOUT_FILENO, pointer, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    if errno == EPIPE { throw Closed() }
                    throw StorageError.fromErrno(errno, path: "<standard output>", operation: "write")
                }
                pointer += written
                remaining -= written
            }
        }
    }
}
