/// One page to send: a person, by one method, to one address (a phone, a Slack id, a webhook URL).
public struct Page: Sendable, Hashable, CustomStringConvertible {
    public var person: String
    public var method: ContactMethod
    public var address: String

    public init(person: String, method: ContactMethod, address: String) {
        self.person = person
        self.method = method
        self.address = address
    }

    public var description: String { "\(method.rawValue) \(person) at \(address)" }
}

/// The pages one escalation position sends, and the targets that resolved to no page, with why.
public struct PageBatch: Sendable, Equatable {
    /// In target order, then method order; each person and method once.
    public var pages: [Page]
    /// Why a target paged nobody (`schedule "primary" has nobody on call`), for the log and the case.
    public var unreachable: [String]

    public init(pages: [Page], unreachable: [String]) {
        self.pages = pages
        self.unreachable = unreachable
    }
}
