import LakeColumnar

/// Group keys of one or two columns packed into two 64-bit words and a null mask: the fast path
/// of ``HashAggregator`` for keys like `(l_orderkey, l_linenumber)` or `(l_returnflag,
/// l_linestatus)`. Integers, dates, timestamps, booleans and DECIMAL(≤18) take their 64-bit
/// pattern, doubles their ordered bits (so -0.0 = 0.0 and NaN = NaN), and strings of at most 7
/// bytes (15 when the string is the only key, ``packWide(_:rowCount:first:second:nulls:)``) their
/// length and bytes; a longer string makes ``pack(_:rowCount:into:nulls:bit:)``
/// fail and the aggregator go back to byte keys (``RowKeys``).
///
/// Each slot holds the packed key and its id inline, so a lookup touches one cache line, not the
/// four (slot, hash, offset, bytes) a ``KeyTable`` lookup touches.
struct PairKeyTable {
    /// One slot: the packed key and its dense id (-1 when the slot is empty).
    struct Entry {
        var first: UInt64
        var second: UInt64
        var id: Int32
        var nulls: UInt32
    }

    private var entries: ContiguousArray<Entry>
    private var mask: Int
    /// Groups so far.
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        entries = ContiguousArray(repeating: Entry(first: 0, second: 0, id: -1, nulls: 0), count: size)
        mask = size - 1
    }

    /// The bytes the table holds, for the memory budget.
    var memoryBytes: Int { entries.count * MemoryLayout<Entry>.stride }

    /// Whether a key column of this type can be packed (strings only while they stay short).
    static func accepts(_ type: DataType) -> Bool {
        switch type {
        case .boolean, .int8, .int16, .int32, .int64, .float32, .float64, .date, .timestamp, .timestampNTZ, .time,
            .string, .binary:
            true
        case .decimal(let precision, _): precision <= DataType.maxDecimal64Precision
        default: false
        }
    }

    @inline(__always)
    static func hash(_ first: UInt64, _ second: UInt64, _ nulls: UInt32) -> UInt64 {
        var h = (first ^ UInt64(nulls) &<< 61) &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ (h &>> 29) ^ second) &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h &>> 32)
    }

    /// Writes each row's packed value of `column` to `words` and sets `bit` in `nulls` for null
    /// rows; `false` when the column cannot be packed (a string longer than 7 bytes).
    static func pack(
        _ column: Column, rowCount: Int, into words: UnsafeMutablePointer<UInt64>, nulls: UnsafeMutablePointer<UInt32>,
        bit: UInt32
    ) -> Bool {
        func fixed<T>(_ values: ContiguousArray<T>, _ bits: (T) -> UInt64) {
            values.withUnsafeBufferPointer { values in
                for row in 0..<rowCount { words[row] = bits(values[row]) }
            }
        }
        switch column {
        case .boolean(let c): fixed(c.values) { $0 ? 1 : 0 }
        case .int8(let c): fixed(c.values) { UInt64(bitPattern: Int64($0)) }
        case .int16(let c): fixed(c.values) { UInt64(bitPattern: Int64($0)) }
        case .int32(let c), .date(let c): fixed(c.values) { UInt64(bitPattern: Int64($0)) }
        case .int64(let c), .timestamp(let c), .timestampNTZ(let c), .time(let c), .decimal64(let c, _, _):
            fixed(c.values) { UInt64(bitPattern: $0) }
        case .float32(let c): fixed(c.values) { RowKeys.orderedBits(Double($0)) }
        case .float64(let c): fixed(c.values) { RowKeys.orderedBits($0) }
        case .string(let c), .binary(let c):
            let validity = c.validity
            let fits = c.withRows { offsets, bytes -> Bool in
                for row in 0..<rowCount {
                    let start = Int(offsets[row])
                    let length = Int(offsets[row + 1]) &- start
                    if length > 7 {
                        if let validity, !validity.isValid(row) {
                            words[row] = 0
                            continue
                        }
                        return false
                    }
                    var word = UInt64(truncatingIfNeeded: length)
                    for index in 0..<length {
                        word |= UInt64(bytes[start &+ index]) &<< UInt64(truncatingIfNeeded: 8 &* (index &+ 1))
                    }
                    words[row] = word
                }
                return true
            }
            if !fits { return false }
        default:
            return false
        }
        if let validity = column.validity {
            for row in 0..<rowCount where !validity.isValid(row) {
                words[row] = 0
                nulls[row] |= bit
            }
        }
        return true
    }

    /// Packs a lone string (or binary) key of at most 15 bytes into both words: its length and
    /// first 7 bytes in `first`, bytes 7–14 in `second`; `false` when a value is longer. (Keys
    /// such as TPC-H's `o_orderpriority`, "4-NOT SPECIFIED", fit.)
    static func packWide(
        _ column: StringColumn, rowCount: Int, first: UnsafeMutablePointer<UInt64>, second: UnsafeMutablePointer<UInt64>,
        nulls: UnsafeMutablePointer<UInt32>
    ) -> Bool {
        let validity = column.validity
        let fits = column.withRows { offsets, bytes -> Bool in
            for row in 0..<rowCount {
                let start = Int(offsets[row])
                let length = Int(offsets[row + 1]) &- start
                if let validity, !validity.isValid(row) {
                    first[row] = 0
                    second[row] = 0
                    nulls[row] |= 1
                    continue
                }
                if length > 15 { return false }
                var low = UInt64(truncatingIfNeeded: length)
                var high: UInt64 = 0
                for index in 0..<min(length, 7) {
                    low |= UInt64(bytes[start &+ index]) &<< UInt64(truncatingIfNeeded: 8 &* (index &+ 1))
                }
                var index = 7
                while index < length {
                    high |= UInt64(bytes[start &+ index]) &<< UInt64(truncatingIfNeeded: 8 &* (index &- 7))
                    index &+= 1
                }
                first[row] = low
                second[row] = high
            }
            return true
        }
        return fits
    }

    /// Looks up `count` packed keys, inserting the new ones, and writes each row's id to `ids`;
    /// the rows that inserted a key are appended to `newRows`.
    mutating func findOrInsert(
        first: UnsafePointer<UInt64>, second: UnsafePointer<UInt64>, nulls: UnsafePointer<UInt32>, count rowCount: Int,
        ids: UnsafeMutablePointer<Int32>, newRows: inout [Int32]
    ) {
        // Grow once up front so the loop below never has to.
        if (count + rowCount) * 2 > entries.count { grow(toFit: count + rowCount) }
        var next = count
        let mask = self.mask
        entries.withUnsafeMutableBufferPointer { entries in
            let base = entries.baseAddress!
            for row in 0..<rowCount {
                let a = first[row]
                let b = second[row]
                let n = nulls[row]
                var slot = Int(truncatingIfNeeded: Self.hash(a, b, n)) & mask
                while true {
                    let entry = base + slot
                    let id = entry.pointee.id
                    if id < 0 {
                        entry.pointee = Entry(first: a, second: b, id: Int32(truncatingIfNeeded: next), nulls: n)
                        ids[row] = Int32(truncatingIfNeeded: next)
                        newRows.append(Int32(truncatingIfNeeded: row))
                        next &+= 1
                        break
                    }
                    if entry.pointee.first == a && entry.pointee.second == b && entry.pointee.nulls == n {
                        ids[row] = id
                        break
                    }
                    slot = (slot &+ 1) & mask
                }
            }
        }
        count = next
    }

    private mutating func grow(toFit groups: Int) {
        var size = entries.count
        while groups * 2 > size { size <<= 1 }
        let old = entries
        entries = ContiguousArray(repeating: Entry(first: 0, second: 0, id: -1, nulls: 0), count: size)
        mask = size - 1
        let mask = self.mask
        entries.withUnsafeMutableBufferPointer { entries in
            old.withUnsafeBufferPointer { old in
                for entry in old where entry.id >= 0 {
                    var slot = Int(truncatingIfNeeded: Self.hash(entry.first, entry.second, entry.nulls)) & mask
                    while entries[slot].id >= 0 { slot = (slot &+ 1) & mask }
                    entries[slot] = entry
                }
            }
        }
    }
}

