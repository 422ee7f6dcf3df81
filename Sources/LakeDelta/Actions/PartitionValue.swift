import LakeColumnar

/// Delta's text serialisation of partition values (PROTOCOL.md "Partition Value Serialization").
///
/// The rules, and where lake chooses between what writers do, are in SPEC.md §6.3.
public enum PartitionValue {
    /// Parses a serialised partition value as `type`.
    ///
    /// `nil` (JSON null or a missing entry) and the empty string are null for every type.
    /// - Returns: the typed value, ``ScalarValue/null``, or `nil` when the text is not a valid
    ///   value of `type` (or `type` cannot be a partition column).
    public static func parse(_ text: String?, as type: DataType) -> ScalarValue? {
        guard let text, !text.isEmpty else { return .null }
        let value = Substring(text)
        switch type {
        case .string: return .string(text)
        case .binary: return .binary(Array(text.utf8))
        case .boolean:
            switch text.lowercased() {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            default: return nil
            }
        case .int8: return integer(text, in: Int64(Int8.min)...Int64(Int8.max))
        case .int16: return integer(text, in: Int64(Int16.min)...Int64(Int16.max))
        case .int32: return integer(text, in: Int64(Int32.min)...Int64(Int32.max))
        case .int64: return integer(text, in: Int64.min...Int64.max)
        case .float32: return floatingText(text).flatMap { Float($0) }.map { .float32($0) }
        case .float64: return floatingText(text).flatMap { Double($0) }.map { .float($0) }
        case .decimal(let precision, let scale):
            return DeltaValueText.parseDecimal(value, precision: precision, scale: scale).map {
                .decimal($0, scale: scale)
            }
        case .date: return DeltaValueText.parseDate(value).map { .date($0) }
        case .timestamp: return DeltaValueText.parseTimestamp(value).map { .timestamp($0) }
        case .timestampNTZ: return DeltaValueText.parseTimestamp(value, ignoringZone: true).map { .timestampNTZ($0) }
        case .time, .struct, .list, .map: return nil
        }
    }

    /// Serialises a value the way lake writes partition values; `nil` for null.
    ///
    /// Integers and decimals in plain decimal text, floats as their shortest text (`1.0`, `NaN`,
    /// `Infinity`), booleans `true`/`false`, dates `YYYY-MM-DD`, timestamps ISO 8601 in UTC with
    /// six fraction digits and `Z` (`2024-01-05T10:00:00.000000Z`), timestamp_ntz
    /// `YYYY-MM-DD HH:MM:SS[.ffffff]`, strings as they are, binary as its bytes read as UTF-8.
    /// Nested values and times cannot be partition values and give `nil`.
    public static func serialize(_ value: ScalarValue) -> String? {
        switch value {
        case .null: return nil
        case .boolean(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .float32(let number): return floatText(number.isNaN, number.isInfinite, number < 0, number.description)
        case .float(let number): return floatText(number.isNaN, number.isInfinite, number < 0, number.description)
        case .decimal(let unscaled, let scale): return ValueFormatting.decimal(unscaled, scale: scale)
        case .string(let text): return text
        case .binary(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .date(let days): return ValueFormatting.date(Int64(days))
        case .timestamp(let micros): return ValueFormatting.timestamp(micros, utc: true)
        case .timestampNTZ(let micros):
            var text = ValueFormatting.timestamp(micros, utc: false, separator: " ")
            if text.hasSuffix(".000000") { text.removeLast(7) }
            return text
        case .time, .list, .struct, .map: return nil
        }
    }

    private static func integer(_ text: String, in range: ClosedRange<Int64>) -> ScalarValue? {
        guard let number = Int64(text), range.contains(number) else { return nil }
        return .integer(number)
    }

    /// Maps Java's `NaN`/`Infinity` spellings to Swift's; leaves other text alone.
    private static func floatingText(_ text: String) -> String? {
        switch text {
        case "NaN": "nan"
        case "Infinity", "+Infinity": "inf"
        case "-Infinity": "-inf"
        default: text
        }
    }

    private static func floatText(_ isNaN: Bool, _ isInfinite: Bool, _ isNegative: Bool, _ text: String) -> String {
        if isNaN { return "NaN" }
        if isInfinite { return isNegative ? "-Infinity" : "Infinity" }
        return text
    }
}
