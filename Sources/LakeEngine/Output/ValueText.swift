import LakeColumnar

/// How single values are spelled in text output (SPEC.md §2, value text).
///
/// - Floats: the shortest text that reads back to the same value (`0.1`, `1e-05`), `NaN`,
///   `Infinity`, `-Infinity`; in JSON the three specials are strings.
/// - Dates `YYYY-MM-DD`; timestamps ISO 8601 with `T` (a space in tables), fraction digits only when
///   non-zero, and `Z` for UTC instants; times `HH:MM:SS[.ffffff]`.
/// - Decimals in plain notation with exactly `scale` fraction digits (JSON numbers).
/// - Binary as lowercase hex. Nested values as JSON (in CSV and tables too).
enum ValueText {
    /// The text of a non-null scalar in CSV, tables, markdown and line output.
    static func plain(_ value: ScalarValue, tableStyle: Bool = false) -> String? {
        switch value {
        case .null: return nil
        case .boolean(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .float(let number): return float(number)
        case .float32(let number): return number.isFinite ? number.description : float(Double(number))
        case .decimal(let unscaled, let scale): return ValueFormatting.decimal(unscaled, scale: scale)
        case .string(let text): return text
        case .binary(let bytes): return hex(bytes)
        case .date(let days): return ValueFormatting.date(Int64(days))
        case .timestamp(let micros): return timestamp(micros, utc: true, separator: tableStyle ? " " : "T")
        case .timestampNTZ(let micros): return timestamp(micros, utc: false, separator: tableStyle ? " " : "T")
        case .time(let micros): return trimmedFraction(ValueFormatting.time(micros))
        case .list, .struct, .map: return json(value, fields: nil)
        }
    }

    static func float(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        return number.description
    }

    static func timestamp(_ micros: Int64, utc: Bool, separator: String) -> String {
        let text = ValueFormatting.timestamp(micros, utc: false, separator: separator)
        return trimmedFraction(text) + (utc ? "Z" : "")
    }

    /// Drops `.000000` and trailing fraction zeros: `10:00:00.500000` → `10:00:00.5`.
    static func trimmedFraction(_ text: String) -> String {
        guard let dot = text.lastIndex(of: ".") else { return text }
        var end = text.endIndex
        while end > dot, text[text.index(before: end)] == "0" { end = text.index(before: end) }
        if text.index(before: end) == dot { end = dot }
        return String(text[..<end])
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The JSON text of a value. `fields` names a struct's members (from its type).
    static func json(_ value: ScalarValue, fields: [Field]?, type: DataType? = nil) -> String {
        switch value {
        case .null: return "null"
        case .boolean(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .float(let number): return number.isFinite ? number.description : quoted(float(number))
        case .float32(let number): return number.isFinite ? number.description : quoted(float(Double(number)))
        case .decimal(let unscaled, let scale): return ValueFormatting.decimal(unscaled, scale: scale)
        case .string(let text): return quoted(text)
        case .binary, .date, .timestamp, .timestampNTZ, .time: return quoted(plain(value) ?? "")
        case .list(let elements):
            var elementType: DataType?
            if case .list(let element) = type { elementType = element.type }
            return "[" + elements.map { json($0, fields: nil, type: elementType) }.joined(separator: ",") + "]"
        case .struct(let members):
            var names: [Field] = fields ?? []
            if case .struct(let typeFields) = type { names = typeFields }
            var parts: [String] = []
            for (index, member) in members.enumerated() {
                let field = index < names.count ? names[index] : Field("f\(index)", .string)
                parts.append(quoted(field.name) + ":" + json(member, fields: nil, type: field.type))
            }
            return "{" + parts.joined(separator: ",") + "}"
        case .map(let keys, let values):
            var valueType: DataType?
            if case .map(_, let value) = type { valueType = value.type }
            var parts: [String] = []
            for (key, entry) in zip(keys, values) {
                let keyText: String
                if case .string(let text) = key { keyText = text } else { keyText = plain(key) ?? "null" }
                parts.append(quoted(keyText) + ":" + json(entry, fields: nil, type: valueType))
            }
            return "{" + parts.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal, escaping quotes, backslashes and control characters.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hexText = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hexText.count) + hexText
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
