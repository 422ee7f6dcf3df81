/// Why an action in the log could not be decoded, e.g. `add.size is missing`.
///
/// Decoders throw this; ``CommitFile`` and the checkpoint reader wrap it into
/// ``DeltaError/corruptLog(path:line:offset:reason:)`` with the file and line.
struct ActionDecodingError: Error, Equatable {
    var reason: String
}

/// Typed access to the members of one action object, with errors that name the field.
///
/// A member that is JSON `null` reads as absent: delta-rs writes every optional field, null or not.
struct ActionFields {
    let action: String
    let members: [(String, JSONValue)]

    init(action: String, value: JSONValue) throws(ActionDecodingError) {
        guard case .object(let members) = value else {
            throw ActionDecodingError(reason: "\(action) is not a JSON object")
        }
        self.action = action
        self.members = members
    }

    /// The member named `key`, or `nil` when it is missing or null.
    func value(_ key: String) -> JSONValue? {
        for index in members.indices.reversed() where members[index].0 == key {
            return members[index].1.isNull ? nil : members[index].1
        }
        return nil
    }

    @inline(never)
    func missing(_ key: String) -> ActionDecodingError {
        ActionDecodingError(reason: "\(action).\(key) is missing")
    }

    @inline(never)
    func wrongType(_ key: String, _ expected: String) -> ActionDecodingError {
        ActionDecodingError(reason: "\(action).\(key) is not \(expected)")
    }

    func string(_ key: String) throws(ActionDecodingError) -> String {
        guard let value = try optionalString(key) else { throw missing(key) }
        return value
    }

    func optionalString(_ key: String) throws(ActionDecodingError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw wrongType(key, "a string") }
        return text
    }

    func int64(_ key: String) throws(ActionDecodingError) -> Int64 {
        guard let value = try optionalInt64(key) else { throw missing(key) }
        return value
    }

    /// An integer; a string holding an integer is accepted too (some writers quote longs).
    func optionalInt64(_ key: String) throws(ActionDecodingError) -> Int64? {
        guard let value = value(key) else { return nil }
        switch value {
        case .number(let text), .string(let text):
            guard let number = Int64(text) else { throw wrongType(key, "a 64-bit integer") }
            return number
        default: throw wrongType(key, "a 64-bit integer")
        }
    }

    func int(_ key: String) throws(ActionDecodingError) -> Int {
        let value = try int64(key)
        guard let narrow = Int(exactly: value) else { throw wrongType(key, "an integer") }
        return narrow
    }

    func bool(_ key: String) throws(ActionDecodingError) -> Bool {
        guard let value = try optionalBool(key) else { throw missing(key) }
        return value
    }

    func optionalBool(_ key: String) throws(ActionDecodingError) -> Bool? {
        guard let value = value(key) else { return nil }
        switch value {
        case .bool(let flag): return flag
        case .string("true"): return true
        case .string("false"): return false
        default: throw wrongType(key, "a boolean")
        }
    }

    func stringArray(_ key: String) throws(ActionDecodingError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value else { throw wrongType(key, "an array of strings") }
        var result: [String] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard case .string(let text) = item else { throw wrongType(key, "an array of strings") }
            result.append(text)
        }
        return result
    }

    /// A string map whose values may be null: `partitionValues`, `tags`.
    ///
    /// Numbers and booleans are taken as their text; writers should not produce them, but the map
    /// is still unambiguous.
    func nullableStringMap(_ key: String) throws(ActionDecodingError) -> [String: String?]? {
        guard let value = value(key) else { return nil }
        guard case .object(let entries) = value else { throw wrongType(key, "an object of strings") }
        var result: [String: String?] = [:]
        result.reserveCapacity(entries.count)
        for (name, entry) in entries {
            switch entry {
            case .null: result[name] = .some(nil)
            case .string(let text), .number(let text): result[name] = .some(text)
            case .bool(let flag): result[name] = .some(flag ? "true" : "false")
            case .array, .object: throw wrongType(key, "an object of strings")
            }
        }
        return result
    }

    /// A string map without nulls: `configuration`, `format.options`. Null entries are dropped.
    func stringMap(_ key: String) throws(ActionDecodingError) -> [String: String]? {
        guard let map = try nullableStringMap(key) else { return nil }
        var result: [String: String] = [:]
        result.reserveCapacity(map.count)
        for (name, entry) in map {
            if let entry { result[name] = entry }
        }
        return result
    }

    func object(_ key: String) throws(ActionDecodingError) -> JSONValue? {
        guard let value = value(key) else { return nil }
        guard case .object = value else { throw wrongType(key, "an object") }
        return value
    }
}

/// Builds an action object member by member, skipping absent optionals.
struct ActionObjectBuilder {
    var members: [(String, JSONValue)] = []

    mutating func add(_ key: String, _ value: JSONValue) { members.append((key, value)) }
    mutating func add(_ key: String, _ value: String?) {
        if let value { members.append((key, .string(value))) }
    }
    mutating func add(_ key: String, _ value: Int64?) {
        if let value { members.append((key, .integer(value))) }
    }
    mutating func add(_ key: String, _ value: Int?) {
        if let value { members.append((key, .integer(value))) }
    }
    mutating func add(_ key: String, _ value: Bool?) {
        if let value { members.append((key, .bool(value))) }
    }
    mutating func add(_ key: String, _ value: [String]?) {
        if let value { members.append((key, .array(value.map { .string($0) }))) }
    }
    mutating func add(_ key: String, _ value: [String: String?]?) {
        if let value {
            members.append(
                (key, .object(value.keys.sorted().map { name in (name, value[name]!.map { .string($0) } ?? .null) })))
        }
    }
    mutating func add(_ key: String, _ value: [String: String]?) {
        if let value { members.append((key, .object(value.keys.sorted().map { ($0, .string(value[$0]!)) }))) }
    }

    var object: JSONValue { .object(members) }
}
