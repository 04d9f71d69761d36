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
        guard !text.isEmpty, text.count < 100 else { return nil }
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
        let components = DateComponents(
            calendar: utcCalendar, timeZone: utc, year: year, month: month, day: day,
            hour: 0, minute: 0, second: 0)
        guard let midnight = utcCalendar.date(from: components) else { return nil }
        // Reject days the month does not have instead of letting the calendar roll over.
        guard utcCalendar.component(.day, from: midnight) == day else { return nil }
        let seconds = hour * 3600 + minute * 60 + min(second, 59) - offsetSeconds
        return midnight.addingTimeInterval(TimeInterval(seconds) + TimeInterval(nanosecond) / 1e9)
    }

    static let utc = TimeZone(identifier: "UTC")!
    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        return calendar
    }()
}
