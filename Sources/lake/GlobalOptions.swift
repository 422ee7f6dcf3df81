import ArgumentParser
import LakeDelta
import LakeEngine

/// Options every command takes (SPEC.md §2).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Worker threads (default: all cores; also LAKE_THREADS).")
    var threads: Int?

    @Option(
        name: .long,
        help: "The lake: the directory whose sub-directories are tables (default: LAKE_HOME, else ./lakehouse).")
    var lake: String?

    /// The lake root: `--lake`, else `LAKE_HOME`, else `./lakehouse` (SPEC.md §2.5).
    var lakeRoot: String { LakeRoot.resolve(option: lake, home: Terminal.environment("LAKE_HOME")) }

    /// The thread count to use: `--threads`, else `LAKE_THREADS`, else the core count.
    var resolvedThreads: Int {
        if let threads, threads > 0 { return threads }
        if let text = Terminal.environment("LAKE_THREADS"), let value = Int(text), value > 0 { return value }
        return Terminal.coreCount
    }

    /// The options every command takes, with whether each takes a value.
    static let leadingOptions: [String: Bool] = ["--threads": true, "--lake": true]

    /// `lake --threads 2 cat f` → `lake cat --threads 2 f`: global options written before the
    /// command name move after it, where each command's option group parses them.
    static func movingLeadingOptions(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            guard let takesValue = leadingOptions[name] else { break }
            leading.append(argument)
            if takesValue && !argument.contains("=") && index + 1 < arguments.count {
                leading.append(arguments[index + 1])
                index += 1
            }
            index += 1
        }
        guard !leading.isEmpty, index < arguments.count else { return arguments }
        return [arguments[index]] + leading + arguments[(index + 1)...]
    }

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
    }
}

/// Runs a command body, printing lake's errors as `error:`/`help:` lines and exiting 1 on failure
/// (2 for wrong usage the engine detects, SPEC.md §2).
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as EngineError where error.isUsageError {
        for line in ErrorReport.lines(for: error) { Terminal.writeError(line) }
        throw ExitCode(2)
    } catch {
        for line in ErrorReport.lines(for: error) { Terminal.writeError(line) }
        // A commit whose durability is unknown is neither success nor failure (SPEC.md §1, I4).
        if let error = error as? DeltaError, case .commitUnconfirmed = error { throw ExitCode(3) }
        throw ExitCode.failure
    }
}
