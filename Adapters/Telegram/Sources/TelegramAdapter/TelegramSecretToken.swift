import IntakeCore

/// Checks the `X-Telegram-Bot-Api-Secret-Token` header Telegram sends with every webhook update.
///
/// The token is the `secret_token` given to `setWebhook`; Telegram allows 1-256 characters of
/// `A-Z a-z 0-9 _ -` (Bot API, setWebhook). It is a shared secret, not a signature: the header
/// must equal it exactly, and the comparison runs in constant time.
public struct TelegramSecretToken: Sendable {
    /// The header Telegram puts the secret token in.
    public static let headerName = "X-Telegram-Bot-Api-Secret-Token"

    private let token: [UInt8]

    /// - Throws: ``TelegramSecretTokenError/invalidToken`` unless the token is 1-256 characters of
    ///   `A-Z a-z 0-9 _ -`: Telegram's `setWebhook` refuses any other, so no request could match.
    public init(_ token: String) throws {
        let bytes = Array(token.utf8)
        guard (1...256).contains(bytes.count), bytes.allSatisfy(Self.isAllowed) else {
            throw TelegramSecretTokenError.invalidToken
        }
        self.token = bytes
    }

    /// Whether the header value (nil when the header is absent) is the configured token.
    public func matches(_ header: String?) -> Bool {
        guard let header else { return false }
        return constantTimeEquals(token, Array(header.utf8))
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}

/// Why a ``TelegramSecretToken`` could not be built. Never carries the token itself.
public struct TelegramSecretTokenError: Error, Hashable, CustomStringConvertible {
    private enum Kind: Hashable { case invalidToken }
    private let kind: Kind

    /// The token is empty, longer than 256 characters, or has a character outside `A-Z a-z 0-9 _ -`.
    public static let invalidToken = TelegramSecretTokenError(kind: .invalidToken)

    public var description: String {
        switch kind {
        case .invalidToken: "Telegram secret token must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
        }
    }
}

/// Holds a credential: printed or logged, it shows its type only.
extension TelegramSecretToken: RedactedDescription {}
