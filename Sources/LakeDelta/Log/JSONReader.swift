/// A defect in JSON text: what is wrong and the byte offset where it was found.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The byte offset from the start of the parsed text.
    public var offset: Int
    /// What is wrong, e.g. `expected ':' after an object key`.
    public var reason: String

    /// Creates an error at `offset`.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(reason) (byte \(offset))" }
}

/// A strict RFC 8259 JSON parser that keeps numbers exact (``JSONValue``).
///
/// Works on UTF-8 bytes without Foundation: strings without escapes are copied in one step, escapes
/// (including `\u` surrogate pairs) are decoded, and invalid UTF-8, control characters, lone
/// surrogates, trailing garbage and nesting deeper than ``maxDepth`` are errors with a byte offset.
///
/// ```swift
/// let value = try JSONReader.parse(#"{"add":{"size":3068}}"#)
/// value["add"]?["size"]?.int64Value  // 3068
/// ```
public enum JSONReader {
    /// The deepest nesting of arrays and objects accepted by default.
    public static let maxDepth = 512

    /// Parses one JSON text.
    public static func parse(_ text: String, maxDepth: Int = maxDepth) throws(JSONError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(JSONError) in try parse(bytes, maxDepth: maxDepth) }
        }
        return try result.get()
    }

    /// Parses one JSON text held in `bytes` (surrounding whitespace allowed).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = maxDepth) throws(JSONError)
        -> JSONValue
    {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return value
    }

    /// Parses one JSON text held in `bytes`.
    public static func parse(bytes: [UInt8], maxDepth: Int = maxDepth) throws(JSONError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONError) in try parse(buffer, maxDepth: maxDepth) }
    }
}

/// The recursive-descent parser behind ``JSONReader``.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var index = 0
    var depth = 0
    /// Reused for strings with escapes.
    var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    @inline(never)
    func failure(_ reason: String, at offset: Int? = nil) -> JSONError {
        JSONError(offset: offset ?? index, reason: reason)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index &+= 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(JSONError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw failure("unexpected end of JSON text") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("unexpected character \(Self.describe(bytes[index]))")
        }
    }

    static func describe(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    mutating func expectLiteral(_ word: StaticString) throws(JSONError) {
        let count = word.utf8CodeUnitCount
        let start = word.utf8Start
        guard bytes.count - index >= count else { throw failure("invalid literal (expected '\(word)')") }
        for offset in 0..<count where bytes[index &+ offset] != start[offset] {
            throw failure("invalid literal (expected '\(word)')")
        }
        index &+= count
    }

    mutating func enter() throws(JSONError) {
        depth &+= 1
        if depth > maxDepth { throw failure("nesting deeper than \(maxDepth) levels") }
    }

    mutating func parseObject() throws(JSONError) -> JSONValue {
        try enter()
        index &+= 1
        var members: [(String, JSONValue)] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index &+= 1
            depth &-= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of JSON text inside an object") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw failure("expected a string key, found \(Self.describe(bytes[index]))")
            }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw failure("expected ':' after the key \"\(key)\"")
            }
            index &+= 1
            let value = try parseValue()
            members.append((key, value))
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of JSON text inside an object") }
            switch bytes[index] {
            case UInt8(ascii: ","): index &+= 1
            case UInt8(ascii: "}"):
                index &+= 1
                depth &-= 1
                return .object(members)
            default: throw failure("expected ',' or '}' in an object, found \(Self.describe(bytes[index]))")
            }
        }
    }

    mutating func parseArray() throws(JSONError) -> JSONValue {
        try enter()
        index &+= 1
        var items: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index &+= 1
            depth &-= 1
            return .array(items)
        }
        while true {
            items.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of JSON text inside an array") }
            switch bytes[index] {
            case UInt8(ascii: ","): index &+= 1
            case UInt8(ascii: "]"):
                index &+= 1
                depth &-= 1
                return .array(items)
            default: throw failure("expected ',' or ']' in an array, found \(Self.describe(bytes[index]))")
            }
        }
    }

    /// Parses `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` and returns its text.
    mutating func parseNumber() throws(JSONError) -> String {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index &+= 1 }
        guard index < bytes.count, Self.isDigit(bytes[index]) else { throw failure("invalid number: expected a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            index &+= 1
            if index < bytes.count, Self.isDigit(bytes[index]) {
                throw failure("invalid number: leading zero", at: start)
            }
        } else {
            while index < bytes.count, Self.isDigit(bytes[index]) { index &+= 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index &+= 1
            guard index < bytes.count, Self.isDigit(bytes[index]) else {
                throw failure("invalid number: expected a digit after '.'")
            }
            while index < bytes.count, Self.isDigit(bytes[index]) { index &+= 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index &+= 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index &+= 1
            }
            guard index < bytes.count, Self.isDigit(bytes[index]) else {
                throw failure("invalid number: expected a digit in the exponent")
            }
            while index < bytes.count, Self.isDigit(bytes[index]) { index &+= 1 }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// Parses a string starting at its opening quote.
    mutating func parseString() throws(JSONError) -> String {
        let quote = index
        index &+= 1
        let start = index
        // Fast path: no escapes, so the bytes are the string.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = try makeString(UnsafeBufferPointer(rebasing: bytes[start..<index]), at: start)
                index &+= 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw failure("unescaped control character in a string") }
            index &+= 1
        }
        guard index < bytes.count else { throw failure("unterminated string", at: quote) }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index &+= 1
                return try scratch.withUnsafeBufferPointer { buffer throws(JSONError) in
                    try makeString(buffer, at: start)
                }
            }
            if byte < 0x20 { throw failure("unescaped control character in a string") }
            if byte != UInt8(ascii: "\\") {
                scratch.append(byte)
                index &+= 1
                continue
            }
            let escapeStart = index
            index &+= 1
            guard index < bytes.count else { throw failure("unterminated string", at: quote) }
            let escape = bytes[index]
            index &+= 1
            switch escape {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index &+ 1] == UInt8(ascii: "u")
                    else { throw failure("unpaired surrogate in a \\u escape", at: escapeStart) }
                    index &+= 2
                    let low = try parseHex4()
                    guard low >= 0xDC00 && low < 0xE000 else {
                        throw failure("unpaired surrogate in a \\u escape", at: escapeStart)
                    }
                    scalar = 0x10000 &+ ((scalar &- 0xD800) &<< 10) &+ (low &- 0xDC00)
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw failure("unpaired surrogate in a \\u escape", at: escapeStart)
                }
                appendUTF8(scalar)
            default: throw failure("invalid escape '\\\(Character(Unicode.Scalar(escape)))'", at: escapeStart)
            }
        }
        throw failure("unterminated string", at: quote)
    }

    mutating func parseHex4() throws(JSONError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw failure("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte &- UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte &- UInt8(ascii: "a") &+ 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte &- UInt8(ascii: "A") &+ 10)
            default: throw failure("invalid hex digit in a \\u escape")
            }
            value = value &<< 4 | digit
            index &+= 1
        }
        return value
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80: scratch.append(UInt8(truncatingIfNeeded: scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(truncatingIfNeeded: 0xC0 | scalar >> 6))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(truncatingIfNeeded: 0xE0 | scalar >> 12))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(truncatingIfNeeded: 0xF0 | scalar >> 18))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F))
        }
    }

    func makeString(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONError) -> String {
        var isASCII = true
        for byte in utf8 where byte >= 0x80 {
            isASCII = false
            break
        }
        if isASCII { return String(decoding: utf8, as: UTF8.self) }
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw failure("invalid UTF-8 in a string", at: offset)
        }
        return text
    }
}
