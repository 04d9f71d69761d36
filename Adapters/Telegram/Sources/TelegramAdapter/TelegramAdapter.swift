import Foundation
import IntakeCore

/// Telegram Bot API webhooks (`chat.telegram`): private chats and groups, checked with the secret token
/// header, deduplicated by `update_id`; an edited message is appended to its case.
public struct TelegramAdapter: WebhookAdapter {
    public let name: String
    public var kind: String { Self.kind }
    public let channel = ChannelKind.chat
    private let secret: TelegramSecretToken?
    public var acceptedMediaTypes: [String] { ["application/json"] }

    public init(name: String, secretToken: String) {
        self.name = name
        self.secret = try? TelegramSecretToken(secretToken)
    }

    public func verify(_ request: WebhookRequest) throws {
        guard let secret, secret.matches(request.header(TelegramSecretToken.headerName)) else {
            throw WebhookRejection.unauthorized("the \(TelegramSecretToken.headerName) header is missing or wrong", label: "bad_signature")
        }
    }

    public func normalize(_ raw: RawPayload, receivedAt: Date) throws -> [InboundMessage] {
        guard (try? JSONSerialization.jsonObject(with: raw.bytes)) != nil else {
            throw NormalizationError.rejected("the body is not valid JSON", status: 400)
        }
        let update: TelegramUpdate
        do {
            update = try JSONDecoder().decode(TelegramUpdate.self, from: raw.bytes)
        } catch {
            throw NormalizationError.unparseable("not a Telegram Update: \(error)")
        }
        let edited = update.editedMessage != nil
        guard let message = update.message ?? update.editedMessage, let user = message.from, user.isBot != true else {
            return []  // callback queries, channel posts, bots: nothing to take
        }
        let text = message.text ?? message.caption ?? ""
        let chat = message.chat
        var identities: [Identity] = [.chat(platform: "telegram", String(user.id))]
        if let username = user.username { identities.append(.handle(platform: "telegram", "@" + username)) }
        let name = [user.firstName, user.lastName].compactMap { $0 }.joined(separator: " ")
        let messageRef = "telegram:\(chat.id):\(message.messageID)"
        var threadRefs: [String] = []
        var ownRefs = [messageRef]
        if edited { threadRefs.append(messageRef) }
        if let reply = message.replyTo { threadRefs.append("telegram:\(chat.id):\(reply.messageID)") }
        if chat.type == "private" {
            // One open case per private chat with the bot.
            threadRefs.append("telegram:chat:\(chat.id)")
            ownRefs.append("telegram:chat:\(chat.id)")
        }
        return [InboundMessage(
            adapter: self.name, channel: .chat, externalID: "update:\(update.updateID)",
            receivedAt: message.date.map { Date(timeIntervalSince1970: Double($0)) } ?? receivedAt,
            sender: Sender(identities: identities, displayName: name.isEmpty ? nil : name),
            body: text, threadRefs: threadRefs, ownRefs: edited ? [] : ownRefs,
            isPublic: chat.type == "channel", flags: edited ? [.edited] : [], raw: raw)]
    }
}

extension TelegramAdapter: ConfigurableAdapter {
    public static let kind = "chat.telegram"
    public static let summary = "Telegram Bot API webhook at /v1/hooks/<name>, checked with X-Telegram-Bot-Api-Secret-Token, deduplicated by update_id."

    public init(name: String, config: ConfigSection) {
        let token = config.secret("secret_token") ?? ""
        if !token.isEmpty, (try? TelegramSecretToken(token)) == nil {
            config.problem("secret_token", "must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        }
        self.init(name: name, secretToken: token)
    }
}
