/// Wall-clock seconds since the epoch as UTC ISO-8601 text (`2026-12-04T21:00:00Z`), for state files and logs.
///
/// Pure proleptic-Gregorian arithmetic on day numbers (no clock, no time zone, no leap seconds), limited to
/// years 0000…9999 so the text always has four year digits.
public enum UTCTime {
    static let secondsPerDay: Int64 = 86_400
    /// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    static let range: ClosedRange<Int64> = -62_167_219_200...253_402_300_799

    /// The ISO-8601 text of `seconds`, clamped to `range`.
    public static func text(_ seconds: Int64) -> String {
        let clamped = min(max(seconds, range.lowerBound), range.upperBound)
        let (days, secondOfDay) = floorDivision(clamped, secondsPerDay)
        let (year, month, day) = civil(fromDays: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(yearText)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):"
            + "\(two(secondOfDay % 60))Z"
    }

    /// Quotient and non-negative remainder.
    static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    /// Year, month, day of the day `days` after 1970-01-01. The calendar is counted in 400-year eras of
    /// 146 097 days from 0000-03-01, so leap days fall at the end of each counted year.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468  // days from 0000-03-01 to 1970-01-01
        let (era, dayOfEra) = floorDivision(shifted, 146_097)
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153  // 0 = March … 11 = February
        let day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
        let month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
