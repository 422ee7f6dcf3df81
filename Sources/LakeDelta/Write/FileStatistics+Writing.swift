import LakeColumnar
import LakeParquet

extension FileStatistics {
    /// The longest string prefix kept as a bound, in characters (Spark's
    /// `delta.dataSkippingStringPrefixLength`).
    public static let stringPrefixLength = 32

    /// The statistics lake records for a data file it wrote (SPEC.md §7.2), from the writer's
    /// per-column summary. `schema` is the file's schema (the table's data columns, without
    /// partition columns).
    ///
    /// Bounds are kept for the first `indexedColumns` leaf columns outside lists and maps:
    /// numbers, decimals, dates and timestamps exactly (timestamps widened to whole
    /// milliseconds: the minimum rounded down, the maximum up), strings cut to a 32-character
    /// prefix (the maximum then gets a tie-breaker character so it stays an upper bound).
    /// Booleans, binaries and floats whose bound is NaN or infinite get null counts only.
    public init(summary: ParquetFileSummary, schema: Schema, indexedColumns: Int = 32) {
        self.init(numRecords: Int64(summary.rowCount))
        var indexed = 0
        for column in summary.columns where !column.isRepeated {
            guard indexed < indexedColumns else { break }
            indexed += 1
            guard let type = Self.leafType(column.path, in: schema.fields) else { continue }
            var statistics = ColumnStatistics(nullCount: Int64(column.nullCount))
            statistics.min = column.min.flatMap { Self.lowerBound($0, type: type) }
            statistics.max = column.max.flatMap { Self.upperBound($0, type: type) }
            columns[column.path] = statistics
        }
    }

    /// The `stats` JSON of an `add` action: `numRecords`, then `minValues`, `maxValues` and
    /// `nullCount`, nested by struct, in schema order.
    public func json(schema: Schema) -> String {
        var members: [(String, JSONValue)] = []
        if let numRecords { members.append(("numRecords", .integer(numRecords))) }
        let minimums = Self.nested(schema.fields, path: []) { columns[$0]?.min.flatMap(Self.jsonBound) }
        let maximums = Self.nested(schema.fields, path: []) { columns[$0]?.max.flatMap(Self.jsonBound) }
        let nullCounts = Self.nested(schema.fields, path: []) { columns[$0]?.nullCount.map { .integer($0) } }
        members.append(("minValues", .object(minimums)))
        members.append(("maxValues", .object(maximums)))
        members.append(("nullCount", .object(nullCounts)))
        if let tightBounds { members.append(("tightBounds", .bool(tightBounds))) }
        return JSONWriter.encode(.object(members))
    }

    private static func nested(
        _ fields: [Field], path: [String], _ value: ([String]) -> JSONValue?
    ) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        for field in fields {
            let fieldPath = path + [field.name]
            if case .struct(let children) = field.type {
                let inner = nested(children, path: fieldPath, value)
                if !inner.isEmpty { members.append((field.name, .object(inner))) }
            } else if let leaf = value(fieldPath) {
                members.append((field.name, leaf))
            }
        }
        return members
    }

    /// The type of the leaf at `path` when it lies under structs only.
    private static func leafType(_ path: [String], in fields: [Field]) -> DataType? {
        guard let first = path.first, let field = fields.first(where: { $0.name == first }) else { return nil }
        if path.count == 1 { return field.type }
        guard case .struct(let children) = field.type else { return nil }
        return leafType(Array(path.dropFirst()), in: children)
    }

    private static func lowerBound(_ value: ScalarValue, type: DataType) -> ScalarValue? {
        switch value {
        case .string(let text):
            return .string(String(text.prefix(stringPrefixLength)))
        case .timestamp(let micros): return .timestamp(floorMillis(micros))
        case .timestampNTZ(let micros): return .timestampNTZ(floorMillis(micros))
        default: return finiteOrNil(value)
        }
    }

    private static func upperBound(_ value: ScalarValue, type: DataType) -> ScalarValue? {
        switch value {
        case .string(let text):
            guard text.count > stringPrefixLength else { return value }
            let prefix = text.prefix(stringPrefixLength)
            let next = text.unicodeScalars[prefix.unicodeScalars.endIndex]
            // Spark's tie-breaker: a character above everything that can follow the prefix.
            if next.value < 0x7F { return .string(String(prefix) + "\u{7F}") }
            if next.value < 0x10FFFF { return .string(String(prefix) + "\u{10FFFF}") }
            return nil
        case .timestamp(let micros): return ceilMillis(micros).map { .timestamp($0) }
        case .timestampNTZ(let micros): return ceilMillis(micros).map { .timestampNTZ($0) }
        default: return finiteOrNil(value)
        }
    }

    private static func finiteOrNil(_ value: ScalarValue) -> ScalarValue? {
        switch value {
        case .float32(let number): number.isFinite ? value : nil
        case .float(let number): number.isFinite ? value : nil
        case .boolean, .binary, .time, .list, .struct, .map, .null: nil
        default: value
        }
    }

    private static func floorMillis(_ micros: Int64) -> Int64 {
        let remainder = micros % 1000
        return remainder < 0 ? micros - remainder - 1000 : micros - remainder
    }

    private static func ceilMillis(_ micros: Int64) -> Int64? {
        let floor = floorMillis(micros)
        if floor == micros { return micros }
        let (sum, overflow) = floor.addingReportingOverflow(1000)
        return overflow ? nil : sum
    }

    /// A bound as Delta writes it: numbers as JSON numbers, dates and timestamps as ISO strings.
    static func jsonBound(_ value: ScalarValue) -> JSONValue? {
        switch value {
        case .integer(let number): return .integer(number)
        case .float32(let number): return number.isFinite ? .number(Self.jsonNumber(Double(number))) : nil
        case .float(let number): return number.isFinite ? .number(Self.jsonNumber(number)) : nil
        case .decimal(let unscaled, let scale): return .number(ValueFormatting.decimal(unscaled, scale: scale))
        case .string(let text): return .string(text)
        case .date(let days): return .string(ValueFormatting.date(Int64(days)))
        case .timestamp(let micros): return .string(millisecondTimestamp(micros) + "Z")
        case .timestampNTZ(let micros): return .string(millisecondTimestamp(micros))
        default: return nil
        }
    }

    /// Swift's shortest round-trip text, which is valid JSON for finite values (`1e-05`, `5e+20`).
    private static func jsonNumber(_ value: Double) -> String {
        value == 0 ? (value.sign == .minus ? "-0.0" : "0.0") : value.description
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmm` for a whole-millisecond instant.
    private static func millisecondTimestamp(_ micros: Int64) -> String {
        let day = CivilCalendar.microsecondsPerDay
        var days = micros / day
        var inDay = micros % day
        if inDay < 0 {
            inDay += day
            days -= 1
        }
        let millis = inDay / 1000
        let hours = millis / 3_600_000
        let minutes = millis / 60_000 % 60
        let seconds = millis / 1000 % 60
        let fraction = millis % 1000
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let three = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
        return ValueFormatting.date(days) + "T\(two(hours)):\(two(minutes)):\(two(seconds)).\(three)"
    }
}
