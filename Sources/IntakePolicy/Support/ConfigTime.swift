import Foundation

/// Reads and writes the times a config holds: `2026-03-02`, `2026-03-02 09:00`, `2026-03-02T09:00:00+01:00`, `09:00`.
///
/// A time without an offset is local wall time in the schedule's zone; a date alone is that date
/// at a default time of day. Pure arithmetic on the proleptic Gregorian calendar, no locale.
enum ConfigTime {
    /// The instant `text` names; nil when it is not one of the accepted forms or not a real date.
    /// `timeOfDay` (seconds after midnight) is used when `text` is a date alone.
    static func instant(_ text: String, in zone: TimeZone, timeOfDay: Int) -> Date? {
        let pattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?$/
        guard let match = text.trimmingCharacters(in: .whitespaces).wholeMatch(of: pattern),
              let year = Int(match.1), let month = Int(match.2), let day = Int(match.3),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var seconds = timeOfDay
        if let hourText = match.4, let minuteText = match.5 {
            guard let hour = Int(hourText), let minute = Int(minuteText), hour < 24, minute < 60 else { return nil }
            let second = match.6.flatMap { Int($0) } ?? 0
            guard second < 60 else { return nil }
            seconds = hour * 3600 + minute * 60 + second
        }
        let local = Double(daysFromCivil(year: year, month: month, day: day) * 86_400 + seconds)
        guard let offsetText = match.7 else { return WallTime.instant(local, in: zone) }
        guard let offset = offsetSeconds(String(offsetText)) else { return nil }
        return Date(timeIntervalSince1970: local - Double(offset))
    }

    /// `HH:MM` as seconds after midnight.
    static func timeOfDay(_ text: String) -> Int? {
        guard let match = text.trimmingCharacters(in: .whitespaces).wholeMatch(of: /^(\d{1,2}):(\d{2})$/),
              let hour = Int(match.1), let minute = Int(match.2), hour < 24, minute < 60
        else { return nil }
        return hour * 3600 + minute * 60
    }

    /// `2026-03-09 09:00` in `zone`, for messages.
    static func format(_ instant: Date, in zone: TimeZone) -> String {
        let local = Int(WallTime.local(instant, in: zone).rounded(.down))
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let (year, month, day) = civilFromDays(days)
        let seconds = local - days * 86_400
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(seconds / 3600)):\(two(seconds % 3600 / 60))"
    }

    private static func offsetSeconds(_ text: String) -> Int? {
        if text == "Z" { return 0 }
        let sign = text.hasPrefix("-") ? -1 : 1
        let digits = text.dropFirst().filter { $0 != ":" }
        guard digits.count == 4, let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)), hours < 24, minutes < 60 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
