/// The fields of a chunk of records as spans into the chunk's bytes, record-major: the field of
/// source column `c` in record `r` is at index `r * columnCount + c`. Tokenizers fill it; column
/// builders read it one column at a time (SPEC.md §2.8).
struct FieldTable {
    /// Bit flags of a field.
    enum Flag {
        /// CSV: the field was quoted (span excludes the quotes).
        static let quoted: UInt8 = 1
        /// The span holds escapes (`""` in CSV, `\` in JSON strings) that must be decoded.
        static let escaped: UInt8 = 2
        /// JSON: the value was a string (span excludes the quotes).
        static let jsonString: UInt8 = 4
        /// JSON: the value was an object or array (span is its JSON text).
        static let jsonNested: UInt8 = 8
        /// JSON: the value was `null`.
        static let jsonNull: UInt8 = 16
        /// Quoted in CSV or a string in JSON: never a `--null` string, and text even when empty.
        static let quotedOrString: UInt8 = quoted | jsonString
    }

    /// Source columns per record.
    let columnCount: Int
    /// Records tokenized.
    var recordCount = 0
    /// Field start offsets in the chunk.
    var starts = ContiguousArray<Int32>()
    /// Field lengths; -1 when the record lacks the field (null).
    var lengths = ContiguousArray<Int32>()
    /// Field flags (``Flag``).
    var flags = ContiguousArray<UInt8>()
    /// Each record's first byte in the chunk, plus the end of the last record.
    var recordStarts = ContiguousArray<Int32>()
    /// Line breaks in the chunk, when the tokenizer counted them (-1 otherwise).
    var newlines = -1
    /// Records that are malformed as a whole, with the reason (in record order).
    var recordErrors: [(record: Int, reason: String)] = []

    init(columnCount: Int, expectedRecords: Int = 0) {
        self.columnCount = columnCount
        let fields = expectedRecords * columnCount
        starts.reserveCapacity(fields)
        lengths.reserveCapacity(fields)
        flags.reserveCapacity(fields)
        recordStarts.reserveCapacity(expectedRecords + 1)
    }
}

/// The index of the last `\n` in `bytes`, if any.
@inline(__always)
func lastNewline(_ base: UnsafePointer<UInt8>, _ count: Int) -> Int? {
    var index = count - 1
    while index >= 0 {
        if base[index] == 0x0A { return index }
        index -= 1
    }
    return nil
}

/// The number of `\n` bytes in `base[0..<count]`, eight bytes at a time (an exact zero-byte
/// test, then a population count).
func countNewlines(_ base: UnsafePointer<UInt8>, _ count: Int) -> Int {
    let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    var total = 0
    var index = 0
    while index &+ 8 <= count {
        let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
        let zero = ~(((word & low) &+ low) | word | low)
        total &+= zero.nonzeroBitCount
        index &+= 8
    }
    while index < count {
        if base[index] == 0x0A { total &+= 1 }
        index &+= 1
    }
    return total
}
