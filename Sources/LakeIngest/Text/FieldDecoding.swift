import LakeColumnar

#if canImport(Glibc)
    import Glibc
#endif

/// Why a field could not be read as its column's type.
enum DecodeFailure: UInt8, Sendable {
    case none, notBoolean, notInteger, integerOverflow, outOfRange, notNumber, tooManyFractionDigits,
        decimalOverflow, invalidDate, invalidTimestamp, zoneInNTZ, invalidTime, invalidUTF8, nulByte, badEscape

    var reason: String {
        switch self {
        case .none: "no error"
        case .notBoolean: "not a boolean (true or false)"
        case .notInteger: "not an integer"
        case .integerOverflow: "integer overflow"
        case .outOfRange: "out of the column type's range"
        case .notNumber: "not a number"
        case .tooManyFractionDigits: "more fraction digits than the decimal's scale"
        case .decimalOverflow: "more digits than the decimal's precision"
        case .invalidDate: "not a valid date (YYYY-MM-DD)"
        case .invalidTimestamp: "not a valid timestamp (YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]][Z|±HH:MM])"
        case .zoneInNTZ: "a time zone in a TIMESTAMP_NTZ value"
        case .invalidTime: "not a valid time (HH:MM:SS[.ffffff])"
        case .invalidUTF8: "invalid UTF-8"
        case .nulByte: "NUL byte in text"
        case .badEscape: "invalid escape sequence"
        }
    }
}

