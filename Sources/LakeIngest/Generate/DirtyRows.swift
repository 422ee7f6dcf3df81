import LakeColumnar

/// Which rows of generated text output are made bad on purpose, and how (SPEC.md §2.9, §9.4).
///
/// Exactly `round(rowCount × fraction)` rows are dirty, spread at random but evenly: the rows are
/// cut into that many equal strata and one row of each is picked from the seed. Whether a row is
/// dirty, its ``DirtyKind`` and its target column depend only on the seed, the row count and the
/// row, never on how the output is split into batches or threads.
public struct DirtyRows: Sendable {
    /// The number of rows in the output.
    public let rowCount: Int
    /// The number of dirty rows: `round(rowCount × fraction)`.
    public let count: Int
    private let seed: UInt64
    private let kinds: [DirtyKind]
    private let numericColumns: [Int]
    private let temporalColumns: [Int]
    private let stringColumns: [Int]

    /// The dirty rows of a `format` output of `rowCount` rows of `schema`.
    ///
    /// - Precondition: `fraction` is in 0…1.
    public init(rowCount: Int, fraction: Double, seed: UInt64, schema: Schema, format: DirtyFormat) {
        precondition(fraction >= 0 && fraction <= 1, "the dirty fraction must be in 0…1")
        self.rowCount = rowCount
        self.count = min(rowCount, Int((Double(rowCount) * fraction).rounded()))
        self.seed = seed
        var numeric: [Int] = []
        var temporal: [Int] = []
        var strings: [Int] = []
        for (index, field) in schema.fields.enumerated() {
            switch field.type {
            case .int8, .int16, .int32, .int64, .float32, .float64, .decimal: numeric.append(index)
            case .date, .timestamp, .timestampNTZ: temporal.append(index)
            case .string: strings.append(index)
            default: break
            }
        }
        numericColumns = numeric
        temporalColumns = temporal
        stringColumns = strings
        kinds = DirtyKind.allCases.filter { kind in
            guard kind.formats.contains(format) else { return false }
            switch kind {
            case .badNumber, .wrongType: return !numeric.isEmpty
            case .badTimestamp: return !temporal.isEmpty
            case .badQuoting: return !strings.isEmpty
            case .missingField: return schema.fields.count > 1
            case .extraField, .truncatedLine: return true
            }
        }
    }

    /// The dirty rows in `range`, in ascending order.
    public func rows(in range: Range<Int>) -> [DirtyRow] {
        guard count > 0, !range.isEmpty else { return [] }
        var result: [DirtyRow] = []
        var index = stratum(of: range.lowerBound)
        let last = stratum(of: range.upperBound - 1)
        while index <= last {
            let start = stratumStart(index)
            let size = stratumStart(index + 1) - start
            var random = SplitMix64(seed: seed, salt: 0x44_4952_5459, index: index)  // "DIRTY"
            let row = start + random.below(size)
            if range.contains(row) { result.append(describe(row: row, random: &random)) }
            index += 1
        }
        return result
    }

    /// The first row of stratum `index`: `floor(index × rowCount / count)`.
    private func stratumStart(_ index: Int) -> Int {
        Int(Int128(index) * Int128(rowCount) / Int128(count))
    }

    /// The stratum holding `row`: the largest `s` with `stratumStart(s) <= row`.
    private func stratum(of row: Int) -> Int {
        Int((Int128(row + 1) * Int128(count) - 1) / Int128(rowCount))
    }

    private func describe(row: Int, random: inout SplitMix64) -> DirtyRow {
        let kind = kinds[random.below(kinds.count)]
        let column: Int
        switch kind {
        case .badNumber, .wrongType: column = numericColumns[random.below(numericColumns.count)]
        case .badTimestamp: column = temporalColumns[random.below(temporalColumns.count)]
        case .badQuoting: column = stringColumns[random.below(stringColumns.count)]
        case .missingField, .extraField, .truncatedLine: column = -1
        }
        return DirtyRow(row: row, kind: kind, column: column, variant: random.below(1 << 20))
    }
}

/// The text formats that can carry dirty rows.
public enum DirtyFormat: Sendable {
    case csv
    case jsonl
}

/// One row made bad on purpose.
public struct DirtyRow: Sendable, Equatable {
    /// The row number in the whole output (0-based, header excluded).
    public let row: Int
    /// How it is bad.
    public let kind: DirtyKind
    /// The column whose value is spoiled, or -1 for kinds that spoil the row's shape.
    public let column: Int
    /// A random number choosing among the kind's bad texts.
    public let variant: Int

    /// The bad text for this row, chosen from `texts` by ``variant``.
    public func pick(_ texts: [String]) -> String {
        texts[variant % texts.count]
    }
}

/// The ways a generated row can be bad (SPEC.md §9.4).
public enum DirtyKind: String, Sendable, CaseIterable {
    /// CSV: the last field is missing (a ragged row).
    case missingField = "missing_field"
    /// CSV: one field too many (a ragged row).
    case extraField = "extra_field"
    /// A number column holds text no reader parses as a number (`12..5`, `#VALUE!`); in JSON lines
    /// it is written as a bare token, which also makes the line invalid JSON.
    case badNumber = "bad_number"
    /// A date or timestamp column holds an impossible or foreign date (`2024-02-30`, `31/12/2024`).
    case badTimestamp = "bad_timestamp"
    /// A string breaks the quoting rules: CSV `"text"junk`, JSON an unescaped quote inside a string.
    case badQuoting = "bad_quoting"
    /// JSON lines: a number column holds a string, object or array.
    case wrongType = "wrong_type"
    /// JSON lines: the line stops half-way (no closing brace).
    case truncatedLine = "truncated_line"

    /// The formats this kind is used in.
    public var formats: [DirtyFormat] {
        switch self {
        case .missingField, .extraField: [.csv]
        case .badNumber, .badTimestamp, .badQuoting: [.csv, .jsonl]
        case .wrongType, .truncatedLine: [.jsonl]
        }
    }

    /// Texts that are not numbers in any reader's eyes.
    public static let badNumbers = ["12..5", "#VALUE!", "1O0", "--7", "1e", "twelve", "3.4.5", "N/A!"]
    /// Timestamps that do not exist or are not ISO 8601.
    public static let badTimestamps = [
        "2024-02-30T10:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T25:61:00Z", "31/12/2024 10:00", "yesterday",
    ]
    /// Dates that do not exist or are not ISO 8601.
    public static let badDates = ["2024-02-30", "2024-13-01", "31/12/2024", "2024-00-10", "not a date"]
    /// JSON values of the wrong type for a number column.
    public static let wrongTypes = [#""high""#, #""n/a""#, #"{"value":3}"#, "[1,2]", #""12 kg""#]
}
