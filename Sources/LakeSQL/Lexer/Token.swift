/// One token of SQL text.
public struct Token: Sendable, Equatable {
    /// What kind of token this is, with its value.
    public var kind: Kind
    /// Where the token starts.
    public var position: SourcePosition

    /// The kinds of tokens.
    public enum Kind: Sendable, Equatable {
        /// A word: a keyword or an unquoted identifier, as written (case kept).
        case word(String)
        /// A `"double quoted"` identifier, unescaped.
        case quotedIdentifier(String)
        /// A `'single quoted'` string, unescaped.
        case string(String)
        /// An integer literal's digits (no sign).
        case integer(String)
        /// A literal with a fraction or exponent, as written.
        case decimal(String)
        /// An operator or punctuation: `( ) , . ; * + - / % = <> != < <= > >= || :: [ ]`.
        case symbol(String)
        /// A `?`/`$n` parameter is not supported; the end of the text.
        case end
    }

    /// Whether the token is the keyword `keyword` (case-insensitive; `keyword` is upper case).
    public func isKeyword(_ keyword: String) -> Bool {
        if case .word(let word) = kind { return word.uppercased() == keyword }
        return false
    }

    /// Whether the token is the symbol `symbol`.
    public func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(let text) = kind { return text == symbol }
        return false
    }

    /// How the token reads in an error message.
    public var display: String {
        switch kind {
        case .word(let word): "\"\(word)\""
        case .quotedIdentifier(let name): "\"\(name)\""
        case .string(let text): "'\(text)'"
        case .integer(let digits), .decimal(let digits): digits
        case .symbol(let symbol): "\"\(symbol)\""
        case .end: "the end of the query"
        }
    }
}
