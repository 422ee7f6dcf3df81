import Testing

@testable import LakeDelta

@Suite("JSON reader and writer")
struct JSONTests {
    @Test("keeps numbers as their exact text")
    func exactNumbers() throws {
        let value = try JSONReader.parse(
            #"[9223372036854775807, -9223372036854775808, 0.1, 1e-05, 12345678901234567890.123]"#)
        #expect(
            value
                == .array([
                    .number("9223372036854775807"), .number("-9223372036854775808"), .number("0.1"), .number("1e-05"),
                    .number("12345678901234567890.123"),
                ]))
        #expect(value.arrayValue?[0].int64Value == Int64.max)
        #expect(value.arrayValue?[1].int64Value == Int64.min)
        #expect(value.arrayValue?[2].int64Value == nil)
    }

    @Test("decodes every escape, including surrogate pairs")
    func escapes() throws {
        let value = try JSONReader.parse(#""a\"b\\c\/d\b\f\n\r\t\u00e9\u20AC\ud83d\ude00 ünï""#)
        #expect(value == .string("a\"b\\c/d\u{08}\u{0C}\n\r\té€😀 ünï"))
    }

    @Test("keeps object members in order, duplicates included; lookups take the last")
    func objects() throws {
        let value = try JSONReader.parse(#" { "b" : 1 , "a" : [ true , false , null ] , "b" : 2 } "#)
        guard case .object(let members) = value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.0) == ["b", "a", "b"])
        #expect(value["b"] == .number("2"))
        #expect(value["a"] == .array([.bool(true), .bool(false), .null]))
        #expect(value["missing"] == nil)
    }

    @Test(
        "rejects malformed text with the byte offset",
        arguments: [
            (#"{"a":1,}"#, 7, "expected a string key"),
            (#"[1 2]"#, 3, "expected ',' or ']'"),
            (#"01"#, 0, "leading zero"),
            (#"1."#, 2, "expected a digit after '.'"),
            (#"-"#, 1, "expected a digit"),
            (#""abc"#, 0, "unterminated string"),
            ("\"a\u{01}b\"", 2, "unescaped control character"),
            (#""\ud800x""#, 1, "unpaired surrogate"),
            (#""\udc00""#, 1, "unpaired surrogate"),
            (#""\q""#, 1, "invalid escape"),
            (#"{"a":1} x"#, 8, "unexpected text after"),
            (#"tru"#, 0, "invalid literal"),
            (#""#, 0, "unexpected end"),
            (#"{"a" 1}"#, 5, "expected ':'"),
        ])
    func rejectsMalformed(text: String, offset: Int, reason: String) {
        do {
            _ = try JSONReader.parse(text)
            Issue.record("parsed \(text)")
        } catch {
            #expect(error.offset == offset, "\(text): \(error)")
            #expect(error.reason.contains(reason), "\(text): \(error)")
        }
    }

    @Test("rejects invalid UTF-8 inside strings")
    func invalidUTF8() {
        #expect(throws: JSONError.self) { try JSONReader.parse(bytes: [0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test("limits nesting depth")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONError.self) { try JSONReader.parse(deep) }
        let allowed = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try JSONReader.parse(allowed, maxDepth: 100) }
        #expect(throws: JSONError.self) { try JSONReader.parse(allowed, maxDepth: 99) }
    }

    @Test("writes compact JSON that reads back to the same value")
    func writerRoundTrip() throws {
        let value = JSONValue.object([
            ("text", .string("quote \" backslash \\ slash / newline \n tab \t bell \u{07} é 😀")),
            ("numbers", .array([.number("-0.5"), .number("1E+20"), .integer(Int64.max)])),
            ("flags", .array([.bool(true), .bool(false), .null])),
            ("empty", .object([])),
        ])
        let text = JSONWriter.encode(value)
        #expect(
            text
                == #"{"text":"quote \" backslash \\ slash / newline \n tab \t bell \u0007 é 😀","numbers":[-0.5,1E+20,9223372036854775807],"flags":[true,false,null],"empty":{}}"#
        )
        #expect(try JSONReader.parse(text) == value)
    }
}
