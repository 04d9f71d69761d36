import Foundation

/// The JSON body of `POST /v1/messages`: one complaint from any source the desk wires up itself.
struct GenericMessage: Decodable {
    struct SenderBody: Decodable {
        var name: String?
        var email: String?
        var phone: String?
        /// A social handle: `{"platform": "mastodon", "handle": "@ann@example.social"}`.
        var handle: HandleBody?
    }

    struct HandleBody: Decodable {
        var platform: String
        var handle: String
    }

    struct AttachmentBody: Decodable {
        var filename: String?
        var contentType: String?
        var size: Int?
        var url: String?

        enum CodingKeys: String, CodingKey {
            case filename, size, url
            case contentType = "content_type"
        }
    }

    var externalID: String?
    var channel: String?
    var receivedAt: String?
    var sender: SenderBody?
    var subject: String?
    var body: String?
    /// Message ids or case references (`C-12`) this message continues.
    var threadRefs: [String]?
    /// A conversation key the desk's own system uses: every message with the same key joins one case.
    var conversation: String?
    var isPublic: Bool?
    var attachments: [AttachmentBody]?

    enum CodingKeys: String, CodingKey {
        case sender, subject, body, channel, conversation, attachments
        case externalID = "external_id"
        case receivedAt = "received_at"
        case threadRefs = "thread_refs"
        case isPublic = "public"
    }
}
