import Foundation
import IntakeCore

/// What a forwarder sends a tracker, in neutral terms: built once when enqueued, so a retry sends the same.
public struct TicketDraft: Codable, Sendable, Equatable {
    /// What the delivery does at the tracker.
    public enum Operation: String, Codable, Sendable {
        /// Open the ticket (after looking for one made under the same key).
        case create
        /// Add a later message of the case to its ticket.
        case comment
        /// Map the case's new state to the ticket's status.
        case status
    }

    public var operation: Operation
    /// The case's stable key at every tracker (`intake-3f9a1c0b2d4e-C-42`): stored on the remote side
    /// (a Jira label and property, Zendesk `external_id`, a GitHub body marker, a Linear attachment URL).
    public var key: String
    /// This delivery's own key in the outbox: `key` for the create, `key/comment/<message>` or
    /// `key/status/<event>` after; webhooks send it as `X-Intake-Delivery`.
    public var deliveryKey: String
    public var caseID: Int64
    /// `C-42`.
    public var reference: String
    public var title: String
    /// The complaint (create) or the later message (comment).
    public var text: String
    /// The customer as a person reads it: `Dana Reyes <dana@example.com>`.
    public var customer: String
    public var customerEmail: String?
    public var channel: String
    public var urgent: Bool
    public var urgencyReasons: [String]
    public var tags: [String]
    /// A link back to the case at the gateway.
    public var link: String
    /// For `status`: the case's new state (`resolved`, `closed`, `open`).
    public var state: String?
    /// For `comment`: who wrote the message.
    public var author: String?
    public var at: Date

    public init(
        operation: Operation, key: String, deliveryKey: String, caseID: Int64, reference: String, title: String, text: String, customer: String,
        customerEmail: String?, channel: String, urgent: Bool, urgencyReasons: [String], tags: [String], link: String,
        state: String? = nil, author: String? = nil, at: Date
    ) {
        self.operation = operation
        self.key = key
        self.deliveryKey = deliveryKey
        self.caseID = caseID
        self.reference = reference
        self.title = title
        self.text = text
        self.customer = customer
        self.customerEmail = customerEmail
        self.channel = channel
        self.urgent = urgent
        self.urgencyReasons = urgencyReasons
        self.tags = tags
        self.link = link
        self.state = state
        self.author = author
        self.at = at
    }

    /// The lines every tracker puts in the ticket body under the complaint.
    public var factLines: [String] {
        var lines = ["Customer: \(customer)", "Channel: \(channel)"]
        lines.append("Urgency: " + (urgent ? "urgent (\(urgencyReasons.joined(separator: "; ")))" : "normal"))
        if !tags.isEmpty { lines.append("Tags: \(tags.joined(separator: ", "))") }
        lines.append("Case: \(reference) \(link)")
        return lines
    }

    public func encoded() throws -> Data { try DeliveryPayload.encode(self) }
    public static func decode(_ data: Data) throws -> TicketDraft { try DeliveryPayload.decode(TicketDraft.self, from: data) }
}
