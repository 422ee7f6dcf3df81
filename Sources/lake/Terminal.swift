#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Standard output and error, and what they are connected to.
enum Terminal {
    /// Whether standard output is a terminal (then tables are drawn; otherwise CSV is printed).
    static var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Whether colour may be used: on a terminal and without `NO_COLOR` (SPEC.md §2).
    static var colorAllowed: Bool { standardOutputIsTerminal && getenv("NO_COLOR") == nil }

    /// Writes `text` to standard output.
    static func write(_ text: String) {
        writeAll(text, to: STDOUT_FILENO)
    }

    /// Whether standard error is a terminal (then progress is drawn there).
    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Writes `text` to standard error as is (no line break).
    static func writeErrorRaw(_ text: String) {
        writeAll(text, to: STDERR_FILENO)
    }

    /// Writes one line to standard error.
    static func writeError(_ line: String) {
        writeAll(line + "\n", to: STDERR_FILENO)
    }

    /// Writes every byte of `text` to `descriptor`, retrying short writes and EINTR. A closed pipe
    /// (EPIPE, e.g. `lake cat … | head`) ends the output quietly.
    private static func writeAll(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            guard var pointer = UnsafeRawPointer(bytes.baseAddress) else { return }
            var remaining = bytes.count
            while remaining > 0 {
                let written = Glibc.write(descriptor, pointer, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                pointer += written
                remaining -= written
            }
        }
    }

    /// The number of cores, the default for `--threads`.
    static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// The value of an environment variable.
    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
