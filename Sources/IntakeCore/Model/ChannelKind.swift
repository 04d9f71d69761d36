/// The kind of channel a complaint arrived on.
public enum ChannelKind: String, Codable, Sendable, CaseIterable {
    case email
    case sms
    case chat
    case social
    case web
    case api
    case voice
}
