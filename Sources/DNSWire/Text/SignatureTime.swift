/// RRSIG signature expiration and inception times in presentation form (RFC 4034 §3.2).
///
/// On the wire a time is 32-bit seconds since 1970-01-01 00:00:00 UTC, compared with RFC 1982 serial
/// arithmetic (RFC 4034 §3.1.5). In text it is `YYYYMMDDHHmmSS` in UTC, or a plain decimal number of seconds.
/// Pure calendar arithmetic (proleptic Gregorian, no leap seconds): no clock and no time zone are consulted.
public enum SignatureTime {
    static let secondsPerDay: UInt64 = 86_400

    /// `YYYYMMDDHHmmSS` in UTC for `seconds` since the epoch (always between 1970 and 2106).
    public static func text(_ seconds: UInt32) -> String {
        var days = UInt64(seconds) / secondsPerDay
        let secondOfDay = UInt64(seconds) % secondsPerDay
        var year = 1970
        while days >= UInt64(daysIn(year: year)) {
            days -= UInt64(daysIn(year: year))
            year += 1
        }
        var month = 1
        while days >= UInt64(daysIn(month: month, year: year)) {
            days -= UInt64(daysIn(month: month, year: year))
            month += 1
        }
        let fields = [month, Int(days) + 1, Int(secondOfDay / 3600), Int(secondOfDay / 60 % 60), Int(secondOfDay % 60)]
        return String(year) + fields.map { $0 < 10 ? "0\($0)" : String($0) }.joined()
    }

    /// Seconds since the epoch from `YYYYMMDDHHmmSS` (exactly 14 digits) or a decimal number below 2^32.
    ///
    /// A date after 2106-02-07 06:28:15 is taken modulo 2^32, as serial arithmetic reads it (RFC 4034 §3.1.5).
    public static func parse(_ text: String) throws -> UInt32 {
        let chars = Array(text.utf8)
        guard !chars.isEmpty, chars.allSatisfy(isDigit) else {
            throw PresentationError("signature time '\(text)' is neither YYYYMMDDHHmmSS nor a number of seconds")
        }
        guard chars.count == 14 else {
            guard chars.count <= 10, let value = UInt32(text) else {
                throw PresentationError("signature time '\(text)' is neither YYYYMMDDHHmmSS nor a number of seconds below 2^32")
            }
            return value
        }
        func field(_ start: Int, _ length: Int) -> Int {
            chars[start..<(start + length)].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        let year = field(0, 4), month = field(4, 2), day = field(6, 2)
        let hour = field(8, 2), minute = field(10, 2), second = field(12, 2)
        guard year >= 1970 else { throw PresentationError("signature time '\(text)' is before 1970") }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 60 else {
            throw PresentationError("signature time '\(text)' is not a valid date and time")
        }
        let days = daysBefore(year: year) + (1..<month).reduce(0) { $0 + daysIn(month: $1, year: year) } + day - 1
        let total = UInt64(days) * secondsPerDay + UInt64(hour * 3600 + minute * 60 + second)
        return UInt32(truncatingIfNeeded: total)
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(year: Int) -> Int { isLeap(year) ? 366 : 365 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to January 1st of `year` (at least 1970).
    static func daysBefore(year: Int) -> Int {
        func leapYears(through y: Int) -> Int { y / 4 - y / 100 + y / 400 }
        return 365 * (year - 1970) + leapYears(through: year - 1) - leapYears(through: 1969)
    }
}
