/// A text format `lake ingest` reads (SPEC.md §2.8).
public enum TextFormat: String, Sendable, Equatable {
    /// Comma-separated values (RFC 4180), any one-byte delimiter.
    case csv
    /// JSON lines: one JSON object per line.
    case jsonLines = "jsonl"
}

/// What to do with a record that cannot be ingested (SPEC.md §2.8).
public enum BadRecordPolicy: String, Sendable, CaseIterable {
    /// Stop; commit nothing; report the first bad record.
    case fail
    /// Commit the good records; count the bad ones.
    case skip
    /// Commit the good records; write the bad ones, with reasons, to a rejects table.
    case quarantine
}

/// How text input is read.
public struct TextReadOptions: Sendable {
    /// The format.
    public var format: TextFormat
    /// CSV: the field delimiter (one byte).
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// CSV: the quote byte.
    public var quote: UInt8 = UInt8(ascii: "\"")
    /// CSV: whether the first record of each file names the columns.
    public var header = true
    /// CSV: unquoted field texts that mean null, besides the empty field.
    public var nullStrings: [[UInt8]] = []
    /// Records sampled from the start of each input to infer types.
    public var sampleRecords = 10_000
    /// Bytes read per block; blocks are split at record boundaries and parsed in parallel.
    public var blockSize = 16 << 20
    /// The largest record accepted, in bytes.
    public var maxRecordBytes = 256 << 20
    /// Parallel parse tasks per block.
    public var threads = 1

    /// Options for `format` with lake's defaults.
    public init(format: TextFormat) {
        self.format = format
    }
}
