import LakeColumnar

/// A Delta table schema: the parsed `metaData.schemaString`, with each field's metadata kept.
///
/// Delta PROTOCOL.md "Schema Serialization Format": Spark-style struct JSON,
/// `{"type":"struct","fields":[{"name":…,"type":…,"nullable":…,"metadata":{…}}]}`. ``schema``
/// converts to lake types (SPEC.md §3); ``init(_:)`` converts back; ``jsonString`` writes the
/// `schemaString`.
public struct DeltaSchema: Sendable, Equatable {
    /// The top-level fields, in order.
    public var fields: [DeltaField]

    /// Creates a schema from its fields.
    public init(fields: [DeltaField]) {
        self.fields = fields
    }

    /// Parses a `schemaString`.
    ///
    /// - Parameter table: the table named in errors.
    /// - Throws: ``DeltaError/invalidSchema(table:reason:)`` for malformed JSON, a non-struct
    ///   root, a missing member, or a type lake does not know.
    public init(parsing schemaString: String, table: String = "schemaString") throws(DeltaError) {
        let json: JSONValue
        do {
            json = try JSONReader.parse(schemaString)
        } catch {
            throw .invalidSchema(table: table, reason: "schemaString is not valid JSON: \(error)")
        }
        do throws(ActionDecodingError) {
            guard case .struct(let fields) = try DeltaType(json: json, column: "") else {
                throw ActionDecodingError(reason: "the schema is not a struct")
            }
            self.init(fields: fields)
        } catch {
            throw .invalidSchema(table: table, reason: error.reason)
        }
    }

    /// Converts a lake schema: every field nullable as declared, with empty metadata.
    ///
    /// - Throws: ``DeltaError/invalidSchema(table:reason:)`` for a type Delta cannot hold (`TIME`).
    public init(_ schema: Schema) throws(DeltaError) {
        do throws(ActionDecodingError) {
            self.init(fields: try schema.fields.map { field throws(ActionDecodingError) in try DeltaField(field) })
        } catch {
            throw .invalidSchema(table: "schema", reason: error.reason)
        }
    }

    /// The schema in lake types. `void` columns become nullable `STRING` columns that are always
    /// null (lake has no null type; SPEC.md §6.6).
    public var schema: Schema { Schema(fields.map(\.lakeField)) }

    /// The field named exactly `name`, or `nil`.
    public func field(named name: String) -> DeltaField? { fields.first { $0.name == name } }

    /// The schema as compact struct JSON: the value of `metaData.schemaString`.
    public var jsonString: String { JSONWriter.encode(DeltaType.struct(fields).json) }
}

/// One field of a Delta struct type.
public struct DeltaField: Sendable, Equatable {
    /// The column name, case kept.
    public var name: String
    /// The Delta type.
    public var type: DeltaType
    /// Whether the column may hold nulls.
    public var nullable: Bool
    /// The field's metadata object as written (`delta.invariants`, `delta.columnMapping.*`, comments…).
    public var metadata: [(String, JSONValue)]

    /// Creates a field.
    public init(name: String, type: DeltaType, nullable: Bool = true, metadata: [(String, JSONValue)] = []) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.metadata = metadata
    }

    public static func == (lhs: DeltaField, rhs: DeltaField) -> Bool {
        lhs.name == rhs.name && lhs.type == rhs.type && lhs.nullable == rhs.nullable
            && JSONValue.object(lhs.metadata) == JSONValue.object(rhs.metadata)
    }

    /// The field in lake types.
    public var lakeField: Field { Field(name, type.lakeType, isNullable: nullable || type == .void) }

    init(_ field: Field) throws(ActionDecodingError) {
        self.init(name: field.name, type: try DeltaType(field.type, column: field.name), nullable: field.isNullable)
    }

    var json: JSONValue {
        .object([
            ("name", .string(name)), ("type", type.json), ("nullable", .bool(nullable)),
            ("metadata", .object(metadata)),
        ])
    }
}

