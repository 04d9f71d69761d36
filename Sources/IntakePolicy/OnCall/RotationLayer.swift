import Foundation

/// One rotation: participants take turns of a fixed length, handing off at a local time of day.
///
/// Turns are counted on the local clock of `timeZone` from `handoff` on the day of `start`, so
/// hand-offs happen at local wall time (09:00 Europe/Berlin stays 09:00 across DST; a 12h shift
/// hands off at 09:00 and 21:00). The first participant's turn is the one under way at `start`,
/// which is a short turn when `start` is not itself a hand-off.
public struct RotationLayer: Sendable {
    /// For messages and listings (`weekdays`, `follow-the-sun`).
    public var name: String
    /// Person names, in turn order.
    public var participants: [String]
    /// When the rotation begins; before it this layer has nobody.
    public var start: Date
    /// When it ends, if it does; from then on this layer has nobody.
    public var end: Date?
    public var shift: ShiftLength
    /// Hand-off time of day, in seconds after local midnight (09:00 = 32400).
    public var handoff: Int
    public var timeZone: TimeZone

    public init(name: String, participants: [String], start: Date, end: Date? = nil, shift: ShiftLength, handoff: Int, timeZone: TimeZone) {
        self.name = name
        self.participants = participants
        self.start = start
        self.end = end
        self.shift = shift
        self.handoff = handoff
        self.timeZone = timeZone
    }

    /// Who is on call in this layer at `instant`, if anyone.
    public func onCall(at instant: Date) -> String? {
        guard !participants.isEmpty, instant >= start, end.map({ instant < $0 }) ?? true else { return nil }
        let turn = self.turn(containing: instant) - self.turn(containing: start)
        return participants[turn % participants.count]
    }

    /// The instants in (from, to) at which this layer's on-call person may change, in order.
    func changes(after from: Date, before to: Date) -> [Date] {
        var result = [start, end].compactMap { $0 }.filter { $0 > from && $0 < to }
        guard !participants.isEmpty else { return result }
        var turn = self.turn(containing: max(from, start)) + 1
        while true {
            let boundary = handoffInstant(turn)
            if boundary >= to || end.map({ boundary >= $0 }) == true { break }
            if boundary > from { result.append(boundary) }
            turn += 1
        }
        return result.sorted()
    }

    /// The local wall time of the hand-off that counts as turn 0: the last one at or before `start`.
    private var anchor: Double {
        let local = WallTime.local(start, in: timeZone)
        let midnight = (local / 86_400).rounded(.down) * 86_400
        let sameDay = midnight + Double(handoff)
        return sameDay <= local ? sameDay : sameDay - 86_400
    }

    /// When turn `n` begins (turn 0 begins at the anchor, which may be before `start`).
    private func handoffInstant(_ turn: Int) -> Date {
        WallTime.instant(anchor + Double(turn) * shift.seconds, in: timeZone)
    }

    /// The turn under way at `instant`: estimated on the local clock, then checked against the real hand-offs.
    private func turn(containing instant: Date) -> Int {
        var turn = Int(((WallTime.local(instant, in: timeZone) - anchor) / shift.seconds).rounded(.down))
        while handoffInstant(turn) > instant { turn -= 1 }
        while handoffInstant(turn + 1) <= instant { turn += 1 }
        return turn
    }
}
