import Foundation

/// The people and schedules that escalation steps name, looked up by name.
public struct OnCallDirectory: Sendable {
    public var people: [String: Person]
    public var schedules: [String: Schedule]

    public init(people: [Person], schedules: [Schedule]) {
        self.people = Dictionary(people.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.schedules = Dictionary(schedules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The person `target` means at `instant`; nil with the reason when it means nobody.
    public func resolve(_ target: PageTarget, at instant: Date) -> Result<Person, Unresolved> {
        switch target {
        case .person(let name):
            guard let person = people[name] else { return .failure(Unresolved("unknown person \"\(name)\"")) }
            return .success(person)
        case .schedule(let name):
            guard let schedule = schedules[name] else { return .failure(Unresolved("unknown schedule \"\(name)\"")) }
            guard let onCall = schedule.onCall(at: instant) else {
                return .failure(Unresolved("schedule \"\(name)\" has nobody on call"))
            }
            guard let person = people[onCall] else {
                return .failure(Unresolved("schedule \"\(name)\" has unknown person \"\(onCall)\" on call"))
            }
            return .success(person)
        }
    }

    /// Why a target means nobody, in words for a log line.
    public struct Unresolved: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }
}
