import ArgumentParser
import LakeColumnar
import LakeDelta
import LakeEngine
import LakeParquet

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Lake {
    /// `lake query`: run SQL over the lake's tables and files (SPEC.md §8).
    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run SQL over tables in the lake, Delta table directories and Parquet files.",
            discussion: """
                SQL comes from the argument, from -f FILE, or from standard input; several statements \
                are separated by ';'. Tables are names in the lake or quoted paths ('dir/table', \
                'x.parquet', 'dir/*.parquet'). EXPLAIN and EXPLAIN ANALYZE show the plan (SPEC.md §8).
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The SQL text (omit to read -f FILE or standard input).")
        var sql: String?

        @Option(name: .short, help: "Read the SQL from this file.", completion: .file())
        var file: String?

        @Option(help: "table, csv, json, jsonl, markdown, line or parquet (default: table on a terminal, else csv).")
        var format: CatFormat?

        @Option(help: "Write to this file instead of standard output (required with --format parquet).")
        var output: String?

        @Flag(help: "Print real, user and system time on standard error.")
        var timing = false

        @Option(
            name: .customLong("memory-limit"),
            help: "Memory for hash tables, sorts and join builds before they spill to disk, e.g. 500MB, 4GB (default: 80% of RAM; also LAKE_MEMORY_LIMIT).")
        var memoryLimit: String?

        @Option(
            name: .customLong("temp-directory"),
            help: "Where spill files go (default: $TMPDIR, else /tmp). They have no name and vanish when lake exits.")
        var tempDirectory: String?

        @OptionGroup var writer: WriterOptions

        /// `--memory-limit`, else `LAKE_MEMORY_LIMIT`, parsed as a byte count (SPEC.md §8.9).
        func resolvedMemoryLimit() throws -> Int? {
            var text = memoryLimit
            if text == nil, let value = getenv("LAKE_MEMORY_LIMIT"), value.pointee != 0 { text = String(cString: value) }
            guard let text else { return nil }
            guard let bytes = TableProperties.parseByteCount(text) else {
                throw ValidationError("--memory-limit must be a byte count such as 500MB or 4GB, not '\(text)'.")
            }
            return bytes
        }

        func validate() throws {
            _ = try resolvedMemoryLimit()
            if sql != nil, file != nil { throw ValidationError("Give the SQL as an argument or with -f FILE, not both.") }
            if format == .parquet, output == nil {
                throw ValidationError("--format parquet needs --output FILE: Parquet is not printed to a terminal.")
            }
        }

        func run() async throws {
            let start = ContinuousClock.now
            var usageStart = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usageStart)
            try await reportingErrors {
                let text = try readSQL()
                let engine = QueryEngine(
                    lakeRoot: global.lakeRoot, threads: global.resolvedThreads, memoryLimit: try resolvedMemoryLimit(),
                    spillDirectory: tempDirectory)
                let results = try await engine.run(text)
                if format == .parquet, let output {
                    guard let last = results.last(where: { !$0.schema.fields.isEmpty }) else { return }
                    var options = try writer.options()
                    options.threads = global.resolvedThreads
                    let parquetWriter = try ParquetFileWriter(path: output, schema: last.schema, options: options)
                    for batch in last.batches { try await parquetWriter.write(batch) }
                    _ = try await parquetWriter.close()
                    return
                }
                let textFormat = format?.outputFormat ?? (Terminal.standardOutputIsTerminal ? .table : .csv)
                var sink = OutputSink(path: output)
                try sink.open()
                // SET gives a result without columns: nothing to print.
                for result in results where !result.schema.fields.isEmpty {
                    let resultWriter = ResultWriter(format: textFormat) { sink.write($0) }
                    for batch in result.batches { resultWriter.write(batch) }
                    resultWriter.finish(schema: result.schema)
                }
                try sink.close()
            }
            if timing {
                var usage = rusage()
                getrusage(RUSAGE_SELF.rawValue, &usage)
                let real = ContinuousClock.now - start
                let seconds = Double(real.components.seconds) + Double(real.components.attoseconds) / 1e18
                func cpu(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
                let user = cpu(usage.ru_utime) - cpu(usageStart.ru_utime)
                let system = cpu(usage.ru_stime) - cpu(usageStart.ru_stime)
                Terminal.writeError(
                    "real \(format3(seconds))s  user \(format3(user))s  sys \(format3(system))s")
            }
        }

        private func format3(_ value: Double) -> String {
            let millis = Int((value * 1000).rounded())
            let fraction = String(millis % 1000)
            return "\(millis / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
        }

        private func readSQL() throws -> String {
            if let sql { return sql }
            if let file {
                guard let handle = fopen(file, "r") else { throw EngineError.notFound(path: file) }
                defer { fclose(handle) }
                return readAll(handle)
            }
            return readAll(fdopen(0, "r"))
        }

        private func readAll(_ handle: UnsafeMutablePointer<FILE>) -> String {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = fread(&buffer, 1, buffer.count, handle)
                if count <= 0 { break }
                bytes.append(contentsOf: buffer[0..<count])
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
