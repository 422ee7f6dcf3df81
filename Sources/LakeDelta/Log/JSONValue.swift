/// A parsed JSON value that keeps numbers as their exact text and objects in their written order.
///
/// The Delta log holds 64-bit versions, sizes and timestamps, decimals in statistics and
/// arbitrary provenance in `commitInfo`; keeping the number text means nothing is rounded through
/// `Double` and a value re-encodes exactly as it was read. Parse with ``JSONReader``, write with
/// ``JSONWriter``.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number as written, e.g. `-12`, `0.49`, `1e-05`; validated against the JSON grammar.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in written order. Duplicate keys are kept; lookups take the last one.
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let left), .bool(let right)): left == right
        case (.number(let left), .number(let right)): left == right
        case (.string(let left), .string(let right)): left == right
        case (.array(let left), .array(let right)): left == right
        case (.object(let left), .object(let right)):
            left.count == right.count && zip(left, right).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// A number from an integer, written in decimal.
    public static func integer<Integer: BinaryInteger>(_ value: Integer) -> JSONValue { .number(String(value)) }

    /// The member named `key` (the last one when the key repeats), or `nil` when absent or not an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for index in members.indices.reversed() where members[index].0 == key { return members[index].1 }
        return nil
    }

    /// Whether this is ``null``.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The text of a string, or `nil`.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The flag of a boolean, or `nil`.
    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The value of an integer number that fits `Int64` exactly, or `nil`.
    ///
    /// `12` and `-3` convert; `1.5`, `1e3` and out-of-range numbers do not.
    public var int64Value: Int64? {
        if case .number(let text) = self { return Int64(text) }
        return nil
    }

    /// A number as the nearest `Double`, or `nil`. Lossy for large integers; use ``int64Value`` for those.
    public var doubleValue: Double? {
        if case .number(let text) = self { return Double(text) }
        return nil
    }

    /// The elements of an array, or `nil`.
    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The members of an object, or `nil`.
    public var objectMembers: [(String, JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }
}

extension JSONValue: CustomStringConvertible {
    /// The value as compact JSON text (``JSONWriter``).
    public var description: String { JSONWriter.encode(self) }
}
