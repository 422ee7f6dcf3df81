import LakeColumnar

/// `date_diff`, `strftime`, `strptime`, `make_date` and `epoch` (SPEC.md §8.8), over day counts
/// and microseconds since the epoch, UTC.
enum TimeFunctions {
    static func apply(_ function: ScalarFunction, _ values: [Column], arguments: [PhysicalExpression])
        throws(ExecutionError) -> Column
    {
        switch function {
        case .epochSeconds:
            let micros = try DateKernels.timestampMicros(values[0])
            return .float64(Kernels.map1(micros) { Double($0) / 1_000_000 })
        case .dateDiff:
            guard case .literal(.string(let part), _) = arguments[0] else { throw .failed("date_diff needs a constant part") }
            let a = try DateKernels.timestampMicros(values[1])
            let b = try DateKernels.timestampMicros(values[2])
            // The part is chosen once per batch; each loop is specialized for it.
            let day = CivilCalendar.microsecondsPerDay
            switch part {
            case "microsecond": return .int64(Kernels.map2(a, b) { $1 &- $0 })
            case "millisecond": return .int64(Kernels.map2(a, b) { floorDivide($1, 1000) &- floorDivide($0, 1000) })
            case "second": return .int64(Kernels.map2(a, b) { floorDivide($1, 1_000_000) &- floorDivide($0, 1_000_000) })
            case "minute": return .int64(Kernels.map2(a, b) { floorDivide($1, 60_000_000) &- floorDivide($0, 60_000_000) })
            case "hour":
                return .int64(Kernels.map2(a, b) { floorDivide($1, 3_600_000_000) &- floorDivide($0, 3_600_000_000) })
            case "day": return .int64(Kernels.map2(a, b) { floorDivide($1, day) &- floorDivide($0, day) })
            case "week": return .int64(Kernels.map2(a, b) { (floorDivide($1, day) &- floorDivide($0, day)) / 7 })
            case "year": return .int64(Kernels.map2(a, b) { calendarDifference(.year, $0, $1) })
            case "quarter": return .int64(Kernels.map2(a, b) { calendarDifference(.quarter, $0, $1) })
            default: return .int64(Kernels.map2(a, b) { calendarDifference(.month, $0, $1) })
            }
        case .makeDate:
            guard case .int64(let years) = values[0], case .int64(let months) = values[1], case .int64(let days) = values[2]
            else { throw .failed("make_date expects integers") }
            let validity = Validity.and(Validity.and(years.validity, months.validity), days.validity)
            var result = ContiguousArray<Int32>(repeating: 0, count: years.count)
            for row in 0..<years.count where validity?.isValid(row) ?? true {
                let (year, month, day) = (years.values[row], months.values[row], days.values[row])
                guard month >= 1, month <= 12, day >= 1, year > -290_000, year < 290_000,
                    day <= Int64(CivilCalendar.daysInMonth(year: year, month: Int(month)))
                else { throw .failed("date out of range: \(year)-\(month)-\(day)") }
                result[row] = Int32(truncatingIfNeeded: CivilCalendar.days(year: year, month: Int(month), day: Int(day)))
            }
            return .date(PrimitiveColumn(values: result, validity: validity))
        case .strftime:
            guard case .literal(.string(let pattern), _) = arguments[1] else { throw .failed("strftime needs a constant format") }
            let micros = try DateKernels.timestampMicros(values[0])
            let formatBytes = Array(pattern.utf8)
            var builder = StringColumnBuilder(capacity: micros.count)
            var scratch: [UInt8] = []
            for row in 0..<micros.count {
                scratch.removeAll(keepingCapacity: true)
                if micros.validity?.isValid(row) ?? true { try format(micros.values[row], formatBytes, into: &scratch) }
                builder.append(contentsOf: scratch)
            }
            let result = builder.finish()
            return .string(StringColumn(offsets: result.offsets, bytes: result.bytes, validity: micros.validity))
        case .strptime:
            guard case .literal(.string(let format), _) = arguments[1] else { throw .failed("strptime needs a constant format") }
            guard case .string(let strings) = values[0] else { throw .failed("strptime expects a string") }
            let formatBytes = Array(format.utf8)
            var result = ContiguousArray<Int64>(repeating: 0, count: strings.count)
            var text: [UInt8] = []
            for row in 0..<strings.count where strings.isValid(row) {
                TextFunctions.load(strings, row, into: &text)
                guard let value = parse(text, formatBytes) else {
                    throw .failed(
                        "could not parse string \"\(String(decoding: text, as: UTF8.self))\" according to format "
                            + "specifier \"\(format)\"")
                }
                result[row] = value
            }
            return .timestampNTZ(PrimitiveColumn(values: result, validity: strings.validity))
        default:
            throw .failed("function \(function.rawValue) is not implemented")
        }
    }

