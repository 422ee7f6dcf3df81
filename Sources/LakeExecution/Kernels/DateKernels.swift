import LakeColumnar

/// Date and timestamp functions over day counts (DATE) and microseconds since the epoch
/// (TIMESTAMP, TIMESTAMP_NTZ), all in the proleptic Gregorian calendar, UTC.
enum DateKernels {
    static func apply(_ function: ScalarFunction, _ values: [Column], arguments: [PhysicalExpression])
        throws(ExecutionError) -> Column
    {
        switch function {
        case .dateTrunc:
            guard case .literal(.string(let unit), _) = arguments[0] else { throw .failed("date_trunc needs a constant unit") }
            let micros = try timestampMicros(values[1])
            let unitName = unit.lowercased()
            let truncated = Kernels.map1(micros) { truncate($0, unit: unitName) }
            if case .timestamp = values[1] { return .timestamp(truncated) }
            return .timestampNTZ(truncated)
        case .dateAddDays:
            guard case .date(let days) = values[0], case .int64(let amount) = values[1] else { break }
            return .date(Kernels.map2(days, amount) { Int32(truncatingIfNeeded: Int64($0) &+ $1) })
        case .dateDiffDays:
            guard case .date(let left) = values[0], case .date(let right) = values[1] else { break }
            return .int64(Kernels.map2(left, right) { Int64($0) - Int64($1) })
        case .addInterval:
            guard case .literal(.integer(let months), _) = arguments[1], case .literal(.integer(let days), _) = arguments[2],
                case .literal(.integer(let extra), _) = arguments[3]
            else { break }
            let micros = try timestampMicros(values[0])
            let shifted = Kernels.map1(micros) { value -> Int64 in
                var result = value
                if months != 0 { result = addMonths(result, Int(months)) }
                return result &+ days &* CivilCalendar.microsecondsPerDay &+ extra
            }
            if case .timestampNTZ = values[0] { return .timestampNTZ(shifted) }
            return .timestamp(shifted)
        default:
            let micros = try timestampMicros(values[0])
            return .int64(Kernels.map1(micros) { part(function, $0) })
        }
        throw .failed("\(function.rawValue) does not apply to these arguments")
    }

    static func timestampMicros(_ column: Column) throws(ExecutionError) -> PrimitiveColumn<Int64> {
        switch column {
        case .timestamp(let c), .timestampNTZ(let c): return c
        case .date(let c): return Kernels.map1(c) { Int64($0) &* CivilCalendar.microsecondsPerDay }
        default: throw .failed("expected a DATE or TIMESTAMP, got \(column.dataType)")
        }
    }

    @inline(__always)
    static func part(_ function: ScalarFunction, _ micros: Int64) -> Int64 {
        let days = floorDivide(micros, CivilCalendar.microsecondsPerDay)
        let inDay = micros - days * CivilCalendar.microsecondsPerDay
        switch function {
        case .hour: return inDay / 3_600_000_000
        case .minute: return (inDay / 60_000_000) % 60
        case .second: return (inDay / 1_000_000) % 60
        case .epoch: return floorDivide(micros, 1_000_000)
        case .dayofweek: return Int64(((days % 7) + 7 + 4) % 7)  // 1970-01-01 was a Thursday; Sunday = 0
        default: break
        }
        let civil = CivilCalendar.civil(fromDays: days)
        switch function {
        case .year: return civil.year
        case .month: return Int64(civil.month)
        case .day: return Int64(civil.day)
        case .quarter: return Int64((civil.month - 1) / 3 + 1)
        case .dayofyear: return days - CivilCalendar.days(year: civil.year, month: 1, day: 1) + 1
        default: return 0
        }
    }

    static func truncate(_ micros: Int64, unit: String) -> Int64 {
        let day = CivilCalendar.microsecondsPerDay
        let days = floorDivide(micros, day)
        switch unit {
        case "microsecond", "microseconds", "us": return micros
        case "millisecond", "milliseconds", "ms": return floorDivide(micros, 1000) * 1000
        case "second", "seconds", "s": return floorDivide(micros, 1_000_000) * 1_000_000
        case "minute", "minutes", "m": return floorDivide(micros, 60_000_000) * 60_000_000
        case "hour", "hours", "h": return floorDivide(micros, 3_600_000_000) * 3_600_000_000
        case "day", "days", "d": return days * day
        case "week", "weeks", "w":
            let weekday = ((days % 7) + 7 + 3) % 7  // Monday = 0
            return (days - weekday) * day
        default: break
        }
        let civil = CivilCalendar.civil(fromDays: days)
        switch unit {
        case "month", "months": return CivilCalendar.days(year: civil.year, month: civil.month, day: 1) * day
        case "quarter", "quarters":
            return CivilCalendar.days(year: civil.year, month: (civil.month - 1) / 3 * 3 + 1, day: 1) * day
        case "year", "years", "y": return CivilCalendar.days(year: civil.year, month: 1, day: 1) * day
        case "decade": return CivilCalendar.days(year: civil.year - ((civil.year % 10) + 10) % 10, month: 1, day: 1) * day
        default: return micros
        }
    }

    static func addMonths(_ micros: Int64, _ months: Int) -> Int64 {
        let day = CivilCalendar.microsecondsPerDay
        let days = floorDivide(micros, day)
        let inDay = micros - days * day
        let civil = CivilCalendar.civil(fromDays: days)
        let total = Int(civil.year) * 12 + (civil.month - 1) + months
        let year = Int64(total >= 0 ? total / 12 : (total - 11) / 12)
        let month = total - Int(year) * 12 + 1
        let dayOfMonth = min(civil.day, CivilCalendar.daysInMonth(year: year, month: month))
        return CivilCalendar.days(year: year, month: month, day: dayOfMonth) * day + inDay
    }

    /// Whether a unit name is one `date_trunc` knows.
    public static let truncationUnits: Set<String> = [
        "microsecond", "microseconds", "us", "millisecond", "milliseconds", "ms", "second", "seconds", "s", "minute",
        "minutes", "m", "hour", "hours", "h", "day", "days", "d", "week", "weeks", "w", "month", "months", "quarter",
        "quarters", "year", "years", "y", "decade",
    ]
}
