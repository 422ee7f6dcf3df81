/// Splits SQL text into tokens, skipping whitespace and `--` / `/* */` comments.
///
/// Strings use `''` for a quote inside (and `E'…'` is not supported); identifiers in double
/// quotes use `""`. Numbers are kept as text so the binder can choose an exact type.
public struct Lexer {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    /// The 1-based column of `index`, counted in Unicode scalars (bytes that are not UTF-8
    /// continuation bytes).
    private var column = 1

    /// A lexer over `text`.
    public init(_ text: String) {
        self.bytes = Array(text.utf8)
    }

    /// Every token of the text, ending with `.end`.
    public static func tokenize(_ text: String) throws(SQLError) -> [Token] {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private var position: SourcePosition {
        SourcePosition(line: line, column: column, offset: index)
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        index + ahead < bytes.count ? bytes[index + ahead] : nil
    }

    private mutating func advance() {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
        index += 1
    }

    /// The next token.
    public mutating func next() throws(SQLError) -> Token {
        try skipTrivia()
        let start = position
        guard let byte = peek() else { return Token(kind: .end, position: start) }
        if Self.isIdentifierStart(byte) {
            let begin = index
            while let next = peek(), Self.isIdentifierPart(next) { advance() }
            return Token(kind: .word(String(decoding: bytes[begin..<index], as: UTF8.self)), position: start)
        }
        if Self.isDigit(byte) || (byte == UInt8(ascii: ".") && peek(1).map(Self.isDigit) == true) {
            return try number(start)
        }
        switch byte {
        case UInt8(ascii: "'"):
            return Token(kind: .string(try quoted(UInt8(ascii: "'"), start: start, what: "string")), position: start)
        case UInt8(ascii: "\""):
            let name = try quoted(UInt8(ascii: "\""), start: start, what: "quoted identifier")
            if name.isEmpty { throw SQLError("empty quoted identifier", at: start) }
            return Token(kind: .quotedIdentifier(name), position: start)
        default:
            return try symbol(start)
        }
    }

    private mutating func skipTrivia() throws(SQLError) {
        while let byte = peek() {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
            {
                advance()
            } else if byte == UInt8(ascii: "-"), peek(1) == UInt8(ascii: "-") {
                while let next = peek(), next != UInt8(ascii: "\n") { advance() }
            } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                let start = position
                advance()
                advance()
                while true {
                    guard let next = peek() else {
                        throw SQLError("unterminated /* comment: expected */", at: start, help: "Close the comment with */.")
                    }
                    if next == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                        advance()
                        advance()
                        break
                    }
                    advance()
                }
            } else {
                return
            }
        }
    }

    private mutating func number(_ start: SourcePosition) throws(SQLError) -> Token {
        let begin = index
        var isDecimal = false
        while let byte = peek(), Self.isDigit(byte) { advance() }
        if peek() == UInt8(ascii: "."), peek(1) != UInt8(ascii: ".") {
            isDecimal = true
            advance()
            while let byte = peek(), Self.isDigit(byte) { advance() }
        }
        if let byte = peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            let afterSign = (peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-")) ? 2 : 1
            if let digit = peek(afterSign), Self.isDigit(digit) {
                isDecimal = true
                for _ in 0..<afterSign { advance() }
                while let next = peek(), Self.isDigit(next) { advance() }
            }
        }
        if let byte = peek(), Self.isIdentifierStart(byte) {
            throw SQLError(
                "unexpected character after the number \(String(decoding: bytes[begin..<index], as: UTF8.self))",
                at: position, help: "Separate the number from the following word with a space.")
        }
        let text = String(decoding: bytes[begin..<index], as: UTF8.self)
        return Token(kind: isDecimal ? .decimal(text) : .integer(text), position: start)
    }

    private mutating func quoted(_ quote: UInt8, start: SourcePosition, what: String) throws(SQLError) -> String {
        advance()
        var value: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw SQLError(
                    "unterminated \(what): expected a closing quote", at: start,
                    help: "Close it with \(quote == UInt8(ascii: "'") ? "'" : "\""); write a quote inside it twice.")
            }
            advance()
            if byte == quote {
                if peek() == quote {
                    value.append(quote)
                    advance()
                    continue
                }
                return String(decoding: value, as: UTF8.self)
            }
            value.append(byte)
        }
    }

    private static let twoCharacterSymbols: Set<String> = ["<>", "!=", "<=", ">=", "||", "::"]
    private static let oneCharacterSymbols: Set<UInt8> = Set("(),.;*+-/%=<>[]".utf8)

    private mutating func symbol(_ start: SourcePosition) throws(SQLError) -> Token {
        let byte = bytes[index]
        if let second = peek(1) {
            let pair = String(decoding: [byte, second], as: UTF8.self)
            if Self.twoCharacterSymbols.contains(pair) {
                advance()
                advance()
                return Token(kind: .symbol(pair), position: start)
            }
        }
        if Self.oneCharacterSymbols.contains(byte) {
            advance()
            return Token(kind: .symbol(String(UnicodeScalar(byte))), position: start)
        }
        let shown = String(decoding: bytes[index..<min(index + 4, bytes.count)], as: UTF8.self).first.map(String.init)
            ?? "?"
        throw SQLError("unexpected character '\(shown)'", at: start)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    private static func isIdentifierPart(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte) || byte == UInt8(ascii: "$")
    }
}
