/// Proleptic Gregorian calendar arithmetic on day counts, without Foundation.
///
/// Dates are days since 1970-01-01 and timestamps microseconds since 1970-01-01T00:00:00, as in
/// Parquet, Delta and Arrow. The conversions follow Howard Hinnant's `days_from_civil` and
/// `civil_from_days` algorithms, exact for every `Int32` day.
public enum CivilCalendar {
    /// Microseconds in one day.
    public static let microsecondsPerDay: Int64 = 86_400_000_000

    /// The year, month (1…12) and day (1…31) of `days` since 1970-01-01.
    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Days since 1970-01-01 of a civil date; `month` 1…12, `day` 1…31 (not range-checked here).
    @inlinable @inline(__always)
    public static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let adjustedYear = month <= 2 ? year - 1 : year
        let era = (adjustedYear >= 0 ? adjustedYear : adjustedYear - 399) / 400
        let yearOfEra = adjustedYear - era * 400
        let monthShifted = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * monthShifted + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Whether `year` is a leap year.
    @inlinable @inline(__always)
    public static func isLeapYear(_ year: Int64) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in `month` of `year`.
    @inlinable @inline(__always)
    public static func daysInMonth(year: Int64, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
