import Foundation

/// A case as stored: one complaint thread with one customer, across however many messages.
public struct CaseRecord: Codable, Sendable, Equatable {
    public var id: Int64
    public var contactID: Int64
    public var state: CaseState
    /// The channel of the message that opened it.
    public var channel: ChannelKind
    public var subject: String?
    public var assignee: String?
    public var isPublic: Bool
    public var messageCount: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var lastMessageAt: Date

    public init(
        id: Int64, contactID: Int64, state: CaseState, channel: ChannelKind, subject: String?, assignee: String?,
        isPublic: Bool, messageCount: Int, createdAt: Date, updatedAt: Date, lastMessageAt: Date
    ) {
        self.id = id
        self.contactID = contactID
        self.state = state
        self.channel = channel
        self.subject = subject
        self.assignee = assignee
        self.isPublic = isPublic
        self.messageCount = messageCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lastMessageAt = lastMessageAt
    }

    /// The reference people and subjects use for a case (`C-42`).
    public var reference: String { CaseReference.format(id) }
}

/// Formats and parses case references (`C-42`), as used in subjects (`[#C-42]`) and the API.
public enum CaseReference {
    public static func format(_ id: Int64) -> String { "C-\(id)" }

    /// The case id in `C-42` or `42`; nil for anything else.
    public static func parse(_ text: String) -> Int64? {
        let digits = text.hasPrefix("C-") || text.hasPrefix("c-") ? text.dropFirst(2) : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let id = Int64(digits), id > 0 else { return nil }
        return id
    }

    /// The thread reference a case token in a subject maps to, shared by every channel.
    public static func threadRef(_ id: Int64) -> String { "case:\(format(id))" }
}

/// A stored message with the ids the stream gave it.
public struct StoredMessage: Codable, Sendable, Equatable {
    public var id: Int64
    public var caseID: Int64?
    public var contactID: Int64
    public var message: InboundMessage

    public init(id: Int64, caseID: Int64?, contactID: Int64, message: InboundMessage) {
        self.id = id
        self.caseID = caseID
        self.contactID = contactID
        self.message = message
    }
}

/// A case with its messages, events and contact: what `GET /v1/cases/{id}` shows.
public struct CaseDetail: Codable, Sendable {
    public var record: CaseRecord
    public var contact: Contact
    public var messages: [StoredMessage]
    public var events: [CaseEvent]

    public init(record: CaseRecord, contact: Contact, messages: [StoredMessage], events: [CaseEvent]) {
        self.record = record
        self.contact = contact
        self.messages = messages
        self.events = events
    }
}
