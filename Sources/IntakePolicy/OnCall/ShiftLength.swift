/// How long one turn of a rotation lasts, in local wall-clock hours (a day is 24 local hours, even across DST).
public struct ShiftLength: Sendable, Hashable, CustomStringConvertible {
    public let hours: Int

    public static func hours(_ count: Int) -> ShiftLength { ShiftLength(hours: count) }
    public static func days(_ count: Int) -> ShiftLength { ShiftLength(hours: count * 24) }
    public static func weeks(_ count: Int) -> ShiftLength { ShiftLength(hours: count * 24 * 7) }
    public static let daily = days(1)
    public static let weekly = weeks(1)

    /// Reads `daily`, `weekly`, `12h`, `2d` or `2w`; nil for anything else or a length under one hour.
    public init?(_ text: String) {
        switch text.lowercased() {
        case "daily": self = .daily
        case "weekly": self = .weekly
        default:
            let units = ["h": 1, "d": 24, "w": 168]
            guard let unit = text.last.flatMap({ units[String($0).lowercased()] }), let count = Int(text.dropLast()), count > 0,
                  count <= 52 * 168 / unit
            else { return nil }
            self.hours = count * unit
        }
    }

    private init(hours: Int) { self.hours = hours }

    var seconds: Double { Double(hours) * 3600 }

    public var description: String {
        if hours % 168 == 0 { return hours == 168 ? "weekly" : "\(hours / 168)w" }
        if hours % 24 == 0 { return hours == 24 ? "daily" : "\(hours / 24)d" }
        return "\(hours)h"
    }
}
