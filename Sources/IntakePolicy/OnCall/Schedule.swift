import Foundation

/// Who is on call when: rotation layers, with overrides on top.
///
/// At any instant the latest override covering it wins; otherwise the highest layer (the last in
/// `layers`) that has someone; otherwise nobody, which is a gap.
public struct Schedule: Sendable {
    public var name: String
    /// The zone local times are written and shown in; each layer keeps its own for hand-offs.
    public var timeZone: TimeZone
    /// Lowest first: a later layer covers the earlier ones wherever it has someone.
    public var layers: [RotationLayer]
    /// One-off replacements (holiday cover, swaps); a later override wins over an earlier one.
    public var overrides: [ScheduleOverride]

    public init(name: String, timeZone: TimeZone, layers: [RotationLayer], overrides: [ScheduleOverride] = []) {
        self.name = name
        self.timeZone = timeZone
        self.layers = layers
        self.overrides = overrides
    }

    /// The name of the person on call at `instant`, nil in a gap.
    public func onCall(at instant: Date) -> String? {
        if let override = overrides.last(where: { $0.interval.start <= instant && instant < $0.interval.end }) {
            return override.person
        }
        for layer in layers.reversed() {
            if let person = layer.onCall(at: instant) { return person }
        }
        return nil
    }

    /// Who is on call from `from` to `to`, as consecutive shifts (a gap is a shift with no person).
    public func shifts(from: Date, to: Date) -> [OnCallShift] {
        guard from < to else { return [] }
        var points = Set([from])
        for override in overrides {
            for point in [override.interval.start, override.interval.end] where point > from && point < to { points.insert(point) }
        }
        for layer in layers { points.formUnion(layer.changes(after: from, before: to)) }
        let starts = points.sorted()
        var result: [OnCallShift] = []
        for (index, start) in starts.enumerated() {
            let end = index + 1 < starts.count ? starts[index + 1] : to
            let person = onCall(at: start)
            if let last = result.last, last.person == person {
                result[result.count - 1].interval.end = end
            } else {
                result.append(OnCallShift(person: person, interval: DateInterval(start: start, end: end)))
            }
        }
        return result
    }

    /// The stretches from `from` to `to` when nobody is on call.
    public func gaps(from: Date, to: Date) -> [DateInterval] {
        shifts(from: from, to: to).filter { $0.person == nil }.map(\.interval)
    }

    /// Every person the schedule can put on call, in order of first mention.
    public var people: [String] {
        var seen = Set<String>()
        return (layers.flatMap(\.participants) + overrides.map(\.person)).filter { seen.insert($0).inserted }
    }
}

/// One person on call instead of the layers for a while.
public struct ScheduleOverride: Sendable, Equatable {
    public var person: String
    public var interval: DateInterval

    public init(person: String, start: Date, end: Date) {
        self.person = person
        self.interval = DateInterval(start: start, end: max(start, end))
    }
}

/// A stretch with one person on call, or nobody (a gap).
public struct OnCallShift: Sendable, Equatable {
    public var person: String?
    public var interval: DateInterval

    public init(person: String?, interval: DateInterval) {
        self.person = person
        self.interval = interval
    }
}
