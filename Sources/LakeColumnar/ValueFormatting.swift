/// Text forms of dates, times, timestamps, decimals and byte counts, shared by every output format.
///
/// Dates print as ISO 8601 `YYYY-MM-DD`; years outside 0…9999 print with a sign and at least
/// four digits (`+10000-01-01`, `-0001-01-01`), as in Python and DuckDB.
public enum ValueFormatting {
    /// A byte count for people, in binary units: `12 B`, `800 KiB`, `1.5 GiB` (one decimal, none
    /// when it is zero).
    public static func byteCount(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int64(rounded)) \(units[unit])" : "\(rounded) \(units[unit])"
    }

    /// `YYYY-MM-DD` for `days` since 1970-01-01.
    public static func date(_ days: Int64) -> String {
        let (year, month, day) = CivilCalendar.civil(fromDays: days)
        return yearText(year) + "-" + twoDigits(month) + "-" + twoDigits(day)
    }

    /// `HH:MM:SS.ffffff` for microseconds since midnight (negative or ≥ 24 h values wrap into a day).
    public static func time(_ micros: Int64) -> String {
        let day = CivilCalendar.microsecondsPerDay
        let inDay = ((micros % day) + day) % day
        let seconds = inDay / 1_000_000
        let fraction = inDay % 1_000_000
        return twoDigits(Int(seconds / 3600)) + ":" + twoDigits(Int(seconds / 60 % 60)) + ":"
            + twoDigits(Int(seconds % 60)) + "." + sixDigits(fraction)
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffff` for microseconds since the epoch, plus `Z` when `utc`.
    public static func timestamp(_ micros: Int64, utc: Bool, separator: String = "T") -> String {
        let day = CivilCalendar.microsecondsPerDay
        var days = micros / day
        var inDay = micros % day
        if inDay < 0 {
            inDay += day
            days -= 1
        }
        return date(days) + separator + time(inDay) + (utc ? "Z" : "")
    }

    /// The decimal `unscaled × 10^-scale` in plain notation with exactly `scale` fraction digits.
    public static func decimal(_ unscaled: Int128, scale: Int) -> String {
        let negative = unscaled < 0
        // The magnitude of Int128.min does not fit Int128; UInt128 holds every magnitude.
        let magnitude = unscaled.magnitude
        var digits = String(magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            let split = digits.index(digits.endIndex, offsetBy: -scale)
            digits = digits[..<split] + "." + digits[split...]
        }
        return negative ? "-" + digits : digits
    }

    private static func yearText(_ year: Int64) -> String {
        if year >= 0 && year <= 9999 {
            let text = String(year)
            return String(repeating: "0", count: 4 - text.count) + text
        }
        let text = String(year.magnitude)
        return (year < 0 ? "-" : "+") + String(repeating: "0", count: max(0, 4 - text.count)) + text
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0" + String(value) : String(value)
    }

    private static func sixDigits(_ value: Int64) -> String {
        let text = String(value)
        return String(repeating: "0", count: 6 - text.count) + text
    }
}
