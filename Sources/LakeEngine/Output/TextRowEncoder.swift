import LakeColumnar

/// Encodes record batches as CSV or JSON-lines bytes, a column at a time (SPEC.md §2.3 value text).
///
/// ``encode(_:)`` turns each column into the text of its values (one type switch per column, then
/// a loop over the values with no `String` per value for integers, floats with few decimals,
/// decimals, dates, timestamps, booleans and ASCII strings); ``appendRows(_:to:)`` interleaves those
/// texts into lines. Values of other types, and the rare values off the fast paths, are spelled by
/// ``ValueText``, so the text is the same as ``ResultWriter``'s.
///
/// CSV: a header line, fields quoted per RFC 4180 when they hold a comma, quote, line break or a
/// leading or trailing space; an empty string is `""` and NULL an empty field. JSON lines: one
/// object per line, keys in schema order, NULL as `null`.
public struct TextRowEncoder: Sendable {
    /// The two line-oriented formats.
    public enum Format: Sendable {
        case csv
        case jsonl
    }

    /// The value texts of every column of the current batch, column after column in one arena:
    /// value `r` of column `c` is `bytes[offsets[c × (rows + 1) + r] ..< offsets[c × (rows + 1) + r + 1]]`.
    struct EncodedColumns: Sendable {
        var bytes = ContiguousArray<UInt8>()
        var offsets = ContiguousArray<Int>()
    }

    /// The format written.
    public let format: Format
    /// The schema of every batch.
    public let schema: Schema
    /// Per column, the bytes written before its value in JSON lines: `{"name":` or `,"name":`.
    let keys: [ContiguousArray<UInt8>]
    /// ``keys`` back to back, and where each starts (`columns + 1` entries).
    private let keyBytes: ContiguousArray<UInt8>
    private let keyOffsets: ContiguousArray<Int>
    var encoded = EncodedColumns()
    /// The number of rows encoded by the last ``encode(_:)``.
    public private(set) var rowCount = 0

    /// An encoder of batches of `schema` in `format`.
    public init(schema: Schema, format: Format) {
        self.format = format
        self.schema = schema
        keys = schema.fields.enumerated().map { index, field in
            ContiguousArray(((index == 0 ? "{" : ",") + ValueText.quoted(field.name) + ":").utf8)
        }
        var keyBytes = ContiguousArray<UInt8>()
        var keyOffsets: ContiguousArray<Int> = [0]
        for key in keys {
            keyBytes.append(contentsOf: key)
            keyOffsets.append(keyBytes.count)
        }
        self.keyBytes = keyBytes
        self.keyOffsets = keyOffsets
    }

    /// The CSV header line (empty for JSON lines).
    public var header: ContiguousArray<UInt8> {
        guard format == .csv else { return [] }
        var line = ContiguousArray<UInt8>()
        for (index, field) in schema.fields.enumerated() {
            if index > 0 { line.append(UInt8(ascii: ",")) }
            Self.appendCSVString(ContiguousArray(field.name.utf8)[...], to: &line)
        }
        line.append(10)
        return line
    }

    /// Encodes the values of `batch`, replacing the previous batch's.
    ///
    /// - Complexity: O(rows × columns), one type switch per column.
    public mutating func encode(_ batch: RecordBatch) {
        precondition(batch.columns.count == schema.fields.count, "the batch does not match the encoder's schema")
        rowCount = batch.rowCount
        encoded.bytes.removeAll(keepingCapacity: true)
        encoded.offsets.removeAll(keepingCapacity: true)
        encoded.offsets.reserveCapacity((batch.rowCount + 1) * schema.fields.count)
        for index in schema.fields.indices {
            encoded.offsets.append(encoded.bytes.count)
            Self.encode(batch.columns[index], field: schema.fields[index], json: format == .jsonl, into: &encoded)
        }
    }

    /// The text of the value at `column`, `row` of the last batch: CSV field text (quoted when
    /// needed, empty for NULL) or a JSON value.
    public func value(column: Int, row: Int) -> ArraySlice<UInt8> {
        let first = column * (rowCount + 1) + row
        return encoded.bytes[encoded.offsets[first]..<encoded.offsets[first + 1]]
    }

    /// The JSON-lines text before `column`'s value: `{"name":` for the first column, else `,"name":`.
    public func key(column: Int) -> ContiguousArray<UInt8> { keys[column] }

