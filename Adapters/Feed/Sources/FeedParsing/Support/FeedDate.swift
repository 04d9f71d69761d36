import Foundation

/// Parses the date formats feeds use into instants (UTC when no zone is given).
///
/// - RFC 822 / RFC 2822 (`pubDate`): optional weekday, `d Mon yyyy hh:mm[:ss] zone`,
///   named zones (GMT, UT, EST, PDT, ...), numeric zones (`+0100`, `-05:00`),
///   two-digit years (00-49 -> 20xx, 50-99 -> 19xx), `d-Mon-yyyy`, month-first forms.
/// - ISO 8601 / RFC 3339 / W3C-DTF (Atom, `dc:date`): `yyyy`, `yyyy-mm`, `yyyy-mm-dd`,
///   compact `yyyymmdd`, a `T` or space before the time, optional seconds and
///   fractions, `Z` or `+hh:mm`/`+hhmm`/`+hh`, or no zone.
enum FeedDate {
    static func parse(_ raw: String) -> Date? {
        let text = raw.trimmedWhitespace
        guard !text.isEmpty, text.utf8.count < 100 || text.count < 100 else { return nil }
        if let first = text.first, first.isNumber, let date = ISO8601Parser.parse(text) { return date }
        return RFC822Parser.parse(text)
    }

    /// The instant for a civil date and time at a zone offset, or `nil` when any field is
    /// out of range (February 30th does not roll over into March).
    static func instant(
        year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
        nanosecond: Int = 0, offsetSeconds: Int = 0
    ) -> Date? {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day),
              (0...24).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        guard let midnight = midnight(year: year, month: month, day: day) else { return nil }
        let seconds = hour * 3600 + minute * 60 + min(second, 59) - offsetSeconds
        return midnight.addingTimeInterval(TimeInterval(seconds) + TimeInterval(nanosecond) / 1e9)
    }

    /// Midnight UTC of a civil date, `nil` for days the month does not have. From 1600 on
    /// this is plain proleptic Gregorian arithmetic; earlier dates go through Foundation's
    /// calendar, which switches to the Julian calendar before October 1582.
    private static func midnight(year: Int, month: Int, day: Int) -> Date? {
        guard year >= 1600 else {
            let components = DateComponents(
                calendar: utcCalendar, timeZone: utc, year: year, month: month, day: day,
                hour: 0, minute: 0, second: 0)
            guard let midnight = utcCalendar.date(from: components) else { return nil }
            // Reject days the month does not have instead of letting the calendar roll over.
            guard utcCalendar.component(.day, from: midnight) == day else { return nil }
            return midnight
        }
        let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        guard day <= (month == 2 ? (isLeap ? 29 : 28) : monthLengths[month - 1]) else { return nil }
        // Days since 1970-01-01 (H. Hinnant's days_from_civil; years here are positive).
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400))
    }

    private static let monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

    static let utc = TimeZone(identifier: "UTC")!
    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        return calendar
    }()
}
