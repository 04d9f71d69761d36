import Foundation
import IntakeCore

/// The generic inbound channel, `POST /v1/messages`: JSON complaints from any system, with an ingest token.
///
/// The reference adapter: the smallest complete `WebhookAdapter`, and the one to copy for a new channel.
public struct GenericAdapter: WebhookAdapter {
    /// Configuration under `adapters:` for `kind: generic`.
    public struct Configuration: Sendable, Equatable {
        /// The region phone numbers without a country code are read in (`US`, `GB`); nil requires `+` numbers.
        public var defaultRegion: String?
        public init(defaultRegion: String? = nil) { self.defaultRegion = defaultRegion }
    }

    public let name: String
    public var kind: String { Self.kind }
    public let channel = ChannelKind.api
    public let configuration: Configuration
    public var routePath: String { "/v1/messages" }
    public var requiredRole: TokenRole? { .ingest }
    public var acceptedMediaTypes: [String] { ["application/json"] }

    public init(name: String, configuration: Configuration = Configuration()) {
        self.name = name
        self.configuration = configuration
    }

    /// The generic channel authenticates with API tokens, checked by the server before this runs.
    public func verify(_ request: WebhookRequest) throws {}

    public func normalize(_ raw: RawPayload, receivedAt: Date) throws -> [InboundMessage] {
        let body: GenericMessage
        do {
            body = try JSONDecoder().decode(GenericMessage.self, from: raw.bytes)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw NormalizationError.rejected("\(path) has the wrong type", status: 422, fields: [path])
        } catch {
            throw NormalizationError.rejected("the body is not a JSON object: \(Self.describe(error))", status: 400)
        }
        return [try message(from: body, raw: raw, receivedAt: receivedAt)]
    }

    private func message(from body: GenericMessage, raw: RawPayload, receivedAt: Date) throws -> InboundMessage {
        var invalid: [String] = []
        let text = body.body?.trimmedWhitespace() ?? ""
        if text.isEmpty { invalid.append("body") }
        let channel = body.channel.map { ChannelKind(rawValue: $0) } ?? .api
        if channel == nil { invalid.append("channel") }
        var when = receivedAt
        if let stamp = body.receivedAt {
            if let parsed = Self.parseDate(stamp) { when = parsed } else { invalid.append("received_at") }
        }
        var identities: [Identity] = []
        var unreadablePhone: String?
        if let sender = body.sender {
            if let email = sender.email {
                if let identity = Identity.email(email) { identities.append(identity) } else { invalid.append("sender.email") }
            }
            if let phone = sender.phone {
                if let identity = Identity.phone(phone, defaultRegion: configuration.defaultRegion) {
                    identities.append(identity)
                } else {
                    unreadablePhone = phone
                }
            }
            if let handle = sender.handle {
                if handle.platform.isEmpty || handle.handle.isEmpty { invalid.append("sender.handle") }
                else { identities.append(.handle(platform: handle.platform, handle.handle)) }
            }
        }
        if body.sender == nil || (identities.isEmpty && unreadablePhone == nil && !invalid.contains(where: { $0.hasPrefix("sender.") })) {
            invalid.append("sender")
        }
        if !invalid.isEmpty {
            throw NormalizationError.rejected("invalid or missing fields: \(invalid.joined(separator: ", "))", status: 422, fields: invalid)
        }
        if let unreadablePhone {
            // Authentic, but the number cannot be placed: keep it until a default region is configured.
            throw NormalizationError.unparseable(
                "sender.phone \"\(unreadablePhone)\" is not an international number and no default_region is configured")
        }
        var threadRefs = (body.threadRefs ?? []).map(threadRef)
        var ownRefs: [String] = []
        if let subject = body.subject, let token = CaseToken.find(in: subject) { threadRefs.append(CaseReference.threadRef(token)) }
        if let conversation = body.conversation, !conversation.isEmpty {
            let key = "conv:\(name):\(conversation)"
            threadRefs.append(key)
            ownRefs.append(key)
        }
        let externalID = body.externalID ?? "sha256:" + raw.sha256
        return InboundMessage(
            adapter: name, channel: channel!, externalID: externalID, receivedAt: when,
            sender: Sender(identities: identities, displayName: body.sender?.name), subject: body.subject, body: text,
            threadRefs: threadRefs, ownRefs: ownRefs + ["msg:\(name):\(externalID)"], isPublic: body.isPublic ?? false,
            attachments: (body.attachments ?? []).map {
                AttachmentInfo(filename: $0.filename, contentType: $0.contentType ?? "application/octet-stream", size: $0.size ?? 0, url: $0.url)
            },
            raw: raw)
    }

    public func response(for outcomes: [IngestOutcome], to request: WebhookRequest) -> WebhookResponse {
        // Built by hand: this is on every request's path, and Foundation's JSONSerialization costs more
        // than the rest of the answer together.
        let body: String
        switch outcomes.first {
        case .stored(let receipt):
            let caseID = receipt.caseID.map { "\"\(CaseReference.format($0))\"" } ?? "null"
            body = #"{"case_id":\#(caseID),"contact_id":\#(receipt.contactID),"duplicate":\#(receipt.duplicate),"message_id":\#(receipt.messageID)}"#
        case .quarantined(let id):
            body = #"{"quarantine_id":\#(id),"quarantined":true}"#
        case .buffered(let received, let total):
            body = #"{"buffered":true,"parts_received":\#(received),"parts_total":\#(total)}"#
        case .skipped, nil:
            body = #"{"stored":false}"#
        }
        return WebhookResponse(status: 202, contentType: "application/json", body: Data(body.utf8))
    }

    /// A case reference (`C-12`) becomes the case's thread ref; anything else is the `external_id` of an
    /// earlier message posted to this adapter.
    private func threadRef(_ ref: String) -> String {
        if let id = CaseReference.parse(ref), ref.uppercased().hasPrefix("C-") { return CaseReference.threadRef(id) }
        return "msg:\(name):\(ref)"
    }

    private static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return (context.underlyingError as NSError?)?.localizedDescription ?? context.debugDescription
        }
        return "\(error)"
    }
}