    /// Appends the lines of rows `range` of the last batch to `output`.
    ///
    /// - Complexity: O(bytes written): per value one copy of its text, per row no allocation.
    public func appendRows(_ range: Range<Int>, to output: inout ContiguousArray<UInt8>) {
        guard !range.isEmpty else { return }
        let json = format == .jsonl
        let columnCount = schema.fields.count
        let stride = rowCount + 1
        var needed = range.count  // newlines
        for index in 0..<columnCount {
            needed += encoded.offsets[index * stride + range.upperBound] - encoded.offsets[index * stride + range.lowerBound]
            needed += range.count * (json ? keys[index].count : (index > 0 ? 1 : 0))
        }
        if json { needed += range.count }  // closing braces
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: needed))
        var position = start
        output.withUnsafeMutableBufferPointer { destination in
            encoded.bytes.withUnsafeBufferPointer { values in
                encoded.offsets.withUnsafeBufferPointer { offsets in
                    keyBytes.withUnsafeBufferPointer { keyText in
                        keyOffsets.withUnsafeBufferPointer { keyStarts in
                            for row in range {
                                var entry = row
                                for index in 0..<columnCount {
                                    if json {
                                        let keyStart = keyStarts[index]
                                        let keyEnd = keyStarts[index &+ 1]
                                        for byte in keyStart..<keyEnd {
                                            destination[position] = keyText[byte]
                                            position &+= 1
                                        }
                                    } else if index > 0 {
                                        destination[position] = UInt8(ascii: ",")
                                        position &+= 1
                                    }
                                    let from = offsets[entry]
                                    let to = offsets[entry &+ 1]
                                    for byte in from..<to {
                                        destination[position] = values[byte]
                                        position &+= 1
                                    }
                                    entry &+= stride
                                }
                                if json {
                                    destination[position] = UInt8(ascii: "}")
                                    position &+= 1
                                }
                                destination[position] = 10
                                position &+= 1
                            }
                        }
                    }
                }
            }
        }
        precondition(position == output.count, "internal: the row text size was miscounted")
    }

    // MARK: - Column kernels

    private static func encode(_ column: Column, field: Field, json: Bool, into encoded: inout EncodedColumns) {
        switch column {
        case .boolean(let values):
            encodeEach(values, maxWidth: 8, json: json, into: &encoded) { value, cursor in
                cursor.put(value ? "true" : "false")
            }
        case .int8(let values): encodeIntegers(values, json: json, into: &encoded)
        case .int16(let values): encodeIntegers(values, json: json, into: &encoded)
        case .int32(let values): encodeIntegers(values, json: json, into: &encoded)
        case .int64(let values): encodeIntegers(values, json: json, into: &encoded)
        case .float64(let values):
            encodeEach(values, maxWidth: 40, json: json, into: &encoded) { value, cursor in
                if !putShortDouble(value, &cursor) {
                    cursor.put(text: json ? ValueText.json(.float(value), fields: nil) : ValueText.float(value))
                }
            }
        case .decimal64(let values, _, let scale) where scale <= 18:
            encodeEach(values, maxWidth: 48, json: json, into: &encoded) { value, cursor in
                putDecimal(value, scale: scale, &cursor)
            }
        case .date(let values):
            encodeEach(values, maxWidth: 32, json: json, into: &encoded) { days, cursor in
                if json { cursor.put(byte: UInt8(ascii: "\"")) }
                if !putDate(Int64(days), &cursor) { cursor.put(text: ValueFormatting.date(Int64(days))) }
                if json { cursor.put(byte: UInt8(ascii: "\"")) }
            }
        case .timestamp(let values): encodeTimestamps(values, utc: true, json: json, into: &encoded)
        case .timestampNTZ(let values): encodeTimestamps(values, utc: false, json: json, into: &encoded)
        case .string(let values): encodeStrings(values, json: json, into: &encoded)
        default:
            for row in 0..<column.count {
                let value = column.scalar(at: row)
                if json {
                    encoded.bytes.append(contentsOf: ValueText.json(value, fields: nil, type: field.type).utf8)
                } else if let text = ValueText.plain(value) {
                    appendCSVString(ContiguousArray(text.utf8)[...], to: &encoded.bytes)
                }
                encoded.offsets.append(encoded.bytes.count)
            }
        }
    }

    /// Runs `write` for every non-null value, straight into the column's bytes; nulls become `null`
    /// in JSON and nothing in CSV. `write` must write at most `maxWidth` bytes per value (checked).
    ///
    /// Room for `maxWidth` bytes per value is made once per chunk of 1,024 rows and the unused
    /// tail dropped, so no value pays for a capacity or uniqueness check and the arena's capacity
    /// grows with what is written, not with the worst case.
    @inline(__always)
    private static func encodeEach<Value>(
        _ column: PrimitiveColumn<Value>, maxWidth: Int, json: Bool, into encoded: inout EncodedColumns,
        _ write: (Value, inout ByteCursor) -> Void
    ) {
        let rows = column.count
        let firstOffset = encoded.offsets.count
        encoded.offsets.append(contentsOf: repeatElement(0, count: rows))
        var offsets = encoded.offsets
        encoded.offsets = []  // so `offsets` is uniquely referenced and mutated in place
        offsets.withUnsafeMutableBufferPointer { offsets in
            column.values.withUnsafeBufferPointer { values in
                var chunkStart = 0
                while chunkStart < rows {
                    let chunkEnd = min(chunkStart &+ 1024, rows)
                    let start = encoded.bytes.count
                    let room = (chunkEnd &- chunkStart) &* maxWidth
                    encoded.bytes.append(contentsOf: repeatElement(0, count: room))
                    var used = 0
                    encoded.bytes.withUnsafeMutableBufferPointer { bytes in
                        let base = bytes.baseAddress! + start
                        var cursor = ByteCursor(pointer: base)
                        for row in chunkStart..<chunkEnd {
                            if let validity = column.validity, !validity.isValid(row) {
                                if json { cursor.put("null") }
                            } else {
                                write(values[row], &cursor)
                            }
                            let written = cursor.pointer - base
                            precondition(
                                written <= (row &- chunkStart &+ 1) &* maxWidth,
                                "internal: a value's text overflowed its room")
                            offsets[firstOffset &+ row] = start &+ written
                        }
                        used = cursor.pointer - base
                    }
                    encoded.bytes.removeLast(room &- used)
                    chunkStart = chunkEnd
                }
            }
        }
        encoded.offsets = offsets
    }

    private static func encodeIntegers<Value: FixedWidthInteger>(
        _ column: PrimitiveColumn<Value>, json: Bool, into encoded: inout EncodedColumns
    ) {
        encodeEach(column, maxWidth: 24, json: json, into: &encoded) { value, cursor in
            let wide = Int64(value)
            if wide < 0 { cursor.put(byte: UInt8(ascii: "-")) }
            cursor.putDigits(wide.magnitude, minimumWidth: 1)
        }
    }

    private static func encodeTimestamps(
        _ column: PrimitiveColumn<Int64>, utc: Bool, json: Bool, into encoded: inout EncodedColumns
    ) {
        encodeEach(column, maxWidth: 48, json: json, into: &encoded) { micros, cursor in
            if json { cursor.put(byte: UInt8(ascii: "\"")) }
            if !putTimestamp(micros, utc: utc, &cursor) {
                cursor.put(text: ValueText.timestamp(micros, utc: utc, separator: "T"))
            }
            if json { cursor.put(byte: UInt8(ascii: "\"")) }
        }
    }

    private static func encodeStrings(_ column: StringColumn, json: Bool, into encoded: inout EncodedColumns) {
        column.bytes.withUnsafeBufferPointer { source in
            column.offsets.withUnsafeBufferPointer { offsets in
                for row in 0..<column.count {
                    if let validity = column.validity, !validity.isValid(row) {
                        if json { appendASCII("null", to: &encoded.bytes) }
                    } else {
                        let value = UnsafeBufferPointer(
                            rebasing: source[Int(offsets[row])..<Int(offsets[row &+ 1])])
                        if json {
                            appendJSONString(value, to: &encoded.bytes)
                        } else {
                            appendCSVString(value, to: &encoded.bytes)
                        }
                    }
                    encoded.offsets.append(encoded.bytes.count)
                }
            }
        }
    }

    // MARK: - Value spellings

    @inline(__always)
    static func appendASCII(_ text: StaticString, to bytes: inout ContiguousArray<UInt8>) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Runs `write` on room for `maxWidth` bytes at the end of `bytes`, keeping what it wrote.
    static func appending(
        to bytes: inout ContiguousArray<UInt8>, maxWidth: Int, _ write: (inout ByteCursor) -> Bool
    ) -> Bool {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: maxWidth))
        var used = 0
        var wrote = false
        bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = ByteCursor(pointer: buffer.baseAddress! + start)
            wrote = write(&cursor)
            used = cursor.pointer - (buffer.baseAddress! + start)
        }
        precondition(used <= maxWidth)
        bytes.removeLast(maxWidth - used)
        return wrote
    }

    /// ``putShortDouble(_:_:)`` on an array (for tests).
    static func appendShortDouble(_ value: Double, to bytes: inout ContiguousArray<UInt8>) -> Bool {
        appending(to: &bytes, maxWidth: 40) { putShortDouble(value, &$0) }
    }

    /// Writes `unscaled × 10^-scale` with exactly `scale` fraction digits (`ValueFormatting.decimal`).
    @inline(__always)
    static func putDecimal(_ unscaled: Int64, scale: Int, _ cursor: inout ByteCursor) {
        if unscaled < 0 { cursor.put(byte: UInt8(ascii: "-")) }
        guard scale > 0 else {
            cursor.putDigits(unscaled.magnitude, minimumWidth: 1)
            return
        }
        var power: UInt64 = 1
        for _ in 0..<scale { power &*= 10 }
        let magnitude = unscaled.magnitude
        cursor.putDigits(magnitude / power, minimumWidth: 1)
        cursor.put(byte: UInt8(ascii: "."))
        cursor.putDigits(magnitude % power, minimumWidth: scale)
    }

    /// Writes the shortest round-trip text of `value` when it has at most four decimals and a
    /// magnitude in [0.001, 1e9) — the same text as `Double.description` — and returns whether it did.
    ///
    /// `m / 10^k` with integers `m < 2^53`, `k ≤ 4` is exactly what a correctly rounded parser
    /// returns for the text `m × 10^-k`, so a match proves the text reads back as `value`; the
    /// smallest such `k` gives the shortest text, and doubles below 1e9 are too dense for two
    /// texts with `k ≤ 4` decimals to read as the same value.
    @inline(__always)
    static func putShortDouble(_ value: Double, _ cursor: inout ByteCursor) -> Bool {
        let magnitude = value.magnitude
        guard magnitude >= 0.001 && magnitude < 1e9 else { return false }
        var decimals = 0
        var power = 1.0
        while decimals <= 4 {
            let scaled = (magnitude * power).rounded()
            if scaled / power == magnitude {
                let units = UInt64(scaled)
                if value < 0 { cursor.put(byte: UInt8(ascii: "-")) }
                if decimals == 0 {
                    cursor.putDigits(units, minimumWidth: 1)
                    cursor.put(".0")
                } else {
                    let divisor = UInt64(power)
                    cursor.putDigits(units / divisor, minimumWidth: 1)
                    cursor.put(byte: UInt8(ascii: "."))
                    cursor.putDigits(units % divisor, minimumWidth: decimals)
                }
                return true
            }
            decimals &+= 1
            power *= 10
        }
        return false
    }

    /// Writes `YYYY-MM-DD` for years 0…9999 and returns whether it did.
    @inline(__always)
    static func putDate(_ days: Int64, _ cursor: inout ByteCursor) -> Bool {
        let (year, month, day) = CivilCalendar.civil(fromDays: days)
        guard year >= 0 && year <= 9999 else { return false }
        cursor.putDigits(UInt64(year), minimumWidth: 4)
        cursor.put(byte: UInt8(ascii: "-"))
        cursor.putTwoDigits(month)
        cursor.put(byte: UInt8(ascii: "-"))
        cursor.putTwoDigits(day)
        return true
    }

    /// Writes `YYYY-MM-DDTHH:MM:SS[.ffffff]` (trailing fraction zeros dropped) plus `Z` when
    /// `utc`, for years 0…9999, and returns whether it did.
    @inline(__always)
    static func putTimestamp(_ micros: Int64, utc: Bool, _ cursor: inout ByteCursor) -> Bool {
        let microsPerDay = CivilCalendar.microsecondsPerDay
        var days = micros / microsPerDay
        var inDay = micros % microsPerDay
        if inDay < 0 {
            inDay += microsPerDay
            days -= 1
        }
        guard putDate(days, &cursor) else { return false }
        let seconds = Int(inDay / 1_000_000)
        var fraction = inDay % 1_000_000
        cursor.put(byte: UInt8(ascii: "T"))
        cursor.putTwoDigits(seconds / 3600)
        cursor.put(byte: UInt8(ascii: ":"))
        cursor.putTwoDigits(seconds / 60 % 60)
        cursor.put(byte: UInt8(ascii: ":"))
        cursor.putTwoDigits(seconds % 60)
        if fraction != 0 {
            var width = 6
            while fraction % 10 == 0 {
                fraction /= 10
                width -= 1
            }
            cursor.put(byte: UInt8(ascii: "."))
            cursor.putDigits(UInt64(fraction), minimumWidth: width)
        }
        if utc { cursor.put(byte: UInt8(ascii: "Z")) }
        return true
    }

    /// Appends a CSV field for `value`: as is, or quoted with doubled quotes when it holds a
    /// comma, quote, CR or LF, starts or ends with a space, or is empty.
    static func appendCSVString<Bytes: Collection<UInt8>>(_ value: Bytes, to bytes: inout ContiguousArray<UInt8>) {
        if value.contains(where: { $0 >= 0x80 }) {
            // Repair invalid UTF-8 (U+FFFD) as every other text output does.
            let repaired = ContiguousArray(String(decoding: value, as: UTF8.self).utf8)
            if !repaired.elementsEqual(value) {
                appendCSVString(repaired, to: &bytes)
                return
            }
        }
        var needsQuotes = value.isEmpty || value.first == 0x20
        if !needsQuotes {
            var last: UInt8 = 0
            for byte in value {
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 10 || byte == 13 {
                    needsQuotes = true
                    break
                }
                last = byte
            }
            if last == 0x20 { needsQuotes = true }
        }
        guard needsQuotes else {
            bytes.append(contentsOf: value)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for byte in value {
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `value` as a JSON string: quotes, backslashes and control characters escaped as
    /// ``ValueText/quoted(_:)`` escapes them. Text that is not ASCII goes through `String`, so
    /// invalid UTF-8 is repaired the same way as elsewhere.
    static func appendJSONString(_ value: UnsafeBufferPointer<UInt8>, to bytes: inout ContiguousArray<UInt8>) {
        var escapes = 0
        for byte in value {
            if byte >= 0x80 {
                bytes.append(contentsOf: ValueText.quoted(String(decoding: value, as: UTF8.self)).utf8)
                return
            }
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { escapes &+= 1 }
        }
        bytes.append(UInt8(ascii: "\""))
        if escapes == 0 {
            bytes.append(contentsOf: value)
        } else {
            let hexDigits: StaticString = "0123456789abcdef"
            for byte in value {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(byte)
                case 10: appendASCII("\\n", to: &bytes)
                case 13: appendASCII("\\r", to: &bytes)
                case 9: appendASCII("\\t", to: &bytes)
                case 0..<0x20:
                    appendASCII("\\u00", to: &bytes)
                    hexDigits.withUTF8Buffer { digits in
                        bytes.append(digits[Int(byte >> 4)])
                        bytes.append(digits[Int(byte & 15)])
                    }
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// A write position in memory the caller has made room in; each `put` advances it.
///
/// The room is checked once per value by the caller (``TextRowEncoder``'s `encodeEach`), not per byte.
struct ByteCursor {
    var pointer: UnsafeMutablePointer<UInt8>

    @inline(__always) mutating func put(byte: UInt8) {
        pointer.pointee = byte
        pointer += 1
    }

    @inline(__always) mutating func put(_ text: StaticString) {
        text.withUTF8Buffer { bytes in
            pointer.update(from: bytes.baseAddress!, count: bytes.count)
            pointer += bytes.count
        }
    }

    /// Writes the UTF-8 of `text` (cold paths: values off the fast paths).
    mutating func put(text: String) {
        for byte in text.utf8 { put(byte: byte) }
    }

    /// Writes `value` as exactly two digits (0…99).
    @inline(__always) mutating func putTwoDigits(_ value: Int) {
        pointer[0] = UInt8(truncatingIfNeeded: value / 10) &+ 48
        pointer[1] = UInt8(truncatingIfNeeded: value % 10) &+ 48
        pointer += 2
    }

    /// Writes the decimal digits of `value`, zero-padded to `minimumWidth` (at most 20).
    @inline(__always) mutating func putDigits(_ value: UInt64, minimumWidth: Int) {
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count &+= 1
            rest /= 10
        }
        count = max(count, minimumWidth)
        var remaining = value
        var position = count
        while position > 0 {
            position &-= 1
            pointer[position] = UInt8(truncatingIfNeeded: remaining % 10) &+ 48
            remaining /= 10
        }
        pointer += count
    }
}
