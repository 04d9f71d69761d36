import Foundation
import IntakeCore

/// Twilio Messaging webhooks (`sms.twilio`): inbound SMS, MMS and WhatsApp, and status callbacks,
/// verified with `X-Twilio-Signature` and answered with empty TwiML once committed.
public struct TwilioAdapter: WebhookAdapter {
    /// Configuration under `adapters:` for `kind: sms.twilio`.
    public struct Configuration: Sendable {
        public var authToken: String
        /// Region for numbers Twilio sends without a country code (rare; Twilio sends E.164).
        public var defaultRegion: String?
        public init(authToken: String, defaultRegion: String? = nil) {
            self.authToken = authToken
            self.defaultRegion = defaultRegion
        }
    }

    public let name: String
    public var kind: String { Self.kind }
    public let channel = ChannelKind.sms
    private let configuration: Configuration
    private let signature: TwilioSignature
    public var acceptedMediaTypes: [String] { ["application/x-www-form-urlencoded", "application/json"] }

    public init(name: String, configuration: Configuration) {
        self.name = name
        self.configuration = configuration
        self.signature = TwilioSignature(authToken: configuration.authToken)
    }

    public func verify(_ request: WebhookRequest) throws {
        guard let header = request.header("X-Twilio-Signature"), !header.isEmpty else {
            throw WebhookRejection.unauthorized("the X-Twilio-Signature header is missing", label: "missing_signature")
        }
        let algorithm = TwilioSignature.Algorithm(signatureSettingsHeader: request.header("X-Twilio-Webhooks-Signature-Settings"))
        guard let algorithm else { throw WebhookRejection.unauthorized("unknown signature algorithm", label: "bad_signature") }
        let verifier = algorithm == .hmacSHA1 ? signature : TwilioSignature(authToken: configuration.authToken, algorithm: algorithm)
        let isJSON = request.contentType == "application/json"
        let params = isJSON ? [] : (FormEncoding.parse(request.body) ?? []).map { ($0.name, $0.value) }
        guard verifier.isValid(signature: header, url: request.publicURL, params: params, body: isJSON ? request.body : nil) else {
            throw WebhookRejection.forbidden("the X-Twilio-Signature does not match this request (check the auth token and public_base_url)", label: "bad_signature")
        }
    }

    public func normalize(_ raw: RawPayload, receivedAt: Date) throws -> [InboundMessage] {
        guard let form = FormEncoding.parse(raw.bytes) else { throw NormalizationError.rejected("the body is not a valid form", status: 400) }
        guard let sid = form.first("MessageSid") ?? form.first("SmsSid"), !sid.isEmpty else {
            throw NormalizationError.unparseable("no MessageSid in the request")
        }
        let status = form.first("MessageStatus") ?? form.first("SmsStatus")
        // A status callback reports on a message we sent: recorded on its case, never a new case.
        if let status, form.first("Body") == nil || ["queued", "sending", "sent", "delivered", "undelivered", "failed", "read"].contains(status) {
            return [InboundMessage(
                adapter: name, channel: channel, externalID: "\(sid):status:\(status)", receivedAt: receivedAt,
                sender: Sender(identities: phoneIdentity(form.first("To")).map { [$0] } ?? []),
                body: "delivery status \(status)" + (form.first("ErrorCode").map { " (error \($0))" } ?? ""),
                threadRefs: ["twilio:msg:\(sid)"], flags: [.statusReport], raw: raw)]
        }
        guard let from = form.first("From"), let identity = phoneIdentity(from) else {
            throw NormalizationError.unparseable("the From number \(form.first("From") ?? "(none)") cannot be read as a phone number")
        }
        let isWhatsApp = from.lowercased().hasPrefix("whatsapp:")
        let to = form.first("To").flatMap(phoneIdentity)?.value ?? form.first("To") ?? ""
        let conversation = "\(isWhatsApp ? "whatsapp" : "sms"):\(identity.value):\(to)"
        let mediaCount = Int(form.first("NumMedia") ?? "0") ?? 0
        let media = (0..<max(0, min(mediaCount, 10))).compactMap { index -> AttachmentInfo? in
            guard let url = form.first("MediaUrl\(index)") else { return nil }
            return AttachmentInfo(filename: nil, contentType: form.first("MediaContentType\(index)") ?? "application/octet-stream", size: 0, url: url)
        }
        return [InboundMessage(
            adapter: name, channel: isWhatsApp ? .chat : .sms, externalID: sid, receivedAt: receivedAt,
            sender: Sender(identities: [identity], displayName: form.first("ProfileName")),
            body: form.first("Body") ?? "", threadRefs: [conversation], ownRefs: [conversation, "twilio:msg:\(sid)"],
            attachments: media, raw: raw)]
    }

    public func response(for outcomes: [IngestOutcome], to request: WebhookRequest) -> WebhookResponse {
        .text(#"<?xml version="1.0" encoding="UTF-8"?><Response/>"#, contentType: "text/xml")
    }

    private func phoneIdentity(_ raw: String?) -> Identity? {
        raw.flatMap { Identity.phone($0, defaultRegion: configuration.defaultRegion) }
    }
}

extension TwilioAdapter: ConfigurableAdapter {
    public static let kind = "sms.twilio"
    public static let summary = "Twilio SMS, MMS and WhatsApp webhooks at /v1/hooks/<name>, verified with X-Twilio-Signature; status callbacks recorded."

    public init(name: String, config: ConfigSection) {
        let token = config.secret("auth_token") ?? ""
        let region = config.string("default_region")?.uppercased()
        if let region, region.count != 2 { config.problem("default_region", "must be a two-letter region code like US") }
        self.init(name: name, configuration: Configuration(authToken: token, defaultRegion: region))
    }
}

/// Holds a credential: printed or logged, it shows its type only.
extension TwilioAdapter.Configuration: RedactedDescription {}
