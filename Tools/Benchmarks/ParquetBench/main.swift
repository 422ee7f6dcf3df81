// lake-parquet-bench: times LakeParquet's whole-file read and write, for Tools/bench/parquet_bench.py.
//
//   lake-parquet-bench read FILE [--threads N] [--reps K]
//   lake-parquet-bench write IN OUT [--threads N] [--reps K] [--level L]
//
// Every rep prints one JSON line on stdout:
//   {"op":"read","rep":0,"threads":1,"seconds":0.512,"cpu_seconds":0.508,"rows":6001215,...}
// `seconds` is wall time (ContinuousClock) of the rep's work only:
//   read:  open + footer + decode of every column of every row group (`readAll(columns: nil, threads:)`);
//   write: create + `write` of every batch + `close()` (footer), with the input already in memory.
// `cpu_seconds` is the process's user+sys time over the same span (all threads).
// Errors go to stderr with exit status 1; usage errors exit with status 2.

import Glibc
import LakeColumnar
import LakeParquet

/// A usage or run failure, printed to stderr before exiting.
struct BenchFailure: Error, CustomStringConvertible {
    /// The text shown to the user.
    let description: String
    /// The exit status.
    let status: Int32
}

/// The parsed command line.
struct BenchArguments {
    /// `read` or `write`.
    var operation: String
    /// Positional paths: `[FILE]` for read, `[IN, OUT]` for write.
    var paths: [String]
    /// Threads given to the reader or writer.
    var threads = 1
    /// Timed repetitions.
    var reps = 1
    /// The zstd level of the written file.
    var level = 3

    static let usage = """
        usage: lake-parquet-bench read FILE [--threads N] [--reps K]
               lake-parquet-bench write IN OUT [--threads N] [--reps K] [--level L]
        """

    /// Parses `arguments` (without the program name).
    init(_ arguments: [String]) throws(BenchFailure) {
        guard let operation = arguments.first, operation == "read" || operation == "write" else {
            throw BenchFailure(description: Self.usage, status: 2)
        }
        self.operation = operation
        self.paths = []
        var index = 1
        func value(_ name: String) throws(BenchFailure) -> Int {
            guard index + 1 < arguments.count, let number = Int(arguments[index + 1]), number > 0 else {
                throw BenchFailure(description: "\(name) needs a positive integer\n\(Self.usage)", status: 2)
            }
            index += 2
            return number
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--threads": threads = try value("--threads")
            case "--reps": reps = try value("--reps")
            case "--level": level = try value("--level")
            case let argument where argument.hasPrefix("--"):
                throw BenchFailure(description: "unknown option \(argument)\n\(Self.usage)", status: 2)
            case let argument:
                paths.append(argument)
                index += 1
            }
        }
        guard paths.count == (operation == "read" ? 1 : 2) else {
            throw BenchFailure(description: Self.usage, status: 2)
        }
    }
}

/// User plus system CPU seconds of this process so far, over all its threads.
func processCPUSeconds() -> Double {
    var usage = rusage()
    guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return .nan }
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// The peak resident set of this process in MB (Linux `ru_maxrss` is in KiB).
func peakResidentMB() -> Double {
    var usage = rusage()
    guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return .nan }
    return Double(usage.ru_maxrss) / 1024
}

/// `duration` in seconds.
func seconds(_ duration: Duration) -> Double {
    let (whole, attoseconds) = duration.components
    return Double(whole) + Double(attoseconds) / 1e18
}

/// One JSON object on one line; values are numbers or strings.
func emit(_ fields: [(String, BenchValue)]) {
    let body = fields.map { "\"\($0.0)\":\($0.1.json)" }.joined(separator: ",")
    print("{\(body)}")
    fflush(nil)  // one line per rep reaches the harness even if a later rep crashes
}

/// Writes `text` to file descriptor 2 (the C `stderr` global is not concurrency-safe in Swift 6).
func writeStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

/// A JSON scalar of the output line.
enum BenchValue {
    case int(Int)
    case double(Double)
    case string(String)

    /// The JSON text.
    var json: String {
        switch self {
        case .int(let value): return String(value)
        case .double(let value): return value.isFinite ? String(value) : "null"
        case .string(let value):
            var out = "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where scalar.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
    }
}

/// Times `readAll` of `path` `reps` times.
func runRead(_ arguments: BenchArguments) async throws(ParquetError) {
    let path = arguments.paths[0]
    let clock = ContinuousClock()
    for rep in 0..<arguments.reps {
        let cpuStart = processCPUSeconds()
        let start = clock.now
        let reader = try ParquetFileReader(path: path)
        let opened = clock.now
        let batches = try await reader.readAll(columns: nil, threads: arguments.threads)
        let end = clock.now
        let cpuEnd = processCPUSeconds()
        let rows = batches.reduce(0) { $0 + $1.rowCount }
        emit([
            ("op", .string("read")), ("rep", .int(rep)), ("threads", .int(arguments.threads)),
            ("seconds", .double(seconds(end - start))), ("open_seconds", .double(seconds(opened - start))),
            ("cpu_seconds", .double(cpuEnd - cpuStart)), ("rows", .int(rows)),
            ("row_groups", .int(batches.count)), ("columns", .int(reader.schema.fields.count)),
            ("peak_rss_mb", .double(peakResidentMB())),
        ])
    }
}

/// Reads `IN` (untimed), then times writing it to `OUT` `reps` times.
func runWrite(_ arguments: BenchArguments) async throws(ParquetError) {
    let input = arguments.paths[0]
    let output = arguments.paths[1]
    let clock = ContinuousClock()
    let loadStart = clock.now
    let reader = try ParquetFileReader(path: input)
    let batches = try await reader.readAll(columns: nil, threads: arguments.threads)
    let loadSeconds = seconds(clock.now - loadStart)
    let schema = reader.schema
    var options = ParquetWriterOptions()
    options.compression = .zstd
    options.compressionLevel = arguments.level
    options.threads = arguments.threads
    for rep in 0..<arguments.reps {
        if unlink(output) != 0 && errno != ENOENT {
            throw .invalidRequest(path: output, reason: "cannot remove the previous output (errno \(errno))")
        }
        let cpuStart = processCPUSeconds()
        let start = clock.now
        let writer = try ParquetFileWriter(path: output, schema: schema, options: options)
        let summary: ParquetFileSummary
        do {
            for batch in batches { try await writer.write(batch) }
            summary = try await writer.close()
        } catch {
            writer.abort()
            throw error
        }
        let end = clock.now
        let cpuEnd = processCPUSeconds()
        emit([
            ("op", .string("write")), ("rep", .int(rep)), ("threads", .int(arguments.threads)),
            ("seconds", .double(seconds(end - start))), ("cpu_seconds", .double(cpuEnd - cpuStart)),
            ("rows", .int(summary.rowCount)), ("row_groups", .int(summary.rowGroupCount)),
            ("bytes", .int(summary.fileSize)), ("level", .int(arguments.level)),
            ("load_seconds", .double(loadSeconds)), ("peak_rss_mb", .double(peakResidentMB())),
        ])
    }
}

do throws(BenchFailure) {
    let arguments = try BenchArguments(Array(CommandLine.arguments.dropFirst()))
    do {
        if arguments.operation == "read" {
            try await runRead(arguments)
        } else {
            try await runWrite(arguments)
        }
    } catch {
        throw BenchFailure(description: "lake-parquet-bench: \(error)", status: 1)
    }
} catch {
    writeStandardError(error.description + "\n")
    exit(error.status)
}
