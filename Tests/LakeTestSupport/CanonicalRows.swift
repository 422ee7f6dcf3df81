import LakeColumnar
import LakeDelta

/// The canonical row form of the Delta conformance dumps (`conformance/delta/MANIFEST.md`).
///
/// Each row is one JSON object written as Python's `json.dumps(row, sort_keys=True,
/// ensure_ascii=False)`: keys sorted, `", "` and `": "` separators. Values: integers and booleans
/// as JSON; floats as the string of Python's `repr` (`"0.1"`, `"1e-05"`, `"nan"`); decimals as
/// the string of Python's `str(Decimal)` (`"0E-10"` for a zero at scale 10); binary as
/// `"0x…"` lowercase hex; dates `YYYY-MM-DD`; timestamps ISO 8601 without an offset, with six
/// fraction digits only when non-zero; lists as arrays; structs as objects; maps as arrays of
/// `[key, value]` pairs.
package enum CanonicalRows {
    /// The canonical text of every row of `batches`.
    package static func lines(_ batches: [RecordBatch]) -> [String] {
        var lines: [String] = []
        for batch in batches {
            for row in 0..<batch.rowCount {
                let members = zip(batch.schema.fields, batch.columns).map { field, column in
                    (field.name, value(column.scalar(at: row), field.type))
                }
                lines.append(encode(.object(members)))
            }
        }
        return lines
    }

    /// A dump line re-encoded canonically (keys sorted, Python separators), or `nil` if it is not JSON.
    package static func canonicalize(_ line: String) -> String? {
        guard let value = JSONValue.parse(line) else { return nil }
        return encode(value)
    }

    /// The canonical JSON value of one lake value.
    package static func value(_ scalar: ScalarValue, _ type: DataType) -> JSONValue {
        switch scalar {
        case .null: return .null
        case .boolean(let flag): return .bool(flag)
        case .integer(let number): return .number(String(number))
        case .float32(let number): return .string(pythonRepr(Double(number)))
        case .float(let number): return .string(pythonRepr(number))
        case .decimal(let unscaled, let scale): return .string(pythonDecimal(unscaled, scale: scale))
        case .string(let text): return .string(text)
        case .binary(let bytes): return .string("0x" + hex(bytes))
        case .date(let days): return .string(ValueFormatting.date(Int64(days)))
        case .timestamp(let micros), .timestampNTZ(let micros): return .string(pythonTimestamp(micros))
        case .time(let micros): return .string(ValueFormatting.time(micros))
        case .list(let items):
            guard case .list(let element) = type else { return .null }
            return .array(items.map { value($0, element.type) })
        case .struct(let members):
            guard case .struct(let fields) = type else { return .null }
            return .object(zip(fields, members).map { ($0.name, value($1, $0.type)) })
        case .map(let keys, let values):
            guard case .map(let keyField, let valueField) = type else { return .null }
            return .array(zip(keys, values).map { .array([value($0, keyField.type), value($1, valueField.type)]) })
        }
    }

    /// Python's `json.dumps(value, sort_keys=True, ensure_ascii=False)`.
    package static func encode(_ value: JSONValue) -> String {
        var text = ""
        write(value, to: &text)
        return text
    }

    private static func write(_ value: JSONValue, to text: inout String) {
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .number(let number): text += number
        case .string(let string): writeString(string, to: &text)
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += ", " }
                write(item, to: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, member) in members.sorted(by: {
                Array($0.0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.0.unicodeScalars.map(\.value))
            }).enumerated() {
                if index > 0 { text += ", " }
                writeString(member.0, to: &text)
                text += ": "
                write(member.1, to: &text)
            }
            text += "}"
        }
    }

    private static func writeString(_ string: String, to text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            default:
                if scalar.value < 0x20 {
                    let digits = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }

    /// Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16.
    package static func pythonRepr(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        if number == 0 { return number.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description has the same shortest digits; only the layout differs.
        var text = Substring(number.magnitude.description)
        var exponent = 0
        if let marker = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: marker)...])!
            text = text[..<marker]
        }
        var digits = ""
        var pointPosition = text.count
        for (index, character) in text.enumerated() {
            if character == "." { pointPosition = index } else { digits.append(character) }
        }
        // value = 0.DIGITS × 10^decimalPoint after stripping leading zeros.
        var decimalPoint = pointPosition + exponent
        while digits.first == "0" {
            digits.removeFirst()
            decimalPoint -= 1
        }
        while digits.count > 1 && digits.last == "0" { digits.removeLast() }
        let sign = number < 0 ? "-" : ""
        if decimalPoint > 16 || decimalPoint <= -4 {
            let mantissa = digits.count > 1 ? String(digits.first!) + "." + digits.dropFirst() : digits
            let power = decimalPoint - 1
            let powerText = String(abs(power))
            return sign + mantissa + "e" + (power < 0 ? "-" : "+") + (powerText.count < 2 ? "0" : "") + powerText
        }
        if decimalPoint <= 0 {
            return sign + "0." + String(repeating: "0", count: -decimalPoint) + digits
        }
        if decimalPoint >= digits.count {
            return sign + digits + String(repeating: "0", count: decimalPoint - digits.count) + ".0"
        }
        let split = digits.index(digits.startIndex, offsetBy: decimalPoint)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// Python's `str(Decimal)` for a value with exponent `-scale`.
    package static func pythonDecimal(_ unscaled: Int128, scale: Int) -> String {
        let coefficient = String(unscaled.magnitude)
        let adjusted = -scale + coefficient.count - 1
        if adjusted >= -6 { return ValueFormatting.decimal(unscaled, scale: scale) }
        let sign = unscaled < 0 ? "-" : ""
        let mantissa =
            coefficient.count > 1 ? String(coefficient.first!) + "." + coefficient.dropFirst() : coefficient
        return sign + mantissa + "E" + String(adjusted)
    }

    /// Python's `datetime.isoformat()`: `YYYY-MM-DDTHH:MM:SS[.ffffff]`.
    package static func pythonTimestamp(_ micros: Int64) -> String {
        var text = ValueFormatting.timestamp(micros, utc: false)
        if text.hasSuffix(".000000") { text.removeLast(7) }
        return text
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}
