/// One bit per row saying whether the row holds a value (1) or is null (0).
///
/// Bits are packed LSB-first into 64-bit words: row `r` is bit `r % 64` of word `r / 64`, so
/// kernels test 64 rows at a time (STYLE.md rule 5). Bits past ``count`` in the last word are
/// always 0, which keeps ``nullCount`` a plain population count.
///
/// ```
/// word 0: rows 63 … 0    word 1: rows 127 … 64    …
/// ```
public struct ValidityBitmap: Sendable, Hashable {
    /// The packed bits, `(count + 63) / 64` words.
    public var words: ContiguousArray<UInt64> { storage }
    @usableFromInline internal var storage: ContiguousArray<UInt64>
    /// The number of rows covered.
    public let count: Int

    /// Creates a bitmap of `count` rows, all valid.
    public init(allValidCount count: Int) {
        precondition(count >= 0, "a bitmap cannot cover a negative number of rows")
        let wordCount = (count &+ 63) &>> 6
        var words = ContiguousArray(repeating: UInt64.max, count: wordCount)
        let tail = count & 63
        if tail != 0 { words[wordCount &- 1] = (1 &<< UInt64(tail)) &- 1 }
        self.storage = words
        self.count = count
    }

    /// Creates a bitmap of `count` rows, all null.
    public init(allNullCount count: Int) {
        precondition(count >= 0, "a bitmap cannot cover a negative number of rows")
        self.storage = ContiguousArray(repeating: 0, count: (count &+ 63) &>> 6)
        self.count = count
    }

    /// Creates a bitmap from packed words.
    ///
    /// - Precondition: `words.count == (count + 63) / 64`. Bits past `count` are cleared.
    public init(words: ContiguousArray<UInt64>, count: Int) {
        precondition(words.count == (count &+ 63) &>> 6, "\(words.count) words cannot cover \(count) rows")
        var words = words
        let tail = count & 63
        if tail != 0 { words[words.count &- 1] &= (1 &<< UInt64(tail)) &- 1 }
        self.storage = words
        self.count = count
    }

    /// Whether `row` holds a value.
    @inlinable public func isValid(_ row: Int) -> Bool {
        storage[row &>> 6] & (1 &<< UInt64(row & 63)) != 0
    }

    /// The 64 validity bits of rows `64 * index ..< 64 * index + 64`.
    @inlinable public func word(at index: Int) -> UInt64 {
        storage[index]
    }

    /// Marks `row` as null.
    @inlinable public mutating func setNull(at row: Int) {
        storage[row &>> 6] &= ~(1 &<< UInt64(row & 63))
    }

    /// Marks `row` as holding a value.
    @inlinable public mutating func setValid(at row: Int) {
        storage[row &>> 6] |= 1 &<< UInt64(row & 63)
    }

    /// The number of null rows.
    ///
    /// - Complexity: O(`count` / 64).
    public var nullCount: Int {
        var valid = 0
        for word in words { valid &+= word.nonzeroBitCount }
        return count &- valid
    }

    /// The validity of rows `range`, as a new bitmap starting at row 0.
    public func slice(_ range: Range<Int>) -> ValidityBitmap {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice \(range) outside 0..<\(count)")
        let length = range.count
        let shift = range.lowerBound & 63
        let first = range.lowerBound &>> 6
        let wordCount = (length &+ 63) &>> 6
        var result = ContiguousArray<UInt64>(repeating: 0, count: wordCount)
        for index in 0..<wordCount {
            var word = words[first &+ index] &>> UInt64(shift)
            if shift != 0, first &+ index &+ 1 < words.count {
                word |= words[first &+ index &+ 1] &<< UInt64(64 &- shift)
            }
            result[index] = word
        }
        return ValidityBitmap(words: result, count: length)
    }
}

extension ValidityBitmap {
    /// Builds a bitmap row by row; for tests, builders and cold paths.
    public init<S: Sequence>(_ bits: S) where S.Element == Bool {
        var words = ContiguousArray<UInt64>()
        var count = 0
        var current: UInt64 = 0
        for bit in bits {
            if bit { current |= 1 &<< UInt64(count & 63) }
            count &+= 1
            if count & 63 == 0 {
                words.append(current)
                current = 0
            }
        }
        if count & 63 != 0 { words.append(current) }
        self.init(words: words, count: count)
    }
}