    /// Calendar units for ``calendarDifference(_:_:_:)``.
    enum CalendarUnit { case year, quarter, month }

    /// Year, quarter or month boundaries crossed from `a` to `b` (DuckDB's `date_diff`).
    @inline(__always)
    static func calendarDifference(_ unit: CalendarUnit, _ a: Int64, _ b: Int64) -> Int64 {
        let day = CivilCalendar.microsecondsPerDay
        let x = CivilCalendar.civil(fromDays: floorDivide(a, day))
        let y = CivilCalendar.civil(fromDays: floorDivide(b, day))
        switch unit {
        case .year: return y.year &- x.year
        case .quarter: return (y.year &* 4 &+ Int64((y.month - 1) / 3)) &- (x.year &* 4 &+ Int64((x.month - 1) / 3))
        case .month: return (y.year &* 12 &+ Int64(y.month)) &- (x.year &* 12 &+ Int64(x.month))
        }
    }

    static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    /// Appends `micros` formatted by a strftime `format` (the specifiers of SPEC.md §8.8).
    static func format(_ micros: Int64, _ format: [UInt8], into out: inout [UInt8]) throws(ExecutionError) {
        let day = CivilCalendar.microsecondsPerDay
        let days = floorDivide(micros, day)
        let inDay = micros - days * day
        let civil = CivilCalendar.civil(fromDays: days)
        let hour = Int64(inDay / 3_600_000_000)
        let minute = Int64((inDay / 60_000_000) % 60)
        let second = Int64((inDay / 1_000_000) % 60)
        let fraction = inDay % 1_000_000
        let weekday = Int(((days % 7) + 7 + 4) % 7)
        let dayOfYear = days - CivilCalendar.days(year: civil.year, month: 1, day: 1) + 1
        func number(_ value: Int64, _ width: Int, pad: Bool) {
            // Digits written in place, most significant first; no intermediate string.
            if value < 0 { out.append(UInt8(ascii: "-")) }
            let magnitude = value.magnitude
            var digitCount = 1
            var probe = magnitude
            while probe >= 10 {
                probe /= 10
                digitCount += 1
            }
            if pad && digitCount < width { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digitCount)) }
            let start = out.count
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digitCount))
            var rest = magnitude
            for index in stride(from: start + digitCount - 1, through: start, by: -1) {
                out[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
        }
        func text(_ value: String) { out.append(contentsOf: value.utf8) }
        var index = 0
        while index < format.count {
            let byte = format[index]
            guard byte == UInt8(ascii: "%"), index + 1 < format.count else {
                out.append(byte)
                index += 1
                continue
            }
            var specifier = format[index + 1]
            var pad = true
            index += 2
            if specifier == UInt8(ascii: "-"), index < format.count {
                pad = false
                specifier = format[index]
                index += 1
            }
            switch Character(Unicode.Scalar(specifier)) {
            case "Y": number(civil.year, 4, pad: pad)
            case "y": number(((civil.year % 100) + 100) % 100, 2, pad: pad)
            case "m": number(Int64(civil.month), 2, pad: pad)
            case "d": number(Int64(civil.day), 2, pad: pad)
            case "H": number(hour, 2, pad: pad)
            case "I": number(hour % 12 == 0 ? 12 : hour % 12, 2, pad: pad)
            case "M": number(minute, 2, pad: pad)
            case "S": number(second, 2, pad: pad)
            case "f": number(fraction, 6, pad: true)
            case "g": number(fraction / 1000, 3, pad: true)
            case "n": number(fraction * 1000, 9, pad: true)
            case "j": number(dayOfYear, 3, pad: pad)
            case "p": text(hour < 12 ? "AM" : "PM")
            case "a": out.append(contentsOf: dayNames[weekday].utf8.prefix(3))
            case "A": text(dayNames[weekday])
            case "b", "h": out.append(contentsOf: monthNames[civil.month - 1].utf8.prefix(3))
            case "B": text(monthNames[civil.month - 1])
            case "w": number(Int64(weekday), 1, pad: false)
            case "u": number(Int64(weekday == 0 ? 7 : weekday), 1, pad: false)
            case "z": text("+00")
            case "Z": break
            case "%": out.append(UInt8(ascii: "%"))
            case "x":
                try TimeFunctions.format(micros, Array("%Y-%m-%d".utf8), into: &out)
            case "X":
                try TimeFunctions.format(micros, Array("%H:%M:%S".utf8), into: &out)
            case "c":
                try TimeFunctions.format(micros, Array("%Y-%m-%d %H:%M:%S".utf8), into: &out)
            default:
                throw .failed("unknown strftime format specifier %\(Character(Unicode.Scalar(specifier)))")
            }
        }
    }

    /// `text` parsed by a strptime `format` into microseconds, or `nil` when it does not match
    /// the whole text.
    static func parse(_ text: [UInt8], _ format: [UInt8]) -> Int64? {
        var year: Int64 = 1900
        var month = 1
        var dayOfMonth = 1
        var hour: Int64 = 0
        var minute: Int64 = 0
        var second: Int64 = 0
        var micros: Int64 = 0
        var pm: Bool?
        var position = 0
        func digits(_ maxCount: Int) -> Int64? {
            var value: Int64 = 0
            var count = 0
            var negative = false
            if position < text.count, text[position] == UInt8(ascii: "-"), maxCount >= 4 {
                negative = true
                position += 1
            }
            while position < text.count, count < maxCount, text[position] >= 48, text[position] <= 57 {
                value = value * 10 + Int64(text[position] - 48)
                position += 1
                count += 1
            }
            if count == 0 { return nil }
            return negative ? -value : value
        }
        func name(_ names: [String]) -> Int? {
            for (index, full) in names.enumerated() {
                for candidate in [full, String(full.prefix(3))] {
                    let bytes = Array(candidate.lowercased().utf8)
                    if position + bytes.count <= text.count,
                        zip(text[position..<position + bytes.count], bytes).allSatisfy({ ($0 | 0x20) == $1 })
                    {
                        position += bytes.count
                        return index
                    }
                }
            }
            return nil
        }
        var index = 0
        while index < format.count {
            let byte = format[index]
            if byte != UInt8(ascii: "%") || index + 1 >= format.count {
                if byte == UInt8(ascii: " ") {
                    while position < text.count, text[position] == UInt8(ascii: " ") { position += 1 }
                } else {
                    guard position < text.count, text[position] == byte else { return nil }
                    position += 1
                }
                index += 1
                continue
            }
            var specifier = format[index + 1]
            index += 2
            if specifier == UInt8(ascii: "-"), index < format.count {
                specifier = format[index]
                index += 1
            }
            switch Character(Unicode.Scalar(specifier)) {
            case "Y": guard let v = digits(6) else { return nil }; year = v
            case "y": guard let v = digits(2) else { return nil }; year = v < 69 ? 2000 + v : 1900 + v
            case "m": guard let v = digits(2) else { return nil }; month = Int(v)
            case "d": guard let v = digits(2) else { return nil }; dayOfMonth = Int(v)
            case "H", "I": guard let v = digits(2) else { return nil }; hour = v
            case "M": guard let v = digits(2) else { return nil }; minute = v
            case "S": guard let v = digits(2) else { return nil }; second = v
            case "f", "g", "n":
                let start = position
                guard var v = digits(9) else { return nil }
                var count = position - start
                while count < 6 {
                    v *= 10
                    count += 1
                }
                while count > 6 {
                    v /= 10
                    count -= 1
                }
                micros = v
            case "j": return nil
            case "p":
                guard position + 2 <= text.count else { return nil }
                let first = text[position] | 0x20
                guard first == UInt8(ascii: "a") || first == UInt8(ascii: "p"), text[position + 1] | 0x20 == UInt8(ascii: "m")
                else { return nil }
                pm = first == UInt8(ascii: "p")
                position += 2
            case "b", "B", "h": guard let v = name(monthNames) else { return nil }; month = v + 1
            case "a", "A": guard name(dayNames) != nil else { return nil }
            case "%": guard position < text.count, text[position] == UInt8(ascii: "%") else { return nil }; position += 1
            default: return nil
            }
        }
        guard position == text.count else { return nil }
        if let pm {
            guard hour >= 1, hour <= 12 else { return nil }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        guard month >= 1, month <= 12, dayOfMonth >= 1, dayOfMonth <= CivilCalendar.daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let days = CivilCalendar.days(year: year, month: month, day: dayOfMonth)
        return days * CivilCalendar.microsecondsPerDay + hour * 3_600_000_000 + minute * 60_000_000 + second * 1_000_000
            + micros
    }
}
