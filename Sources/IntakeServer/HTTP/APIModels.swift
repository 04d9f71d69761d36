import Foundation
import IntakeCore

/// JSON shapes of the HTTP API and of the CLI's `--json` (snake_case keys, ISO 8601 dates, cases as `C-n`).
public enum API {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    public struct CaseBody: Encodable {
        public var id: String
        public var contactId: Int64
        public var state: String
        public var channel: String
        public var subject: String?
        public var assignee: String?
        public var isPublic: Bool
        public var messageCount: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var lastMessageAt: Date

        public init(_ record: CaseRecord) {
            id = record.reference
            contactId = record.contactID
            state = record.state.rawValue
            channel = record.channel.rawValue
            subject = record.subject
            assignee = record.assignee
            isPublic = record.isPublic
            messageCount = record.messageCount
            createdAt = record.createdAt
            updatedAt = record.updatedAt
            lastMessageAt = record.lastMessageAt
        }
    }

    public struct IdentityBody: Codable {
        public var kind: String
        public var value: String
    }

    public struct MessageBody: Encodable {
        public var id: Int64
        public var caseId: String?
        public var contactId: Int64
        public var adapter: String
        /// The adapter's registered kind (`sms.twilio`); absent on messages stored before it was recorded.
        public var adapterKind: String?
        public var channel: String
        public var externalId: String
        public var receivedAt: Date
        public var senderName: String?
        public var senderIdentities: [IdentityBody]
        public var subject: String?
        public var body: String
        public var threadRefs: [String]
        public var isPublic: Bool
        public var flags: [String]
        public var attachments: [AttachmentInfo]
        public var rawSha256: String

        public init(_ stored: StoredMessage) {
            let message = stored.message
            id = stored.id
            caseId = stored.caseID.map(CaseReference.format)
            contactId = stored.contactID
            adapter = message.adapter
            adapterKind = message.adapterKind
            channel = message.channel.rawValue
            externalId = message.externalID
            receivedAt = message.receivedAt
            senderName = message.sender.displayName
            senderIdentities = message.sender.identities.map { IdentityBody(kind: $0.kind.rawValue, value: $0.value) }
            subject = message.subject
            body = message.body
            threadRefs = message.threadRefs
            isPublic = message.isPublic
            flags = message.flags.map(\.rawValue).sorted()
            attachments = message.attachments
            rawSha256 = message.raw.sha256
        }
    }

    public struct EventBody: Encodable {
        public var seq: Int64
        public var caseId: String
        public var type: String
        public var at: Date
        public var actor: String
        public var data: [String: String]

        public init(_ event: CaseEvent) {
            seq = event.seq
            caseId = CaseReference.format(event.caseID)
            type = event.type.rawValue
            at = event.at
            actor = event.actor
            data = event.data
        }
    }

    public struct ContactBody: Encodable {
        public var id: Int64
        public var displayName: String?
        public var identities: [IdentityBody]
        public var alternates: [AlternateContact]
        public var abusive: Bool
        public var createdAt: Date

        public init(_ contact: Contact) {
            id = contact.id
            displayName = contact.displayName
            identities = contact.identities.map { IdentityBody(kind: $0.kind.rawValue, value: $0.value) }
            alternates = contact.alternates
            abusive = contact.abusive
            createdAt = contact.createdAt
        }
    }

    public struct CaseDetailBody: Encodable {
        public var `case`: CaseBody
        public var contact: ContactBody
        public var messages: [MessageBody]
        public var events: [EventBody]

        public init(_ detail: CaseDetail) {
            self.case = CaseBody(detail.record)
            contact = ContactBody(detail.contact)
            messages = detail.messages.map(MessageBody.init)
            events = detail.events.map(EventBody.init)
        }
    }

    public struct QuarantineBody: Encodable {
        public var id: Int64
        public var adapter: String
        public var receivedAt: Date
        public var reason: String
        public var status: String
        public var attempts: Int
        public var messageId: Int64?
        public var contentType: String
        public var size: Int
        public var rawSha256: String

        public init(_ entry: QuarantineEntry) {
            id = entry.id
            adapter = entry.adapter
            receivedAt = entry.receivedAt
            reason = entry.reason
            status = entry.status.rawValue
            attempts = entry.attempts
            messageId = entry.messageID
            contentType = entry.raw.contentType
            size = entry.rawSize
            rawSha256 = entry.raw.sha256
        }
    }

    /// An outbox delivery (a ticket, a comment, a page): its state and the destination's last answer;
    /// the payload by size only.
    public struct DeliveryBody: Encodable {
        public var id: Int64
        public var destination: String
        public var key: String
        public var caseId: String?
        public var state: String
        public var attempts: Int
        public var nextAttemptAt: Date?
        public var lastStatus: Int?
        public var lastError: String?
        public var remoteId: String?
        public var payloadSize: Int
        public var createdAt: Date

        public init(_ delivery: Delivery) {
            id = delivery.id
            destination = delivery.destination
            key = delivery.key
            caseId = delivery.caseID.map(CaseReference.format)
            state = delivery.state.rawValue
            attempts = delivery.attempts
            nextAttemptAt = delivery.state == .pending ? delivery.nextAttemptAt : nil
            lastStatus = delivery.lastStatus
            lastError = delivery.lastError
            remoteId = delivery.remoteID
            payloadSize = delivery.payload.count
            createdAt = delivery.createdAt
        }
    }

    /// A call-now alert: where its escalation stands, who acknowledged, and (in detail) every page attempt.
    public struct AlertBody: Encodable {
        public var id: Int64
        public var caseId: String
        public var team: String
        public var state: String
        public var step: String
        public var nextDueAt: Date?
        public var code: String
        public var reasons: [String]
        public var acknowledgedBy: String?
        public var acknowledgedVia: String?
        public var acknowledgedAt: Date?
        public var outcome: String?
        public var createdAt: Date
        public var attempts: [AlertAttempt]?

        public init(_ alert: Alert, attempts: [AlertAttempt]?) {
            id = alert.id
            caseId = CaseReference.format(alert.caseID)
            team = alert.team
            state = alert.state.rawValue
            step = alert.position
            nextDueAt = alert.nextDueAt
            code = alert.code
            reasons = alert.reasons
            acknowledgedBy = alert.acknowledgedBy
            acknowledgedVia = alert.acknowledgedVia
            acknowledgedAt = alert.acknowledgedAt
            outcome = alert.outcome
            createdAt = alert.createdAt
            self.attempts = attempts
        }
    }

    public struct Page<Item: Encodable>: Encodable {
        public var items: [Item]
        /// Pass as `before` (cases) or `after` (events) for the next page; nil at the end.
        public var next: String?
    }
}
