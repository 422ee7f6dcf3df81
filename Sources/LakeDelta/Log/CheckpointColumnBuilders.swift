import LakeColumnar

// Append-only builders of the typed columns a checkpoint is made of. Values go straight into
// contiguous buffers (offsets + bytes for strings, packed validity words); nothing is boxed per
// value. Runs of nulls — the rows of other action types — are appended in bulk.

/// Packed validity bits, appended row by row or in runs.
struct ValidityBuilder {
    private var words = ContiguousArray<UInt64>()
    private(set) var count = 0
    private var nullCount = 0

    /// Appends one row.
    mutating func append(_ isValid: Bool) {
        if count & 63 == 0 { words.append(0) }
        if isValid {
            words[words.count &- 1] |= 1 &<< UInt64(count & 63)
        } else {
            nullCount &+= 1
        }
        count &+= 1
    }

    /// Appends `rows` rows that are all valid or all null.
    mutating func append(_ isValid: Bool, count rows: Int) {
        guard rows > 0 else { return }
        if !isValid {
            // Zero bits: only new words are needed.
            count &+= rows
            nullCount &+= rows
            let needed = (count &+ 63) &>> 6
            if needed > words.count { words.append(contentsOf: repeatElement(0, count: needed &- words.count)) }
            return
        }
        for _ in 0..<rows { append(true) }
    }

    /// The bitmap, or `nil` when no row is null.
    func finish() -> ValidityBitmap? {
        nullCount == 0 ? nil : ValidityBitmap(words: words, count: count)
    }
}

/// A nullable column of fixed-width values.
struct PrimitiveBuilder<Value: BitwiseCopyable & Sendable> {
    private var values = ContiguousArray<Value>()
    private var validity = ValidityBuilder()
    private let zero: Value

    init(zero: Value) {
        self.zero = zero
    }

    mutating func append(_ value: Value?) {
        values.append(value ?? zero)
        validity.append(value != nil)
    }

    mutating func appendNulls(_ count: Int) {
        values.append(contentsOf: repeatElement(zero, count: count))
        validity.append(false, count: count)
    }

    func finish() -> PrimitiveColumn<Value> { PrimitiveColumn(values: values, validity: validity.finish()) }
}

/// A nullable column of UTF-8 strings.
struct StringBuilder {
    private var offsets: ContiguousArray<Int32> = [0]
    private var bytes = ContiguousArray<UInt8>()
    private var validity = ValidityBuilder()

    var count: Int { offsets.count &- 1 }

    mutating func append(_ value: String?) {
        if let value { bytes.append(contentsOf: value.utf8) }
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
        validity.append(value != nil)
    }

    mutating func appendNulls(_ count: Int) {
        offsets.append(contentsOf: repeatElement(Int32(truncatingIfNeeded: bytes.count), count: count))
        validity.append(false, count: count)
    }

    /// The bytes appended so far: callers cut batches well below the 2 GiB offset limit.
    var byteCount: Int { bytes.count }

    func finish() -> StringColumn { StringColumn(offsets: offsets, bytes: bytes, validity: validity.finish()) }
}

/// A nullable `map<string,string>` column; keys are written sorted, so output is deterministic.
struct StringMapBuilder {
    private var offsets: ContiguousArray<Int32> = [0]
    private var keys = StringBuilder()
    private var values = StringBuilder()
    private var validity = ValidityBuilder()
    private var entries = 0

    static let keyField = Field("key", .string, isNullable: false)
    static let valueField = Field("value", .string)
    static let type = DataType.map(key: keyField, value: valueField)

    mutating func append(_ map: [String: String?]?) {
        if let map {
            for key in map.keys.sorted() {
                keys.append(key)
                values.append(map[key] ?? nil)
            }
            entries &+= map.count
        }
        offsets.append(Int32(truncatingIfNeeded: entries))
        validity.append(map != nil)
    }

    mutating func append(_ map: [String: String]) {
        for key in map.keys.sorted() {
            keys.append(key)
            values.append(map[key])
        }
        entries &+= map.count
        offsets.append(Int32(truncatingIfNeeded: entries))
        validity.append(true)
    }

    mutating func appendNulls(_ count: Int) {
        offsets.append(contentsOf: repeatElement(Int32(truncatingIfNeeded: entries), count: count))
        validity.append(false, count: count)
    }

    func finish() -> MapColumn {
        MapColumn(
            key: Self.keyField, value: Self.valueField, offsets: offsets, keys: .string(keys.finish()),
            values: .string(values.finish()), validity: validity.finish())
    }
}

/// A nullable `list<string>` column.
struct StringListBuilder {
    private var offsets: ContiguousArray<Int32> = [0]
    private var elements = StringBuilder()
    private var validity = ValidityBuilder()

    static let elementField = Field("element", .string)
    static let type = DataType.list(elementField)

    mutating func append(_ list: [String]?) {
        if let list { for element in list { elements.append(element) } }
        offsets.append(Int32(truncatingIfNeeded: elements.count))
        validity.append(list != nil)
    }

    mutating func appendNulls(_ count: Int) {
        offsets.append(contentsOf: repeatElement(Int32(truncatingIfNeeded: elements.count), count: count))
        validity.append(false, count: count)
    }

    func finish() -> ListColumn {
        ListColumn(
            element: Self.elementField, offsets: offsets, elements: .string(elements.finish()),
            validity: validity.finish())
    }
}
