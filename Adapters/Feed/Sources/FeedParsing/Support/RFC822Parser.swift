import Foundation

/// RFC 822 / RFC 2822 dates and the variants RSS publishers produce.
enum RFC822Parser {
    static func parse(_ text: String) -> Date? {
        if let canonical = parseCanonical(text) { return canonical }
        var tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            .map(String.init)
        // Leading weekday ("Thu", "Thursday", "Thu.").
        if let first = tokens.first, first.allSatisfy(\.isLetter) || first.hasSuffix("."), month(first) == nil {
            tokens.removeFirst()
        }
        // "01-Jan-2004" and "01/Jan/2004" are one token.
        if let first = tokens.first, first.contains("-") || first.contains("/") {
            let parts = first.split(whereSeparator: { $0 == "-" || $0 == "/" }).map(String.init)
            if parts.count == 3, month(parts[1]) != nil { tokens.replaceSubrange(0..<1, with: parts) }
        }
        guard tokens.count >= 3 else { return nil }

        var day: Int?, monthNumber: Int?, year: Int?
        if let value = Int(tokens[0]), let m = month(tokens[1]) {
            (day, monthNumber, year) = (value, m, Int(tokens[2]))  // 01 Jan 2004
            tokens.removeFirst(3)
        } else if let m = month(tokens[0]), let value = Int(tokens[1]) {
            // Month first: "Jan 01 2004 19:48:21" or asctime "Jan 1 19:48:21 2004".
            monthNumber = m
            day = value
            if let y = Int(tokens[2]) {
                year = y
                tokens.removeFirst(3)
            } else if tokens.count >= 4, let y = Int(tokens[3]) {
                year = y
                tokens.remove(at: 3)
                tokens.removeFirst(2)
            }
        }
        guard let day, let monthNumber, var year else { return nil }
        if year < 50 { year += 2000 } else if year < 1000 { year += 1900 }

        var hour = 0, minute = 0, second = 0, offset = 0
        if let time = tokens.first, time.contains(":") {
            let parts = time.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 2, parts.count <= 3, let h = Int(parts[0]), let m = Int(parts[1]) else { return nil }
            hour = h
            minute = m
            if parts.count == 3 {
                guard let s = Int(parts[2].prefix { $0.isNumber }) else { return nil }
                second = s
            }
            tokens.removeFirst()
        }
        if let zone = tokens.first {
            guard let zoneOffset = zoneOffset(zone) else { return nil }
            offset = zoneOffset
        }
        return FeedDate.instant(
            year: year, month: monthNumber, day: day, hour: hour, minute: minute, second: second, offsetSeconds: offset)
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    private static func month(_ token: String) -> Int? {
        let lower = token.lowercased().trimming { $0 == "." }
        guard lower.count >= 3, let index = months.firstIndex(of: String(lower.prefix(3))) else { return nil }
        return index + 1
    }

    /// Offset in seconds east of UTC for a zone token (`GMT`, `EST`, `+0100`, `-05:00`, `UTC+2`).
    static func zoneOffset(_ token: String) -> Int? {
        var zone = token.uppercased().trimming { $0 == "(" || $0 == ")" }
        for prefix in ["GMT", "UTC", "UT"] where zone.hasPrefix(prefix) && zone.count > prefix.count {
            let rest = zone.dropFirst(prefix.count)
            if rest.first == "+" || rest.first == "-" { zone = String(rest) }
        }
        if let named = namedZones[zone] { return named * 3600 }
        // Military letters (RFC 2822 says treat them as -0000) and zone abbreviations we do
        // not know: an hour or two off beats dropping the date.
        if !zone.isEmpty, zone.count <= 5, zone.allSatisfy({ $0.isLetter }) { return 0 }
        guard let sign = zone.first, sign == "+" || sign == "-" else { return nil }
        let digits = zone.dropFirst().filter { $0 != ":" }
        guard !digits.isEmpty, digits.allSatisfy(\.isNumber), digits.count <= 4 else { return nil }
        let hours: Int, minutes: Int
        if digits.count <= 2 {
            hours = Int(digits) ?? 0
            minutes = 0
        } else {
            hours = Int(digits.dropLast(2)) ?? 0
            minutes = Int(digits.suffix(2)) ?? 0
        }
        guard hours <= 14, minutes < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    private static let namedZones: [String: Int] = [
        "GMT": 0, "UT": 0, "UTC": 0, "Z": 0, "WET": 0,
        "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
        "AST": -4, "ADT": -3, "AKST": -9, "AKDT": -8, "HST": -10,
        "BST": 1, "CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "EET": 2, "EEST": 3, "WEST": 1,
        "MSK": 3, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
    ]
}
