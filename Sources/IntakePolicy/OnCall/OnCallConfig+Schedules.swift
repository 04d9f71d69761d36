import Foundation
import IntakeCore

extension OnCallConfig {
    /// Reads `schedules:`, checking each for unknown people, bad zones and times, and gaps from
    /// `now` to `now + horizon`.
    ///
    /// ```yaml
    /// - name: support-primary
    ///   time_zone: Europe/Berlin          # IANA; times below without an offset are local to it
    ///   layers:                           # lowest first: a later layer wins where it has someone
    ///     - name: weekly
    ///       participants: [ann, bob, chen]
    ///       start: 2026-01-05             # first hand-off (a date alone: at the hand-off time)
    ///       shift: weekly                 # daily, weekly, or 12h, 2d, 2w
    ///       handoff: "09:00"              # local wall time, kept across DST
    ///   overrides:
    ///     - {person: dana, start: 2026-03-14 09:00, end: 2026-03-16 09:00}
    /// ```
    static func readSchedules(_ sections: [ConfigSection], people: Set<String>, now: Date, horizon: TimeInterval) -> [Schedule] {
        var names = Set<String>()
        return sections.compactMap { section in
            defer { section.finish() }
            let problemsBefore = section.problems.all.count
            let name = section.string("name", required: true) ?? ""
            if !name.isEmpty, !names.insert(name).inserted { section.problem("name", "duplicate schedule \"\(name)\"") }
            let zone = readTimeZone(section, required: true) ?? TimeZone(identifier: "UTC")!
            let layerSections = section.sections("layers")
            if layerSections.isEmpty { section.problem("layers", "required: at least one rotation layer") }
            let layers = layerSections.enumerated().compactMap { index, layer in
                readLayer(layer, index: index, zone: zone, people: people)
            }
            let overrides = section.sections("overrides").compactMap { readOverride($0, zone: zone, people: people) }
            guard !name.isEmpty else { return nil }
            let schedule = Schedule(name: name, timeZone: zone, layers: layers, overrides: overrides)
            // Gaps in a schedule that already has problems would only repeat them.
            if section.problems.all.count == problemsBefore {
                checkGaps(schedule, section: section, from: now, to: now.addingTimeInterval(horizon))
            }
            return schedule
        }
    }

    private static func readLayer(_ section: ConfigSection, index: Int, zone: TimeZone, people: Set<String>) -> RotationLayer? {
        defer { section.finish() }
        let name = section.string("name") ?? "layer \(index + 1)"
        let zone = readTimeZone(section, required: false) ?? zone
        let participants = section.strings("participants")
        if participants.isEmpty { section.problem("participants", "required: the people who take turns, in order") }
        for (index, person) in participants.enumerated() {
            checkPerson(person, at: "participants[\(index)]", in: section, known: people)
        }
        let shift = section.string("shift", required: true).flatMap { text -> ShiftLength? in
            guard let shift = ShiftLength(text) else {
                section.problem("shift", "must be daily, weekly, or a length like 12h, 2d, 2w (got \"\(text)\")")
                return nil
            }
            return shift
        }
        let handoff = section.string("handoff").flatMap { text -> Int? in
            guard let seconds = ConfigTime.timeOfDay(text) else {
                section.problem("handoff", "must be a local time of day like \"09:00\" (got \"\(text)\")")
                return nil
            }
            return seconds
        }
        let start = readTime(section, "start", zone: zone, timeOfDay: handoff ?? 9 * 3600, required: true)
        let end = readTime(section, "end", zone: zone, timeOfDay: handoff ?? 9 * 3600, required: false)
        if let start, let end, end <= start { section.problem("end", "must be after start") }
        guard let shift, let start, !participants.isEmpty else { return nil }
        // Without a hand-off time, turns change at the time of day the rotation starts.
        let startLocal = Int(WallTime.local(start, in: zone).rounded(.down))
        let startTimeOfDay = ((startLocal % 86_400) + 86_400) % 86_400
        return RotationLayer(
            name: name, participants: participants, start: start, end: end, shift: shift,
            handoff: handoff ?? startTimeOfDay, timeZone: zone)
    }

    private static func readOverride(_ section: ConfigSection, zone: TimeZone, people: Set<String>) -> ScheduleOverride? {
        defer { section.finish() }
        let person = section.string("person", required: true)
        if let person { checkPerson(person, at: "person", in: section, known: people) }
        let start = readTime(section, "start", zone: zone, timeOfDay: 0, required: true)
        let end = readTime(section, "end", zone: zone, timeOfDay: 0, required: true)
        if let start, let end, end <= start { section.problem("end", "must be after start") }
        guard let person, let start, let end, end > start else { return nil }
        return ScheduleOverride(person: person, start: start, end: end)
    }

    private static func checkGaps(_ schedule: Schedule, section: ConfigSection, from: Date, to: Date) {
        let gaps = schedule.gaps(from: from, to: to)
        guard !gaps.isEmpty else { return }
        let shown = gaps.prefix(3).map { gap in
            "from \(ConfigTime.format(gap.start, in: schedule.timeZone)) to \(ConfigTime.format(gap.end, in: schedule.timeZone))"
        }
        let more = gaps.count > 3 ? " and \(gaps.count - 3) more" : ""
        let days = Int((to.timeIntervalSince(from) / 86_400).rounded())
        section.problem(nil, "has nobody on call in the next \(days) days: \(shown.joined(separator: ", "))\(more) (\(schedule.timeZone.identifier))")
    }

    static func readTimeZone(_ section: ConfigSection, required: Bool) -> TimeZone? {
        guard let identifier = section.string("time_zone", required: required) else { return nil }
        // Only IANA names: abbreviations like CET or EST have no DST rules people expect.
        guard identifier.contains("/") || identifier == "UTC", let zone = TimeZone(identifier: identifier) else {
            section.problem("time_zone", "unknown time zone \"\(identifier)\": use an IANA name like Europe/Berlin or America/New_York")
            return nil
        }
        return zone
    }

    private static func readTime(_ section: ConfigSection, _ key: String, zone: TimeZone, timeOfDay: Int, required: Bool) -> Date? {
        guard let text = section.string(key, required: required) else { return nil }
        guard let instant = ConfigTime.instant(text, in: zone, timeOfDay: timeOfDay) else {
            section.problem(key, "must be a date like 2026-03-02, a local time like 2026-03-02 09:00, or 2026-03-02T09:00:00+01:00 (got \"\(text)\")")
            return nil
        }
        return instant
    }

    /// Records `name` at `key` when it is not a configured person.
    static func checkPerson(_ name: String, at key: String, in section: ConfigSection, known: Set<String>) {
        if !known.contains(name) { section.problem(key, "unknown person \"\(name)\"") }
    }
}