extension PairKeyTable {
    /// Whether keys of these types always pack (no strings), so their packed hash can pick a
    /// partition the same way in every batch.
    static func alwaysPacks(_ types: [DataType]) -> Bool {
        (1...2).contains(types.count)
            && types.allSatisfy { type in
                if case .string = type { return false }
                if case .binary = type { return false }
                return accepts(type)
            }
    }

    /// The packed hash of each row of one or two key columns whose types ``alwaysPacks(_:)``.
    static func hashes(_ columns: [Column], rowCount: Int) -> [UInt64] {
        var first = [UInt64](repeating: 0, count: rowCount)
        var second = [UInt64](repeating: 0, count: rowCount)
        var nulls = [UInt32](repeating: 0, count: rowCount)
        first.withUnsafeMutableBufferPointer { first in
            second.withUnsafeMutableBufferPointer { second in
                nulls.withUnsafeMutableBufferPointer { nulls in
                    _ = pack(columns[0], rowCount: rowCount, into: first.baseAddress!, nulls: nulls.baseAddress!, bit: 1)
                    if columns.count > 1 {
                        _ = pack(columns[1], rowCount: rowCount, into: second.baseAddress!, nulls: nulls.baseAddress!, bit: 2)
                    }
                }
            }
        }
        return [UInt64](unsafeUninitializedCapacity: rowCount) { target, initialized in
            first.withUnsafeBufferPointer { first in
                second.withUnsafeBufferPointer { second in
                    nulls.withUnsafeBufferPointer { nulls in
                        for row in 0..<rowCount { target[row] = hash(first[row], second[row], nulls[row]) }
                    }
                }
            }
            initialized = rowCount
        }
    }
}
