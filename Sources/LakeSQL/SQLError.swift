import LakeColumnar

/// A position in SQL text: 1-based line and column (in characters), and the UTF-8 byte offset.
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line.
    public var line: Int
    /// 1-based column, counted in Unicode scalars.
    public var column: Int
    /// 0-based byte offset into the UTF-8 text.
    public var offset: Int

    /// A position.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public var description: String { "line \(line), column \(column)" }
}

/// An error in SQL text: what is wrong, where, and the offending line with a caret under it.
///
/// Rendered as `error: <message> at line L, column C` followed by the excerpt (SPEC.md §8).
public struct SQLError: LakeError, Equatable {
    /// What is wrong, without the position.
    public var message: String
    /// Where it is wrong.
    public var position: SourcePosition
    /// The offending line and a caret line under it, when the text is known.
    public var excerpt: String?
    /// What the user can do about it.
    public var help: String?

    /// An error at `position`.
    public init(_ message: String, at position: SourcePosition, help: String? = nil) {
        self.message = message
        self.position = position
        self.help = help
    }

    public var description: String {
        var text = "\(message) at \(position)"
        if let excerpt { text += "\n" + excerpt }
        return text
    }

    /// This error with the excerpt of `source` around its position filled in.
    public func withExcerpt(from source: String) -> SQLError {
        var copy = self
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard position.line >= 1 && position.line <= lines.count else { return copy }
        var line = String(lines[position.line - 1])
        if line.hasSuffix("\r") { line.removeLast() }
        let caretColumn = max(1, min(position.column, line.unicodeScalars.count + 1))
        copy.excerpt = "  " + line + "\n  " + String(repeating: " ", count: caretColumn - 1) + "^"
        return copy
    }
}
