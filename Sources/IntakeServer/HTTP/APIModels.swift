import Foundation
import IntakeCore

/// JSON shapes of the HTTP API (snake_case keys, ISO 8601 dates, cases as `C-n`).
enum API {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    struct CaseBody: Encodable {
        var id: String
        var contactId: Int64
        var state: String
        var channel: String
        var subject: String?
        var assignee: String?
        var isPublic: Bool
        var messageCount: Int
        var createdAt: Date
        var updatedAt: Date
        var lastMessageAt: Date

        init(_ record: CaseRecord) {
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

    struct IdentityBody: Codable {
        var kind: String
        var value: String
    }

    struct MessageBody: Encodable {
        var id: Int64
        var caseId: String?
        var contactId: Int64
        var adapter: String
        var channel: String
        var externalId: String
        var receivedAt: Date
        var senderName: String?
        var senderIdentities: [IdentityBody]
        var subject: String?
        var body: String
        var threadRefs: [String]
        var isPublic: Bool
        var flags: [String]
        var attachments: [AttachmentInfo]
        var rawSha256: String

        init(_ stored: StoredMessage) {
            let message = stored.message
            id = stored.id
            caseId = stored.caseID.map(CaseReference.format)
            contactId = stored.contactID
            adapter = message.adapter
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

    struct EventBody: Encodable {
        var seq: Int64
        var caseId: String
        var type: String
        var at: Date
        var actor: String
        var data: [String: String]

        init(_ event: CaseEvent) {
            seq = event.seq
            caseId = CaseReference.format(event.caseID)
            type = event.type.rawValue
            at = event.at
            actor = event.actor
            data = event.data
        }
    }

    struct ContactBody: Encodable {
        var id: Int64
        var displayName: String?
        var identities: [IdentityBody]
        var alternates: [AlternateContact]
        var abusive: Bool
        var createdAt: Date

        init(_ contact: Contact) {
            id = contact.id
            displayName = contact.displayName
            identities = contact.identities.map { IdentityBody(kind: $0.kind.rawValue, value: $0.value) }
            alternates = contact.alternates
            abusive = contact.abusive
            createdAt = contact.createdAt
        }
    }

    struct CaseDetailBody: Encodable {
        var `case`: CaseBody
        var contact: ContactBody
        var messages: [MessageBody]
        var events: [EventBody]
    }

    struct QuarantineBody: Encodable {
        var id: Int64
        var adapter: String
        var receivedAt: Date
        var reason: String
        var status: String
        var attempts: Int
        var messageId: Int64?
        var contentType: String
        var size: Int
        var rawSha256: String

        init(_ entry: QuarantineEntry) {
            id = entry.id
            adapter = entry.adapter
            receivedAt = entry.receivedAt
            reason = entry.reason
            status = entry.status.rawValue
            attempts = entry.attempts
            messageId = entry.messageID
            contentType = entry.raw.contentType
            size = entry.raw.bytes.count
            rawSha256 = entry.raw.sha256
        }
    }

    struct Page<Item: Encodable>: Encodable {
        var items: [Item]
        /// Pass as `before` (cases) or `after` (events) for the next page; nil at the end.
        var next: String?
    }
}
