import LakeColumnar

/// How an error is shown to a user: `error: what happened (where)` then `help: what to do`.
///
/// SPEC.md §2. Never a stack trace; an error that is not a ``LakeError`` is a bug and says so.
public enum ErrorReport {
    /// The lines to print on standard error for `error`.
    public static func lines(for error: any Error) -> [String] {
        if let error = error as? any LakeError {
            var lines = ["error: \(error.description)"]
            if let help = error.help { lines.append("help: \(help)") }
            return lines
        }
        return [
            "error: \(error)",
            "help: this is probably a bug in lake; please report it with the command you ran",
        ]
    }
}
