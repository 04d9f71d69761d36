import Foundation
import IntakeCore

/// Slack Events API (`chat.slack`): direct messages to the app and mentions in channels, verified with
/// the v0 signature; the app's own and other bots' messages are ignored; retries are stored once.
public struct SlackAdapter: WebhookAdapter {
    /// Configuration under `adapters:` for `kind: chat.slack`.
    public struct Configuration: Sendable {
        public var signingSecret: String
        /// Channel ids whose mentions are not public (a private support channel).
        public var privateChannels: Set<String>
        /// The app's own bot user id, whose messages are ignored (also read from each event's authorizations).
        public var botUserID: String?

        public init(signingSecret: String, privateChannels: Set<String> = [], botUserID: String? = nil) {
            self.signingSecret = signingSecret
            self.privateChannels = privateChannels
            self.botUserID = botUserID
        }
    }

    public let name: String
    public var kind: String { Self.kind }
    public let channel = ChannelKind.chat
    private let configuration: Configuration
    private let signature: SlackSignature?
    public var acceptedMediaTypes: [String] { ["application/json"] }

    public init(name: String, configuration: Configuration) {
        self.name = name
        self.configuration = configuration
        self.signature = try? SlackSignature(signingSecret: configuration.signingSecret)
    }

    public func verify(_ request: WebhookRequest) throws {
        guard let signature else { throw WebhookRejection.unauthorized("no signing secret is configured", label: "unconfigured") }
        let verdict = signature.verify(
            timestamp: request.header("X-Slack-Request-Timestamp"), signature: request.header("X-Slack-Signature"),
            body: request.body, now: request.receivedAt)
        switch verdict {
        case .valid: return
        case .missingTimestamp, .malformedTimestamp:
            throw WebhookRejection.unauthorized("X-Slack-Request-Timestamp is missing or not a number", label: "missing_timestamp")
        case .missingSignature:
            throw WebhookRejection.unauthorized("X-Slack-Signature is missing", label: "missing_signature")
        case .stale:
            throw WebhookRejection.unauthorized("the request timestamp is more than 5 minutes from now (replayed or clock skew)", label: "stale")
        case .mismatch:
            throw WebhookRejection.unauthorized("X-Slack-Signature does not match this request", label: "bad_signature")
        }
    }

    public func immediateResponse(to request: WebhookRequest) throws -> WebhookResponse? {
        guard let envelope = try? JSONDecoder().decode(SlackEnvelope.self, from: request.body), envelope.type == "url_verification" else {
            return nil
        }
        let challenge = envelope.challenge ?? ""
        return .text(challenge, contentType: "text/plain")
    }

    public func normalize(_ raw: RawPayload, receivedAt: Date) throws -> [InboundMessage] {
        guard (try? JSONSerialization.jsonObject(with: raw.bytes)) != nil else {
            throw NormalizationError.rejected("the body is not valid JSON", status: 400)
        }
        let envelope: SlackEnvelope
        do {
            envelope = try JSONDecoder().decode(SlackEnvelope.self, from: raw.bytes)
        } catch {
            throw NormalizationError.unparseable("not a Slack Events API envelope: \(error)")
        }
        guard envelope.type == "event_callback", let event = envelope.event, let channelID = event.channel else { return [] }
        let team = envelope.teamID ?? "T?"
        let ownUser = configuration.botUserID ?? envelope.authorizations?.first?.userID

        var text = event.text
        var user = event.user
        var ts = event.ts
        var threadTS = event.threadTS
        var flags: Set<MessageFlag> = []
        switch (event.type, event.subtype) {
        case ("app_mention", _):
            break
        case ("message", nil), ("message", "file_share"), ("message", "thread_broadcast"):
            // In channels the app answers mentions only (the app_mention event); messages count in DMs.
            guard event.channelType == "im" else { return [] }
        case ("message", "message_changed"):
            guard let edited = event.message, edited.botID == nil else { return [] }
            text = edited.text
            user = edited.user
            threadTS = edited.threadTS ?? edited.ts
            ts = edited.ts.map { "\($0)#edit-\(event.ts ?? "")" }
            flags.insert(.edited)
        default:
            return []  // joins, topic changes, deletions, other bots
        }
        guard event.botID == nil, let user, user != ownUser, let ts else { return [] }

        let isDM = event.channelType == "im"
        let isPublic = !isDM && event.channelType != "group" && event.channelType != "mpim"
            && !configuration.privateChannels.contains(channelID)
        var threadRefs: [String] = []
        var ownRefs = ["slack:\(team):\(channelID):\(ts)"]
        if let threadTS { threadRefs.append("slack:\(team):\(channelID):\(threadTS)") }
        if isDM {
            // One open case per direct-message conversation.
            threadRefs.append("slack:\(team):\(channelID)")
            ownRefs.append("slack:\(team):\(channelID)")
        }
        return [InboundMessage(
            adapter: name, channel: .chat, externalID: "\(team):\(channelID):\(ts)", receivedAt: receivedAt,
            sender: Sender(identities: [.chat(platform: "slack", "\(team):\(user)")]),
            body: text ?? "", threadRefs: threadRefs, ownRefs: ownRefs, isPublic: isPublic, flags: flags, raw: raw)]
    }
}

extension SlackAdapter: ConfigurableAdapter {
    public static let kind = "chat.slack"
    public static let summary = "Slack Events API at /v1/hooks/<name>: DMs to the app and mentions, v0-signed, retries stored once."

    public init(name: String, config: ConfigSection) {
        let secret = config.secret("signing_secret") ?? ""
        if !secret.isEmpty, (try? SlackSignature(signingSecret: secret)) == nil { config.problem("signing_secret", "is blank") }
        let channels = Set(config.strings("private_channels"))
        let bot = config.string("bot_user_id")
        self.init(name: name, configuration: Configuration(signingSecret: secret, privateChannels: channels, botUserID: bot))
    }
}

/// Holds a credential: printed or logged, it shows its type only.
extension SlackAdapter.Configuration: RedactedDescription {}
