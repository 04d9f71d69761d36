import Foundation

/// A channel adapter: turns what one channel delivers into inbound messages of the case stream.
///
/// Refined by `WebhookAdapter` (the provider calls us: SMS, chat, the generic API) and
/// `PollingAdapter` (we fetch: IMAP, feeds). An adapter depends only on IntakeCore; what it needs
/// from the host comes through the values the host passes in.
public protocol ChannelAdapter: Sendable {
    /// The configured instance name, unique in the gateway (`support-inbox`); part of every dedup key.
    var name: String { get }
    /// The registered kind (`generic`, `imap`, `sms.twilio`).
    var kind: String { get }
    var channel: ChannelKind { get }

    /// Turns raw input, as received or as kept in quarantine, into messages.
    ///
    /// Returns an empty array for input that is authentic but carries no complaint (a bot's own message).
    /// Throws `NormalizationError`: `.rejected` when the sender can fix the request (the HTTP caller is told),
    /// `.unparseable` when the input must be kept in quarantine for a person to look at.
    func normalize(_ raw: RawPayload, receivedAt: Date) throws -> [InboundMessage]
}

/// Why raw input could not become a message.
public struct NormalizationError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Rejected input goes back to the caller with an HTTP status; unparseable input goes to quarantine.
    public enum Disposition: Sendable, Equatable {
        case rejected(status: Int)
        case quarantine
    }

    public let disposition: Disposition
    public let reason: String
    /// Invalid fields by path (`sender.email`), for a 422 that names them.
    public let fields: [String]

    /// The caller sent something malformed (400) or with invalid fields (422).
    public static func rejected(_ reason: String, status: Int = 422, fields: [String] = []) -> NormalizationError {
        NormalizationError(disposition: .rejected(status: status), reason: reason, fields: fields)
    }

    /// The input is authentic but cannot be normalized now: keep it in quarantine.
    public static func unparseable(_ reason: String) -> NormalizationError {
        NormalizationError(disposition: .quarantine, reason: reason, fields: [])
    }

    public var description: String { reason }
}

extension ChannelAdapter {
    /// `normalize`, each message marked with this adapter's registered kind: how the core calls an adapter.
    public func messages(from raw: RawPayload, receivedAt: Date) throws -> [InboundMessage] {
        try normalize(raw, receivedAt: receivedAt).map { message in
            var message = message
            message.adapterKind = kind
            return message
        }
    }
}
