import LakeColumnar

/// What the sampled values of one column allow (SPEC.md §2.8, inference rules).
struct TypeGuess: Sendable {
    var values = 0
    var boolean = true
    var integer = true
    var integerOverflow = false
    var maxIntegerDigits = 0
    /// Integers and plain decimals (`-12.50`) that all have the same number of fraction digits.
    var fixed = true
    var fractionDigits = -1
    var double = true
    var date = true
    var timestamp = true
    var text = false

    /// Whether any value was seen.
    var isEmpty: Bool { values == 0 }

    /// Takes one non-null value; `jsonString` and `jsonNested` tell JSON strings and nested values
    /// apart from bare JSON tokens (CSV fields are bare).
    mutating func observe(_ p: UnsafePointer<UInt8>, _ count: Int, jsonString: Bool, jsonNested: Bool) {
        values += 1
        if jsonNested {
            boolean = false
            integer = false
            fixed = false
            double = false
            date = false
            timestamp = false
            text = true
            return
        }
        if jsonString {
            boolean = false
            integer = false
            fixed = false
            double = false
        }
        if boolean {
            boolean = (count == 4 || count == 5) && FieldDecoding.boolean(p, count).1 == .none
        }
        if integer || fixed {
            observeNumber(p, count)
        }
        if double {
            double = FieldDecoding.double(p, count).1 == .none
        }
        if date {
            date = FieldDecoding.date(p, count).1 == .none
        }
        if timestamp {
            timestamp = FieldDecoding.timestamp(p, count).2 == .none
        }
    }

    private mutating func observeNumber(_ p: UnsafePointer<UInt8>, _ count: Int) {
        var index = 0
        if count > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) { index = 1 }
        var integerDigits = 0
        var fraction = -1
        var leading = true
        while index < count {
            let byte = p[index]
            if byte == UInt8(ascii: ".") && fraction < 0 {
                fraction = 0
            } else if FieldDecoding.isDigit(byte) {
                if fraction >= 0 {
                    fraction += 1
                } else if !(leading && byte == 0x30) {
                    leading = false
                    integerDigits += 1
                }
            } else {
                integer = false
                fixed = false
                return
            }
            index += 1
        }
        if fraction == 0 || (fraction < 0 && integerDigits == 0 && (count == 0 || !FieldDecoding.isDigit(p[count - 1]))) {
            integer = false
            fixed = false
            return
        }
        maxIntegerDigits = max(maxIntegerDigits, integerDigits)
        if fraction < 0 {
            if integer && FieldDecoding.int64(p, count).1 != .none { integerOverflow = true }
        } else {
            integer = false
            if fractionDigits < 0 {
                fractionDigits = fraction
            } else if fractionDigits != fraction {
                fixed = false
            }
        }
    }

    /// The type the sample supports: the first of BOOLEAN, INT64, DECIMAL, DOUBLE, DATE,
    /// TIMESTAMP that every value parses as, else STRING.
    var resolved: DataType {
        if values == 0 || text { return .string }
        if boolean { return .boolean }
        if integer {
            if !integerOverflow { return .int64 }
            return maxIntegerDigits <= 38 ? .decimal(precision: 38, scale: 0) : .string
        }
        if fixed && fractionDigits > 0 {
            let digits = maxIntegerDigits + fractionDigits
            if digits <= 18 { return .decimal(precision: 18, scale: fractionDigits) }
            if digits <= 38 { return .decimal(precision: 38, scale: fractionDigits) }
        }
        if double { return .float64 }
        if date { return .date }
        if timestamp { return .timestamp }
        return .string
    }
}

extension TypeGuess {
    /// Combines what two samples of the same column allow.
    mutating func merge(_ other: TypeGuess) {
        if other.values == 0 { return }
        if values == 0 {
            self = other
            return
        }
        values += other.values
        boolean = boolean && other.boolean
        integer = integer && other.integer
        integerOverflow = integerOverflow || other.integerOverflow
        maxIntegerDigits = max(maxIntegerDigits, other.maxIntegerDigits)
        if fractionDigits < 0 {
            fractionDigits = other.fractionDigits
        } else if other.fractionDigits >= 0 && other.fractionDigits != fractionDigits {
            fixed = false
        }
        fixed = fixed && other.fixed
        double = double && other.double
        date = date && other.date
        timestamp = timestamp && other.timestamp
        text = text || other.text
    }

    /// Takes every non-null value of source column `column` of `table`.
    mutating func observe(
        _ bytes: UnsafeBufferPointer<UInt8>, _ table: FieldTable, column: Int, nullStrings: [[UInt8]], format: TextFormat
    ) {
        guard let base = bytes.baseAddress else { return }
        var scratch: [UInt8] = []
        for row in 0..<table.recordCount {
            let slot = row * table.columnCount + column
            var length = Int(table.lengths[slot])
            let flag = table.flags[slot]
            if length <= 0 || flag & FieldTable.Flag.jsonNull != 0 { continue }
            var start = Int(table.starts[slot])
            if flag & FieldTable.Flag.escaped != 0 {
                scratch.removeAll(keepingCapacity: true)
                let span = UnsafeBufferPointer(start: base + start, count: length)
                if format == .jsonLines {
                    _ = JSONText.unescape(span, into: &scratch)
                } else {
                    scratch = CSVTokenizer.unescape(Array(span), quote: UInt8(ascii: "\""))
                }
                scratch.withUnsafeBufferPointer { buffer in
                    if let pointer = buffer.baseAddress {
                        observe(pointer, buffer.count, jsonString: flag & FieldTable.Flag.jsonString != 0, jsonNested: false)
                    }
                }
                continue
            }
            let quoted = flag & (FieldTable.Flag.quoted | FieldTable.Flag.jsonString) != 0
            if !quoted && nullStrings.contains(where: { $0.elementsEqual(UnsafeBufferPointer(start: base + start, count: length)) }) {
                continue
            }
            if flag & FieldTable.Flag.jsonNested == 0 {
                while length > 0 && (base[start] == 0x20 || base[start] == 0x09) {
                    start += 1
                    length -= 1
                }
                while length > 0 && (base[start + length - 1] == 0x20 || base[start + length - 1] == 0x09) { length -= 1 }
                if length == 0 { continue }
            }
            observe(
                base + start, length, jsonString: flag & FieldTable.Flag.jsonString != 0,
                jsonNested: flag & FieldTable.Flag.jsonNested != 0)
        }
    }
}
