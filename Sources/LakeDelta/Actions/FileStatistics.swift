import LakeColumnar

/// The per-file statistics of an `add` action, typed by the table schema.
///
/// Delta PROTOCOL.md "Per-file Statistics": `{"numRecords":N,"minValues":{…},"maxValues":{…},
/// "nullCount":{…}}`, nested objects following struct nesting. Minimums and maximums are
/// *bounds* (strings may be truncated, timestamps cut to milliseconds), never exact values
/// (SPEC.md §6.4). Values of the wrong type for their column are dropped, not reported.
public struct FileStatistics: Sendable, Equatable {
    /// The number of rows in the file, if recorded.
    public var numRecords: Int64?
    /// `false` when the bounds may be loose because of a deletion vector; `nil` means tight.
    public var tightBounds: Bool?
    /// Statistics per leaf column, keyed by the column's path from the root (`["a", "b"]` for `a.b`).
    public var columns: [[String]: ColumnStatistics]

    /// Creates statistics.
    public init(numRecords: Int64? = nil, tightBounds: Bool? = nil, columns: [[String]: ColumnStatistics] = [:]) {
        self.numRecords = numRecords
        self.tightBounds = tightBounds
        self.columns = columns
    }

    /// The statistics of the leaf column at `path`, or `nil`.
    public func column(_ path: String...) -> ColumnStatistics? { columns[path] }

    /// Parses a stats JSON string against `schema`; `nil` when the text is not a JSON object.
    public init?(json text: String, schema: Schema) {
        guard let value = try? JSONReader.parse(text), case .object = value else { return nil }
        self.init()
        numRecords = value["numRecords"]?.int64Value
        tightBounds = value["tightBounds"]?.boolValue
        let fields = schema.fields
        if let minimums = value["minValues"] {
            Self.collectBounds(minimums, fields: fields, path: []) { path, scalar in
                columns[path, default: ColumnStatistics()].min = scalar
            }
        }
        if let maximums = value["maxValues"] {
            Self.collectBounds(maximums, fields: fields, path: []) { path, scalar in
                columns[path, default: ColumnStatistics()].max = scalar
            }
        }
        if let nullCounts = value["nullCount"] {
            Self.collectNullCounts(nullCounts, fields: fields, path: []) { path, count in
                columns[path, default: ColumnStatistics()].nullCount = count
            }
        }
    }

    private static func collectBounds(
        _ object: JSONValue, fields: [Field], path: [String], _ record: ([String], ScalarValue) -> Void
    ) {
        guard case .object(let members) = object else { return }
        for (name, value) in members {
            guard let field = fields.first(where: { $0.name == name }) else { continue }
            let fieldPath = path + [name]
            if case .struct(let children) = field.type {
                collectBounds(value, fields: children, path: fieldPath, record)
            } else if let scalar = bound(value, type: field.type) {
                record(fieldPath, scalar)
            }
        }
    }

    private static func collectNullCounts(
        _ object: JSONValue, fields: [Field], path: [String], _ record: ([String], Int64) -> Void
    ) {
        guard case .object(let members) = object else { return }
        for (name, value) in members {
            guard let field = fields.first(where: { $0.name == name }) else { continue }
            let fieldPath = path + [name]
            if case .struct(let children) = field.type, case .object = value {
                collectNullCounts(value, fields: children, path: fieldPath, record)
            } else if let count = value.int64Value {
                record(fieldPath, count)
            }
        }
    }

    /// A min/max value as `type`, or `nil` when the JSON does not hold one.
    static func bound(_ value: JSONValue, type: DataType) -> ScalarValue? {
        switch (type, value) {
        case (.int8, .number(let text)), (.int16, .number(let text)), (.int32, .number(let text)),
            (.int64, .number(let text)):
            return Int64(text).map { .integer($0) }
        case (.float32, .number(let text)): return Float(text).map { .float32($0) }
        case (.float64, .number(let text)): return Double(text).map { .float($0) }
        case (.float32, .string(let text)), (.float64, .string(let text)):
            return PartitionValue.parse(text, as: type)
        case (.decimal(let precision, let scale), .number(let text)),
            (.decimal(let precision, let scale), .string(let text)):
            return DeltaValueText.parseDecimal(Substring(text), precision: precision, scale: scale).map {
                .decimal($0, scale: scale)
            }
        case (.date, .string(let text)): return DeltaValueText.parseDate(Substring(text)).map { .date($0) }
        case (.timestamp, .string(let text)):
            return DeltaValueText.parseTimestamp(Substring(text)).map { .timestamp($0) }
        case (.timestampNTZ, .string(let text)):
            return DeltaValueText.parseTimestamp(Substring(text), ignoringZone: true).map { .timestampNTZ($0) }
        case (.string, .string(let text)): return .string(text)
        default: return nil
        }
    }
}

/// The statistics of one leaf column in one file.
public struct ColumnStatistics: Sendable, Equatable {
    /// A lower bound of the non-null values, if recorded.
    public var min: ScalarValue?
    /// An upper bound of the non-null values, if recorded.
    public var max: ScalarValue?
    /// The number of null values, if recorded.
    public var nullCount: Int64?

    /// Creates column statistics.
    public init(min: ScalarValue? = nil, max: ScalarValue? = nil, nullCount: Int64? = nil) {
        self.min = min
        self.max = max
        self.nullCount = nullCount
    }
}
