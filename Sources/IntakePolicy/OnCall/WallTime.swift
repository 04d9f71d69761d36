import Foundation

/// Local wall-clock time in a time zone, as seconds on a clock that never jumps, so shifts are
/// counted in local hours: a 09:00 hand-off stays 09:00 across a DST change.
enum WallTime {
    /// The local wall time of `instant` in `zone`, as seconds since 1970-01-01T00:00 local.
    static func local(_ instant: Date, in zone: TimeZone) -> TimeInterval {
        instant.timeIntervalSince1970 + TimeInterval(zone.secondsFromGMT(for: instant))
    }

    /// The instant a local wall time happens in `zone`. A time that happens twice (the hour
    /// repeated in autumn) is its first occurrence; one that never happens (the hour skipped in
    /// spring) is read with the offset before the change, so it lands after the gap (02:30 → 03:30).
    static func instant(_ local: TimeInterval, in zone: TimeZone) -> Date {
        // Offsets in force a day either side cover any one change; zones change at most a few times a year.
        let before = TimeInterval(zone.secondsFromGMT(for: Date(timeIntervalSince1970: local - 86_400)))
        let after = TimeInterval(zone.secondsFromGMT(for: Date(timeIntervalSince1970: local + 86_400)))
        let candidates = [local - before, local - after].filter { candidate in
            TimeInterval(zone.secondsFromGMT(for: Date(timeIntervalSince1970: candidate))) == local - candidate
        }
        return Date(timeIntervalSince1970: candidates.min() ?? (local - before))
    }
}
