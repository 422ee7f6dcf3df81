import LakeColumnar

/// How an ingest may change an existing table's schema (SPEC.md §2.8).
public enum SchemaMode: String, Sendable, CaseIterable {
    /// The input must fit the table's schema.
    case strict
    /// Input columns the table lacks are added as nullable columns.
    case merge
    /// The input's schema replaces the table's (with `--mode overwrite` only).
    case overwrite
}

/// Deciding the columns of a text ingest: inference, `--schema`, and the table's schema.
public enum TextSchema {
    /// Parses `--schema`: `name type, name type, …` (types in SQL or lake spelling, e.g.
    /// `int64`, `bigint`, `decimal(10,2)`, `timestamp`, `string`).
    public static func parse(_ text: String) throws(IngestError) -> [Field] {
        var fields: [Field] = []
        var depth = 0
        var current = ""
        var parts: [String] = []
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == "," && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        for part in parts {
            let trimmed = part.trimmingSpaces
            if trimmed.isEmpty { continue }
            guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                throw .invalidSchema(text: text, reason: "'\(trimmed)' has no type")
            }
            let name = String(trimmed[..<space])
            let typeText = String(trimmed[space...]).trimmingSpaces
            guard let type = dataType(typeText) else {
                throw .invalidSchema(text: text, reason: "unknown type '\(typeText)' for column '\(name)'")
            }
            if fields.contains(where: { $0.name.lowercased() == name.lowercased() }) {
                throw .invalidSchema(text: text, reason: "column '\(name)' is given twice")
            }
            fields.append(Field(name, type))
        }
        guard !fields.isEmpty else { throw .invalidSchema(text: text, reason: "no columns") }
        return fields
    }

    /// A type name in SQL or lake spelling, any case.
    public static func dataType(_ text: String) -> DataType? {
        let lower = text.lowercased().replacingSpaces
        switch lower {
        case "boolean", "bool": return .boolean
        case "int8", "tinyint", "byte": return .int8
        case "int16", "smallint", "short": return .int16
        case "int32", "int", "integer": return .int32
        case "int64", "bigint", "long": return .int64
        case "float", "float32", "real": return .float32
        case "double", "float64": return .float64
        case "string", "varchar", "text", "utf8": return .string
        case "binary", "blob", "bytes": return .binary
        case "date": return .date
        case "timestamp", "timestamptz", "timestamp_ltz": return .timestamp
        case "timestamp_ntz": return .timestampNTZ
        case "time": return .time
        default: break
        }
        if lower.hasPrefix("decimal(") && lower.hasSuffix(")") {
            let inner = lower.dropFirst("decimal(".count).dropLast()
            let numbers = inner.split(separator: ",").map { Int($0) }
            guard numbers.count == 2, let precision = numbers[0], let scale = numbers[1], precision >= 1,
                precision <= DataType.maxDecimalPrecision, scale >= 0, scale <= precision
            else { return nil }
            return .decimal(precision: precision, scale: scale)
        }
        return nil
    }

    /// The inferred type of each named column, merged over inputs (first appearance order).
    public struct Inferred: Sendable {
        public var names: [String] = []
        var guesses: [TypeGuess] = []
        private var positions: [String: Int] = [:]

        public init() {}

        /// Adds what `reader`'s sample allows.
        public mutating func add(_ reader: TextFileReader) {
            let sampled = reader.sampleGuesses()
            for (name, guess) in zip(reader.columnNames, sampled) {
                let key = name.lowercased()
                if let index = positions[key] {
                    guesses[index].merge(guess)
                } else {
                    positions[key] = names.count
                    names.append(name)
                    guesses.append(guess)
                }
            }
        }

        /// The inferred type of each column, in order.
        public var fields: [Field] {
            zip(names, guesses).map { Field($0, $1.resolved) }
        }

        /// Whether the sample held a value of column `index`.
        func sawValues(_ index: Int) -> Bool { !guesses[index].isEmpty }
    }

    /// The columns to build: for a new table (or a replaced schema) the input's columns with
    /// `--schema` types over inferred ones; for an existing table its columns (and, with `merge`,
    /// the input's new ones, nullable, at the end).
    ///
    /// - Throws: ``IngestError/schemaMismatch(column:tableType:inputType:)`` when an input column's
    ///   type cannot be read as the table's; ``IngestError/newColumns(names:table:)`` for input
    ///   columns the table lacks without `merge`; ``IngestError/unknownColumn(name:option:available:)``
    ///   for a `--schema` column the input lacks (with a header or JSON keys).
    public static func resolve(
        inferred: Inferred, declared: [Field], table: Schema?, mode: SchemaMode, tableName: String,
        positional: Bool
    ) throws(IngestError) -> [Field] {
        var input = inferred.fields
        let sampled = inferred.names.indices.map { inferred.sawValues($0) }
        var explicit = [Bool](repeating: false, count: input.count)
        for (position, field) in declared.enumerated() {
            if positional && position < input.count {
                // Without a header, --schema names the columns in order.
                input[position] = field
                explicit[position] = true
            } else if let index = input.firstIndex(where: { $0.name.lowercased() == field.name.lowercased() }) {
                input[index].type = field.type
                explicit[index] = true
            } else if positional || input.isEmpty {
                input.append(field)
                explicit.append(true)
            } else {
                throw .unknownColumn(name: field.name, option: "--schema", available: input.map(\.name))
            }
        }
        guard let table, mode != .overwrite else { return input }
        if positional {
            // Without a header, the input's columns are the table's, in order.
            for index in input.indices where index < table.count && !explicit[index] {
                input[index].name = table.fields[index].name
            }
        }
        var result = table.fields
        var added: [String] = []
        var tableFields: [String: Field] = [:]
        for field in table.fields { tableFields[field.name.lowercased()] = field }
        for (index, field) in input.enumerated() {
            if let existing = tableFields[field.name.lowercased()] {
                let readable =
                    explicit[index] ? field.type == existing.type
                    : (index >= sampled.count || !sampled[index] || canRead(field.type, as: existing.type))
                if !readable {
                    throw .schemaMismatch(column: existing.name, tableType: existing.type, inputType: field.type)
                }
            } else if mode == .merge {
                result.append(Field(field.name, field.type, isNullable: true))
            } else {
                added.append(field.name)
            }
        }
        if !added.isEmpty { throw .newColumns(names: added, table: tableName) }
        return result
    }

    /// Whether text whose sample inferred `inferred` can be read as `target`.
    static func canRead(_ inferred: DataType, as target: DataType) -> Bool {
        if inferred == target || target == .string { return true }
        switch (inferred, target) {
        case (.int64, .int8), (.int64, .int16), (.int64, .int32), (.int64, .decimal), (.int64, .float32),
            (.int64, .float64):
            return true
        case (.decimal, .decimal), (.decimal, .float32), (.decimal, .float64), (.float64, .float32): return true
        case (.date, .timestamp), (.date, .timestampNTZ), (.timestamp, .timestampNTZ): return true
        case (.boolean, .boolean): return true
        default: return false
        }
    }
}

extension String {
    var replacingSpaces: String { String(filter { $0 != " " && $0 != "\t" }) }
}
