import LakeColumnar

/// Parsers for the text forms of dates, timestamps and decimals in the Delta log (partition
/// values and statistics). All exact: nothing goes through `Double` that is not a float.
enum DeltaValueText {
    /// `[+-]YYYY-MM-DD` → days since 1970-01-01, or `nil`.
    static func parseDate(_ text: Substring) -> Int32? {
        var cursor = TextCursor(text)
        guard let days = cursor.date(), cursor.isAtEnd else { return nil }
        return Int32(exactly: days)
    }

    /// A timestamp → microseconds since the epoch, or `nil`.
    ///
    /// Accepts `YYYY-MM-DD`, then optionally `T` or a space and `HH:MM[:SS[.fraction]]`, then
    /// optionally `Z`, `±HH:MM`, `±HHMM` or `±HH`. A value without a zone is read as UTC
    /// (SPEC.md §6.3). The fraction may have up to 9 digits; digits past the sixth must be zero
    /// (Delta has no nanoseconds). With `ignoringZone`, a zone suffix is accepted but not applied
    /// (for `timestamp_ntz`).
    static func parseTimestamp(_ text: Substring, ignoringZone: Bool = false) -> Int64? {
        var cursor = TextCursor(text)
        guard let days = cursor.date() else { return nil }
        var micros: Int64 = 0
        if cursor.consume(UInt8(ascii: "T")) || cursor.consume(UInt8(ascii: " ")) {
            guard let hour = cursor.digits(exactly: 2), cursor.consume(UInt8(ascii: ":")),
                let minute = cursor.digits(exactly: 2), hour < 24, minute < 60
            else { return nil }
            var second: Int64 = 0
            var fraction: Int64 = 0
            if cursor.consume(UInt8(ascii: ":")) {
                guard let value = cursor.digits(exactly: 2), value < 60 else { return nil }
                second = value
                if cursor.consume(UInt8(ascii: ".")) {
                    var count = 0
                    while let digit = cursor.digit() {
                        count += 1
                        if count <= 6 {
                            fraction = fraction * 10 + digit
                        } else if digit != 0 || count > 9 {
                            return nil
                        }
                    }
                    guard count > 0 else { return nil }
                    if count < 6 { for _ in count..<6 { fraction *= 10 } }
                }
            }
            micros = ((hour * 60 + minute) * 60 + second) * 1_000_000 + fraction
        }
        var offsetMinutes: Int64 = 0
        if cursor.consume(UInt8(ascii: "Z")) || cursor.consume(UInt8(ascii: "z")) {
            offsetMinutes = 0
        } else if let sign = cursor.sign() {
            guard let hours = cursor.digits(exactly: 2), hours < 24 else { return nil }
            var minutes: Int64 = 0
            if cursor.consume(UInt8(ascii: ":")) {
                guard let value = cursor.digits(exactly: 2) else { return nil }
                minutes = value
            } else if let value = cursor.digits(exactly: 2) {
                minutes = value
            }
            guard minutes < 60 else { return nil }
            offsetMinutes = sign * (hours * 60 + minutes)
        }
        guard cursor.isAtEnd else { return nil }
        if ignoringZone { offsetMinutes = 0 }
        let (dayMicros, dayOverflow) = days.multipliedReportingOverflow(by: CivilCalendar.microsecondsPerDay)
        guard !dayOverflow else { return nil }
        let (local, localOverflow) = dayMicros.addingReportingOverflow(micros)
        let (result, zoneOverflow) = local.subtractingReportingOverflow(offsetMinutes * 60_000_000)
        guard !localOverflow, !zoneOverflow else { return nil }
        return result
    }

    /// A decimal number in plain or scientific notation → the unscaled value at `scale`, or `nil`
    /// when it is malformed, needs more than `scale` fraction digits, or exceeds `precision` digits.
    static func parseDecimal(_ text: Substring, precision: Int, scale: Int) -> Int128? {
        var cursor = TextCursor(text)
        let negative = cursor.sign().map { $0 < 0 } ?? false
        var digits: [UInt8] = []
        var fractionDigits = 0
        var seenPoint = false
        var seenDigit = false
        while let byte = cursor.peek() {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                seenDigit = true
                if !(digits.isEmpty && byte == UInt8(ascii: "0")) { digits.append(byte - UInt8(ascii: "0")) }
                if seenPoint { fractionDigits += 1 }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                break
            }
            cursor.advance()
        }
        guard seenDigit else { return nil }
        var exponent = 0
        if cursor.consume(UInt8(ascii: "e")) || cursor.consume(UInt8(ascii: "E")) {
            let sign = cursor.sign() ?? 1
            var value = 0
            var any = false
            while let digit = cursor.digit() {
                any = true
                value = value * 10 + Int(digit)
                if value > 1000 { return nil }
            }
            guard any else { return nil }
            exponent = Int(sign) * value
        }
        guard cursor.isAtEnd else { return nil }
        // value = digits × 10^(exponent − fractionDigits); rescale to 10^−scale.
        let shift = exponent - fractionDigits + scale
        if shift < 0 {
            // Dropped digits must be zeros (exact only).
            let drop = -shift
            guard drop <= digits.count || digits.allSatisfy({ $0 == 0 }) else { return nil }
            let kept = max(0, digits.count - drop)
            guard digits[kept...].allSatisfy({ $0 == 0 }) else { return nil }
            digits.removeLast(digits.count - kept)
        } else {
            guard digits.isEmpty || digits.count + shift <= precision else { return nil }
            if !digits.isEmpty { digits.append(contentsOf: repeatElement(0, count: shift)) }
        }
        guard digits.count <= precision else { return nil }
        var value: Int128 = 0
        for digit in digits { value = value * 10 + Int128(digit) }
        return negative ? -value : value
    }
}

/// A forward cursor over the UTF-8 bytes of a short text.
struct TextCursor {
    let bytes: [UInt8]
    var index = 0

    init(_ text: Substring) {
        bytes = Array(text.utf8)
    }

    var isAtEnd: Bool { index == bytes.count }

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func advance() { index += 1 }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// `+` → 1, `-` → −1, otherwise `nil` without consuming.
    mutating func sign() -> Int64? {
        if consume(UInt8(ascii: "+")) { return 1 }
        if consume(UInt8(ascii: "-")) { return -1 }
        return nil
    }

    mutating func digit() -> Int64? {
        guard index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") else {
            return nil
        }
        index += 1
        return Int64(bytes[index - 1] - UInt8(ascii: "0"))
    }

    mutating func digits(exactly count: Int) -> Int64? {
        let start = index
        var value: Int64 = 0
        for _ in 0..<count {
            guard let digit = digit() else {
                index = start
                return nil
            }
            value = value * 10 + digit
        }
        return value
    }

    /// `[+-]Y{4,}-MM-DD` → days since 1970-01-01 (validated against the calendar).
    mutating func date() -> Int64? {
        let sign = sign() ?? 1
        var year: Int64 = 0
        var count = 0
        while let digit = digit() {
            year = year * 10 + digit
            count += 1
            if count > 9 { return nil }
        }
        guard count >= 4, consume(UInt8(ascii: "-")), let month = digits(exactly: 2), consume(UInt8(ascii: "-")),
            let day = digits(exactly: 2), month >= 1, month <= 12
        else { return nil }
        year *= sign
        guard day >= 1, day <= CivilCalendar.daysInMonth(year: year, month: Int(month)) else { return nil }
        return CivilCalendar.days(year: year, month: Int(month), day: Int(day))
    }
}
