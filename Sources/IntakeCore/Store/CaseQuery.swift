import Foundation

/// A filter and page over cases, as `GET /v1/cases` and `intake cases list` take it.
public struct CaseQuery: Sendable, Equatable {
    public var states: [CaseState]
    public var channel: ChannelKind?
    public var contactID: Int64?
    /// Cases updated at or after this time.
    public var since: Date?
    /// Cases with an id below this one (keyset paging, newest first).
    public var before: Int64?
    public var limit: Int

    public init(
        states: [CaseState] = [], channel: ChannelKind? = nil, contactID: Int64? = nil, since: Date? = nil,
        before: Int64? = nil, limit: Int = 50
    ) {
        self.states = states
        self.channel = channel
        self.contactID = contactID
        self.since = since
        self.before = before
        self.limit = limit
    }
}

/// A change to a case by a person: a new state, an assignee, or both.
public struct CasePatch: Sendable, Equatable {
    public var state: CaseState?
    /// `.some(nil)` unassigns.
    public var assignee: String??

    public init(state: CaseState? = nil, assignee: String?? = nil) {
        self.state = state
        self.assignee = assignee
    }
}