/// Parsers from field bytes to values (SPEC.md §2.8). None allocates; all reject rather than trap.
enum FieldDecoding {
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// A signed decimal integer: optional `+`/`-`, then digits.
    static func int64(_ p: UnsafePointer<UInt8>, _ count: Int) -> (Int64, DecodeFailure) {
        guard count > 0 else { return (0, .notInteger) }
        var index = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
            negative = p[0] == UInt8(ascii: "-")
            index = 1
        }
        guard index < count else { return (0, .notInteger) }
        if count &- index <= 18 {
            // At most 18 digits cannot overflow: no checks but the digits'.
            var value: Int64 = 0
            while index < count {
                let digit = p[index] &- 0x30
                guard digit < 10 else { return (0, .notInteger) }
                value = value &* 10 &+ Int64(digit)
                index &+= 1
            }
            return (negative ? 0 &- value : value, .none)
        }
        var magnitude: UInt64 = 0
        while index < count {
            let digit = p[index] &- 0x30
            guard digit < 10 else { return (0, .notInteger) }
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(digit))
            if o1 || o2 {
                while index < count {
                    guard isDigit(p[index]) else { return (0, .notInteger) }
                    index += 1
                }
                return (0, .integerOverflow)
            }
            magnitude = sum
            index += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return (0, .integerOverflow) }
            return (Int64(truncatingIfNeeded: 0 &- magnitude), .none)
        }
        guard magnitude <= UInt64(Int64.max) else { return (0, .integerOverflow) }
        return (Int64(magnitude), .none)
    }

    private static let powers: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// A floating-point number (decimal or exponent notation, `NaN`, `Inf`, `Infinity`, any case).
    static func double(_ p: UnsafePointer<UInt8>, _ count: Int) -> (Double, DecodeFailure) {
        guard count > 0 else { return (0, .notNumber) }
        var index = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
            negative = p[0] == UInt8(ascii: "-")
            index = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var sawDigit = false
        while index < count, isDigit(p[index]) {
            sawDigit = true
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(p[index] &- 0x30)
                if mantissa != 0 { digits += 1 }
            } else {
                exponent += 1
                digits += 1
            }
            index += 1
        }
        if index < count && p[index] == UInt8(ascii: ".") {
            index += 1
            while index < count, isDigit(p[index]) {
                sawDigit = true
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(p[index] &- 0x30)
                    if mantissa != 0 { digits += 1 }
                    exponent -= 1
                } else {
                    digits += 1
                }
                index += 1
            }
        }
        guard sawDigit else { return special(p, count) }
        if index < count && (p[index] == UInt8(ascii: "e") || p[index] == UInt8(ascii: "E")) {
            index += 1
            var exponentNegative = false
            if index < count && (p[index] == UInt8(ascii: "-") || p[index] == UInt8(ascii: "+")) {
                exponentNegative = p[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < count else { return (0, .notNumber) }
            var value = 0
            while index < count, isDigit(p[index]) {
                if value < 100_000 { value = value * 10 + Int(p[index] &- 0x30) }
                index += 1
            }
            exponent += exponentNegative ? -value : value
        }
        guard index == count else { return (0, .notNumber) }
        if digits <= 15 && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            value = exponent < 0 ? value / powers[-exponent] : value * powers[exponent]
            return (negative ? -value : value, .none)
        }
        return slowDouble(p, count)
    }

    @inline(never)
    private static func slowDouble(_ p: UnsafePointer<UInt8>, _ count: Int) -> (Double, DecodeFailure) {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer in
            for index in 0..<count { buffer[index] = CChar(bitPattern: p[index]) }
            buffer[count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &end)
            guard let end, buffer.baseAddress!.distance(to: end) == count else { return (0, .notNumber) }
            return (value, .none)
        }
    }

    @inline(never)
    private static func special(_ p: UnsafePointer<UInt8>, _ count: Int) -> (Double, DecodeFailure) {
        var index = 0
        var negative = false
        if count > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) {
            negative = p[0] == UInt8(ascii: "-")
            index = 1
        }
        var word = ""
        while index < count {
            word.append(Character(Unicode.Scalar(p[index] | 0x20)))
            index += 1
            if word.count > 8 { return (0, .notNumber) }
        }
        switch word {
        case "nan": return (.nan, .none)
        case "inf", "infinity": return (negative ? -.infinity : .infinity, .none)
        default: return (0, .notNumber)
        }
    }

    /// A decimal number as an unscaled integer of `scale` fraction digits, at most `precision` digits.
    static func decimal(_ p: UnsafePointer<UInt8>, _ count: Int, precision: Int, scale: Int) -> (Int128, DecodeFailure) {
        guard count > 0 else { return (0, .notNumber) }
        var index = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
            negative = p[0] == UInt8(ascii: "-")
            index = 1
        }
        var value: Int128 = 0
        var significant = 0
        var fraction = 0
        var sawDigit = false
        var inFraction = false
        while index < count {
            let byte = p[index]
            if byte == UInt8(ascii: ".") && !inFraction {
                inFraction = true
                index += 1
                continue
            }
            guard isDigit(byte) else { return (0, .notNumber) }
            sawDigit = true
            if inFraction {
                if fraction == scale {
                    // Extra fraction digits are allowed only when they are zeros.
                    if byte != 0x30 { return (0, .tooManyFractionDigits) }
                    index += 1
                    continue
                }
                fraction += 1
            }
            if value != 0 || byte != 0x30 { significant += 1 }
            if significant > 38 { return (0, .decimalOverflow) }
            value = value &* 10 &+ Int128(byte &- 0x30)
            index += 1
        }
        guard sawDigit else { return (0, .notNumber) }
        while fraction < scale {
            value = value &* 10
            fraction += 1
            if value != 0 { significant += 1 }
        }
        var limit: Int128 = 1
        for _ in 0..<precision { limit = limit &* 10 }
        guard value < limit else { return (0, .decimalOverflow) }
        return (negative ? -value : value, .none)
    }

    private static let powersOfTen: [Int64] = (0...18).map { exponent in
        var value: Int64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// ``decimal(_:_:precision:scale:)`` for precision ≤ 18, in 64-bit arithmetic.
    static func decimal64(_ p: UnsafePointer<UInt8>, _ count: Int, precision: Int, scale: Int) -> (Int64, DecodeFailure) {
        var index = 0
        var negative = false
        if count > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) {
            negative = p[0] == UInt8(ascii: "-")
            index = 1
        }
        var value: Int64 = 0
        var digits = 0
        var fraction = -1
        while index < count {
            let byte = p[index]
            let digit = byte &- 0x30
            if digit < 10 {
                if fraction >= 0 {
                    if fraction == scale {
                        if digit != 0 { return (0, .tooManyFractionDigits) }
                        index &+= 1
                        continue
                    }
                    fraction &+= 1
                }
                if value != 0 || digit != 0 { digits &+= 1 }
                if digits > 18 { return (0, .decimalOverflow) }
                value = value &* 10 &+ Int64(digit)
            } else if byte == UInt8(ascii: ".") && fraction < 0 {
                fraction = 0
            } else {
                return (0, .notNumber)
            }
            index &+= 1
        }
        let sawDigit = count - (negative || (count > 0 && p[0] == UInt8(ascii: "+")) ? 1 : 0) - (fraction >= 0 ? 1 : 0) > 0
        guard sawDigit else { return (0, .notNumber) }
        let shift = scale - max(fraction, 0)
        if shift > 0 {
            let (scaled, overflow) = value.multipliedReportingOverflow(by: powersOfTen[shift])
            if overflow { return (0, .decimalOverflow) }
            value = scaled
        }
        guard value < powersOfTen[precision] else { return (0, .decimalOverflow) }
        return (negative ? -value : value, .none)
    }

    @inline(__always)
    private static func twoDigits(_ p: UnsafePointer<UInt8>, _ at: Int) -> Int? {
        let high = p[at] &- 0x30
        let low = p[at + 1] &- 0x30
        guard high < 10 && low < 10 else { return nil }
        return Int(high) * 10 + Int(low)
    }

    /// `YYYY-MM-DD` as days since 1970-01-01.
    static func date(_ p: UnsafePointer<UInt8>, _ count: Int) -> (Int32, DecodeFailure) {
        guard count == 10, let days = dateDays(p) else { return (0, .invalidDate) }
        return (Int32(truncatingIfNeeded: days), .none)
    }

    @inline(__always)
    private static func dateDays(_ p: UnsafePointer<UInt8>) -> Int64? {
        guard p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"), let century = twoDigits(p, 0),
            let yearOfCentury = twoDigits(p, 2), let month = twoDigits(p, 5), let day = twoDigits(p, 8)
        else { return nil }
        let year = Int64(century * 100 + yearOfCentury)
        guard month >= 1 && month <= 12 && day >= 1 && day <= CivilCalendar.daysInMonth(year: year, month: month) else {
            return nil
        }
        return CivilCalendar.days(year: year, month: month, day: day)
    }

    /// `HH:MM[:SS[.fraction]]` from `at`: microseconds since midnight and the index after it.
    private static func timeOfDay(_ p: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> (Int64, Int)? {
        guard at + 5 <= count, p[at + 2] == UInt8(ascii: ":"), let hour = twoDigits(p, at), let minute = twoDigits(p, at + 3),
            hour < 24, minute < 60
        else { return nil }
        var index = at + 5
        var second = 0
        var micros: Int64 = 0
        if index + 3 <= count && p[index] == UInt8(ascii: ":") {
            guard let value = twoDigits(p, index + 1), value < 60 else { return nil }
            second = value
            index += 3
            if index < count && p[index] == UInt8(ascii: ".") {
                index += 1
                var digits = 0
                while index < count, isDigit(p[index]) {
                    // Digits beyond microseconds are dropped (SPEC.md §2.8).
                    if digits < 6 { micros = micros * 10 + Int64(p[index] &- 0x30) }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
                while digits < 6 {
                    micros *= 10
                    digits += 1
                }
            }
        }
        return ((Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)) * 1_000_000 + micros, index)
    }

    /// A date or a date and time, optionally with a zone: microseconds since the epoch (UTC when a
    /// zone is given; the wall clock otherwise) and whether a zone was given.
    static func timestamp(_ p: UnsafePointer<UInt8>, _ count: Int) -> (Int64, Bool, DecodeFailure) {
        guard count >= 10, let days = dateDays(p) else { return (0, false, .invalidTimestamp) }
        var micros = days * CivilCalendar.microsecondsPerDay
        if count == 10 { return (micros, false, .none) }
        guard p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: " ") || p[10] == UInt8(ascii: "t"),
            let (time, end) = timeOfDay(p, 11, count)
        else { return (0, false, .invalidTimestamp) }
        micros += time
        var index = end
        if index < count && p[index] == UInt8(ascii: " ") { index += 1 }
        if index == count { return (micros, false, .none) }
        if index + 1 == count && (p[index] == UInt8(ascii: "Z") || p[index] == UInt8(ascii: "z")) {
            return (micros, true, .none)
        }
        if index + 3 == count && p[index] == UInt8(ascii: "U") && p[index + 1] == UInt8(ascii: "T")
            && p[index + 2] == UInt8(ascii: "C")
        {
            return (micros, true, .none)
        }
        guard p[index] == UInt8(ascii: "+") || p[index] == UInt8(ascii: "-"), index + 3 <= count,
            let hours = twoDigits(p, index + 1), hours < 24
        else { return (0, false, .invalidTimestamp) }
        let sign: Int64 = p[index] == UInt8(ascii: "-") ? -1 : 1
        var minutes = 0
        var zoneEnd = index + 3
        if zoneEnd < count {
            if p[zoneEnd] == UInt8(ascii: ":") { zoneEnd += 1 }
            guard zoneEnd + 2 == count, let value = twoDigits(p, zoneEnd), value < 60 else {
                return (0, false, .invalidTimestamp)
            }
            minutes = value
        }
        micros -= sign * Int64(hours * 60 + minutes) * 60_000_000
        return (micros, true, .none)
    }

    /// `HH:MM[:SS[.fraction]]` as microseconds since midnight.
    static func time(_ p: UnsafePointer<UInt8>, _ count: Int) -> (Int64, DecodeFailure) {
        guard let (micros, end) = timeOfDay(p, 0, count), end == count else { return (0, .invalidTime) }
        return (micros, .none)
    }

    /// `true`/`false` in any case, `1`/`0`.
    static func boolean(_ p: UnsafePointer<UInt8>, _ count: Int) -> (Bool, DecodeFailure) {
        if count == 1 {
            if p[0] == UInt8(ascii: "1") { return (true, .none) }
            if p[0] == UInt8(ascii: "0") { return (false, .none) }
            return (false, .notBoolean)
        }
        if count == 4 && p[0] | 0x20 == UInt8(ascii: "t") && p[1] | 0x20 == UInt8(ascii: "r") && p[2] | 0x20 == UInt8(ascii: "u")
            && p[3] | 0x20 == UInt8(ascii: "e")
        {
            return (true, .none)
        }
        if count == 5 && p[0] | 0x20 == UInt8(ascii: "f") && p[1] | 0x20 == UInt8(ascii: "a") && p[2] | 0x20 == UInt8(ascii: "l")
            && p[3] | 0x20 == UInt8(ascii: "s") && p[4] | 0x20 == UInt8(ascii: "e")
        {
            return (false, .none)
        }
        return (false, .notBoolean)
    }

    /// Checks text: valid UTF-8 without NUL bytes.
    /// Whether `p[0..<count]` is all ASCII with no NUL byte: text that needs no further check
    /// (eight bytes at a time).
    static func isPlainASCII(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var seen: UInt64 = 0
        var index = 0
        while index &+ 8 <= count {
            let word = UnsafeRawPointer(p + index).loadUnaligned(as: UInt64.self)
            // A high bit marks a non-ASCII byte; the borrow term marks a zero byte (exact once no
            // byte has its high bit set).
            seen |= word | ((word &- ones) & ~word)
            index &+= 8
        }
        while index < count {
            let byte = p[index]
            seen |= UInt64(byte == 0 ? 0x80 : byte & 0x80)
            index &+= 1
        }
        return seen & highs == 0
    }

    static func checkText(_ p: UnsafePointer<UInt8>, _ count: Int) -> DecodeFailure {
        var any: UInt8 = 0
        var smallest: UInt8 = 0xFF
        for index in 0..<count {
            let byte = p[index]
            any |= byte
            smallest = min(smallest, byte)
        }
        if smallest == 0 && count > 0 { return .nulByte }
        if any < 0x80 { return .none }
        return validUTF8(p, count) ? .none : .invalidUTF8
    }

    /// Whether `p[0..<count]` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
    static func validUTF8(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        while index < count {
            let byte = p[index]
            if byte < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch byte {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                upper = 0x9F
            case 0xF0:
                length = 4
                lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                upper = 0x8F
            default: return false
            }
            guard index + length <= count else { return false }
            let second = p[index + 1]
            guard second >= lower && second <= upper else { return false }
            for offset in 2..<max(length, 2) where offset < length {
                guard p[index + offset] & 0xC0 == 0x80 else { return false }
            }
            index += length
        }
        return true
    }
}
