/// The text formats rows can be printed in (SPEC.md §2, output formats).
public enum OutputFormat: String, Sendable, CaseIterable {
    /// A box-drawn table; the default on a terminal.
    case table
    /// RFC 4180 CSV with a header row; the default when piped.
    case csv
    /// One JSON array of objects.
    case json
    /// One JSON object per line.
    case jsonl
    /// A GitHub-flavoured Markdown table.
    case markdown
    /// One `column = value` line per value, rows separated by a blank line.
    case line
}
