import Foundation
import IntakeCore

/// Vonage inbound SMS webhooks (`sms.vonage`), signed with the account's signature secret; the parts of a
/// concatenated SMS are kept durably and joined into one message when the last part arrives.
public struct VonageAdapter: WebhookAdapter {
    /// Configuration under `adapters:` for `kind: sms.vonage`.
    public struct Configuration: Sendable {
        public var signatureSecret: String
        public var method: VonageSignature.Method
        public var defaultRegion: String?

        public init(signatureSecret: String, method: VonageSignature.Method = .md5hash, defaultRegion: String? = nil) {
            self.signatureSecret = signatureSecret
            self.method = method
            self.defaultRegion = defaultRegion
        }
    }

    public let name: String
    public var kind: String { Self.kind }
    public let channel = ChannelKind.sms
    private let configuration: Configuration
    private let signature: VonageSignature?
    public var acceptedMediaTypes: [String] { ["application/x-www-form-urlencoded", "application/json"] }

    public init(name: String, configuration: Configuration) {
        self.name = name
        self.configuration = configuration
        self.signature = try? VonageSignature(signatureSecret: configuration.signatureSecret, method: configuration.method)
    }

    public func verify(_ request: WebhookRequest) throws {
        guard let signature else { throw WebhookRejection.unauthorized("no signature secret is configured", label: "unconfigured") }
        guard let params = Self.parameters(request.body, contentType: request.contentType) else {
            throw WebhookRejection.badRequest("the body is neither a form nor a flat JSON object")
        }
        switch signature.verify(params: params, now: request.receivedAt) {
        case .valid: return
        case .missingSignature: throw WebhookRejection.unauthorized("the sig parameter is missing", label: "missing_signature")
        case .missingTimestamp, .malformedTimestamp: throw WebhookRejection.unauthorized("the timestamp parameter is missing or malformed", label: "missing_timestamp")
        case .stale: throw WebhookRejection.unauthorized("the request timestamp is outside the 5-minute window (replayed or clock skew)", label: "stale")
        case .duplicateParameter: throw WebhookRejection.unauthorized("a signed parameter appears twice", label: "bad_signature")
        case .mismatch: throw WebhookRejection.unauthorized("the sig parameter does not match this request", label: "bad_signature")
        }
    }

    public func normalize(_ raw: RawPayload, receivedAt: Date) throws -> [InboundMessage] {
        // A joined concatenated SMS keeps its parts' raw bytes one a line.
        let lines = raw.metadata[MessageFragment.rawMetadataKey] != nil ? raw.bytes.split(separator: 0x0A).map { Data($0) } : [raw.bytes]
        let parts = try lines.map { line -> [String: String] in
            guard let params = Self.parameters(line, contentType: raw.contentType.split(separator: ";")[0].lowercased()) else {
                throw NormalizationError.rejected("the body is neither a form nor a flat JSON object", status: 400)
            }
            return Dictionary(params, uniquingKeysWith: { first, _ in first })
        }
        guard let first = parts.first, let msisdn = first["msisdn"], let messageID = first["messageId"] else {
            throw NormalizationError.unparseable("msisdn or messageId is missing")
        }
        // Vonage sends numbers without '+': they are international already.
        guard let identity = Identity.phone("+" + msisdn.filter(\.isNumber), defaultRegion: configuration.defaultRegion) else {
            throw NormalizationError.unparseable("msisdn \(msisdn) is not a phone number")
        }
        let to = first["to"] ?? ""
        let conversation = "sms:\(identity.value):+\(to)"
        var message = InboundMessage(
            adapter: name, channel: .sms, externalID: messageID, receivedAt: receivedAt, sender: Sender(identities: [identity]),
            body: parts.sorted { Int($0["concat-part"] ?? "1") ?? 1 < Int($1["concat-part"] ?? "1") ?? 1 }.map { $0["text"] ?? "" }.joined(),
            threadRefs: [conversation], ownRefs: [conversation, "vonage:msg:\(messageID)"], raw: raw)
        if parts.count == 1, first["concat"] == "true", let reference = first["concat-ref"],
           let total = Int(first["concat-total"] ?? ""), let index = Int(first["concat-part"] ?? ""), total > 1, (1...total).contains(index)
        {
            message.fragment = MessageFragment(group: "\(msisdn):\(to):\(reference)", index: index, total: total)
        }
        return [message]
    }

    /// Form parameters, or a flat JSON object's values as strings (Vonage's POST-JSON webhooks).
    static func parameters(_ body: Data, contentType: String?) -> [(String, String)]? {
        if contentType == "application/json" {
            guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
            return object.map { key, value in
                switch value {
                case let bool as Bool: (key, bool ? "true" : "false")
                default: (key, "\(value)")
                }
            }
        }
        return FormEncoding.parse(body)?.map { ($0.name, $0.value) }
    }
}

extension VonageAdapter: ConfigurableAdapter {
    public static let kind = "sms.vonage"
    public static let summary = "Vonage inbound SMS at /v1/hooks/<name>, signed-webhook check, concatenated SMS joined into one message."

    public init(name: String, config: ConfigSection) {
        let secret = config.secret("signature_secret") ?? ""
        let methodText = config.choice("signature_method", of: VonageSignature.Method.allCases.map(\.rawValue), default: "md5hash")
        let region = config.string("default_region")?.uppercased()
        let method = VonageSignature.Method(rawValue: methodText) ?? .md5hash
        self.init(name: name, configuration: Configuration(signatureSecret: secret, method: method, defaultRegion: region))
    }
}