/// A Delta data type (PROTOCOL.md "Primitive Types" and the nested `struct`, `array`, `map`).
public indirect enum DeltaType: Sendable, Equatable {
    case string, long, integer, short, byte, float, double, boolean, binary, date, timestamp
    /// `timestamp_ntz` (reader feature `timestampNtz`).
    case timestampNTZ
    /// `void`: a column that is always null and never stored in data files.
    case void
    /// `decimal(p,s)`, precision ≤ 38.
    case decimal(precision: Int, scale: Int)
    case `struct`([DeltaField])
    case array(element: DeltaType, containsNull: Bool)
    case map(key: DeltaType, value: DeltaType, valueContainsNull: Bool)

    /// The type in lake terms (SPEC.md §3).
    public var lakeType: DataType {
        switch self {
        case .string, .void: .string
        case .long: .int64
        case .integer: .int32
        case .short: .int16
        case .byte: .int8
        case .float: .float32
        case .double: .float64
        case .boolean: .boolean
        case .binary: .binary
        case .date: .date
        case .timestamp: .timestamp
        case .timestampNTZ: .timestampNTZ
        case .decimal(let precision, let scale): .decimal(precision: precision, scale: scale)
        case .struct(let fields): .struct(fields.map(\.lakeField))
        case .array(let element, let containsNull): .list(Field("element", element.lakeType, isNullable: containsNull))
        case .map(let key, let value, let valueContainsNull):
            .map(
                key: Field("key", key.lakeType, isNullable: false),
                value: Field("value", value.lakeType, isNullable: valueContainsNull))
        }
    }

    /// The type's name in a schemaString: `long`, `decimal(10,2)`, `struct`, …
    public var name: String {
        switch self {
        case .string: "string"
        case .long: "long"
        case .integer: "integer"
        case .short: "short"
        case .byte: "byte"
        case .float: "float"
        case .double: "double"
        case .boolean: "boolean"
        case .binary: "binary"
        case .date: "date"
        case .timestamp: "timestamp"
        case .timestampNTZ: "timestamp_ntz"
        case .void: "void"
        case .decimal(let precision, let scale): "decimal(\(precision),\(scale))"
        case .struct: "struct"
        case .array: "array"
        case .map: "map"
        }
    }

    /// Whether this type or a nested one is `timestamp_ntz`.
    public var containsTimestampNTZ: Bool {
        switch self {
        case .timestampNTZ: true
        case .struct(let fields): fields.contains { $0.type.containsTimestampNTZ }
        case .array(let element, _): element.containsTimestampNTZ
        case .map(let key, let value, _): key.containsTimestampNTZ || value.containsTimestampNTZ
        default: false
        }
    }

    var json: JSONValue {
        switch self {
        case .struct(let fields): .object([("type", .string("struct")), ("fields", .array(fields.map(\.json)))])
        case .array(let element, let containsNull):
            .object([("type", .string("array")), ("elementType", element.json), ("containsNull", .bool(containsNull))])
        case .map(let key, let value, let valueContainsNull):
            .object([
                ("type", .string("map")), ("keyType", key.json), ("valueType", value.json),
                ("valueContainsNull", .bool(valueContainsNull)),
            ])
        default: .string(name)
        }
    }

    init(json: JSONValue, column: String) throws(ActionDecodingError) {
        let place = column.isEmpty ? "the schema" : "column '\(column)'"
        switch json {
        case .string(let name):
            self = try Self.primitive(named: name, place: place)
        case .object:
            let fields = try ActionFields(action: column.isEmpty ? "schema" : column, value: json)
            let kind = try fields.string("type")
            switch kind {
            case "struct":
                guard case .array(let items) = fields.value("fields") ?? .array([]) else {
                    throw ActionDecodingError(reason: "the fields of \(place) are not an array")
                }
                var result: [DeltaField] = []
                var seen = Set<String>()
                for item in items {
                    let member = try ActionFields(action: "field of \(place)", value: item)
                    let name = try member.string("name")
                    let path = column.isEmpty ? name : column + "." + name
                    guard seen.insert(name.lowercased()).inserted else {
                        throw ActionDecodingError(reason: "column '\(path)' appears twice (names are case-insensitive)")
                    }
                    guard let typeJSON = member.value("type") else {
                        throw ActionDecodingError(reason: "column '\(path)' has no type")
                    }
                    let metadata = try member.object("metadata")?.objectMembers ?? []
                    result.append(
                        DeltaField(
                            name: name, type: try DeltaType(json: typeJSON, column: path),
                            nullable: try member.optionalBool("nullable") ?? true, metadata: metadata))
                }
                self = .struct(result)
            case "array":
                guard let element = fields.value("elementType") else {
                    throw ActionDecodingError(reason: "the array type of \(place) has no elementType")
                }
                self = .array(
                    element: try DeltaType(json: element, column: column + ".element"),
                    containsNull: try fields.optionalBool("containsNull") ?? true)
            case "map":
                guard let key = fields.value("keyType"), let value = fields.value("valueType") else {
                    throw ActionDecodingError(reason: "the map type of \(place) needs keyType and valueType")
                }
                self = .map(
                    key: try DeltaType(json: key, column: column + ".key"),
                    value: try DeltaType(json: value, column: column + ".value"),
                    valueContainsNull: try fields.optionalBool("valueContainsNull") ?? true)
            default:
                self = try Self.primitive(named: kind, place: place)
            }
        default:
            throw ActionDecodingError(reason: "the type of \(place) is neither a name nor an object")
        }
    }

    static func primitive(named name: String, place: String) throws(ActionDecodingError) -> DeltaType {
        switch name {
        case "string": return .string
        case "long": return .long
        case "integer": return .integer
        case "short": return .short
        case "byte": return .byte
        case "float": return .float
        case "double": return .double
        case "boolean": return .boolean
        case "binary": return .binary
        case "date": return .date
        case "timestamp": return .timestamp
        case "timestamp_ntz": return .timestampNTZ
        case "void": return .void
        case "decimal": return .decimal(precision: 10, scale: 0)
        default:
            if name.hasPrefix("decimal(") && name.hasSuffix(")") {
                let inner = name.dropFirst(8).dropLast().split(separator: ",", omittingEmptySubsequences: false)
                if inner.count == 2,
                    let precision = Int(inner[0].trimmingSpaces), let scale = Int(inner[1].trimmingSpaces),
                    precision >= 1, precision <= DataType.maxDecimalPrecision, scale >= 0, scale <= precision
                {
                    return .decimal(precision: precision, scale: scale)
                }
                throw ActionDecodingError(reason: "\(place) has an invalid decimal type '\(name)' (precision 1…38)")
            }
            throw ActionDecodingError(reason: "\(place) has type '\(name)', which lake does not support")
        }
    }

    init(_ type: DataType, column: String) throws(ActionDecodingError) {
        switch type {
        case .boolean: self = .boolean
        case .int8: self = .byte
        case .int16: self = .short
        case .int32: self = .integer
        case .int64: self = .long
        case .float32: self = .float
        case .float64: self = .double
        case .decimal(let precision, let scale): self = .decimal(precision: precision, scale: scale)
        case .string: self = .string
        case .binary: self = .binary
        case .date: self = .date
        case .timestamp: self = .timestamp
        case .timestampNTZ: self = .timestampNTZ
        case .time:
            throw ActionDecodingError(reason: "column '\(column)' has type TIME, which Delta tables cannot hold")
        case .struct(let fields):
            self = .struct(
                try fields.map { field throws(ActionDecodingError) in
                    DeltaField(
                        name: field.name, type: try DeltaType(field.type, column: column + "." + field.name),
                        nullable: field.isNullable)
                })
        case .list(let element):
            self = .array(
                element: try DeltaType(element.type, column: column + ".element"), containsNull: element.isNullable)
        case .map(let key, let value):
            self = .map(
                key: try DeltaType(key.type, column: column + ".key"),
                value: try DeltaType(value.type, column: column + ".value"), valueContainsNull: value.isNullable)
        }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
