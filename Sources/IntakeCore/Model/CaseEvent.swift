import Foundation

/// One entry of the case stream: an append-only, globally sequence-numbered fact about a case.
public struct CaseEvent: Codable, Sendable, Equatable {
    /// Position in the stream; strictly increasing, the cursor consumers store.
    public var seq: Int64
    public var caseID: Int64
    public var type: CaseEventType
    public var at: Date
    /// Who caused it: an adapter name, a token name, or `system`.
    public var actor: String
    /// Facts of the event (`message_id`, `from`, `to`...), string-valued to stay portable across stores.
    public var data: [String: String]

    public init(seq: Int64, caseID: Int64, type: CaseEventType, at: Date, actor: String, data: [String: String]) {
        self.seq = seq
        self.caseID = caseID
        self.type = type
        self.at = at
        self.actor = actor
        self.data = data
    }
}

/// The kind of a case event. A struct over a string so later features add kinds without breaking consumers.
public struct CaseEventType: RawRepresentable, Hashable, Codable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public static let caseOpened: CaseEventType = "case.opened"
    public static let messageReceived: CaseEventType = "message.received"
    public static let stateChanged: CaseEventType = "case.state_changed"
    public static let assigned: CaseEventType = "case.assigned"
    public static let alertSent: CaseEventType = "alert.sent"
    public static let acknowledged: CaseEventType = "alert.acknowledged"
    public static let escalated: CaseEventType = "alert.escalated"
    /// A person lowered urgency: the alert stops paging.
    public static let alertCancelled: CaseEventType = "alert.cancelled"
    /// The rep recorded how the call went (`reached`, `voicemail`, `no_answer`).
    public static let callOutcome: CaseEventType = "alert.call_outcome"
    public static let forwarded: CaseEventType = "case.forwarded"
    /// A tracker refused the case's ticket for good: it waits in the dead letters.
    public static let forwardFailed: CaseEventType = "case.forward_failed"
    /// The case's urgency was set, by the rules (`actor` = `urgency-rules`) or by a person; data:
    /// `urgent` (`true`/`false`) and `reasons` (`public mention; keyword "cancel"`).
    public static let urgencyChanged: CaseEventType = "case.urgency_changed"
}
