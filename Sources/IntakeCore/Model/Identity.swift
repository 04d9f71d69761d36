/// One way to reach or recognise a person: an email address, a phone number, a social handle or a chat user.
///
/// Values are normalized so that the same person written two ways is one identity:
/// emails are lower-cased, phones are E.164, handles and chat users keep their platform prefix.
public struct Identity: Hashable, Codable, Sendable, CustomStringConvertible {
    /// What kind of address `value` is.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case email
        case phone
        case handle
        case chat
    }

    public var kind: Kind
    public var value: String

    public init(kind: Kind, value: String) {
        self.kind = kind
        self.value = value
    }

    /// An email identity, trimmed and lower-cased; nil when it does not look like an address.
    public static func email(_ raw: String) -> Identity? {
        let value = raw.trimmedWhitespace().lowercased()
        guard let at = value.firstIndex(of: "@"), at != value.startIndex, value.index(after: at) != value.endIndex,
              !value.unicodeScalars.contains(where: { $0.isASCII ? $0.value <= 0x20 : $0.properties.isWhitespace })
        else { return nil }
        return Identity(kind: .email, value: value)
    }

    /// A phone identity in E.164 form; nil when the number cannot be normalized.
    public static func phone(_ raw: String, defaultRegion: String?) -> Identity? {
        guard let number = PhoneNumber(raw, defaultRegion: defaultRegion ?? "") else { return nil }
        return Identity(kind: .phone, value: number.e164)
    }

    /// A social handle on a platform (`mastodon:@ann@example.social`).
    public static func handle(platform: String, _ handle: String) -> Identity {
        Identity(kind: .handle, value: "\(platform.lowercased()):\(handle.trimmedWhitespace().lowercased())")
    }

    /// A chat user on a platform and workspace (`slack:T123:U456`).
    public static func chat(platform: String, _ user: String) -> Identity {
        Identity(kind: .chat, value: "\(platform.lowercased()):\(user)")
    }

    public var description: String { "\(kind.rawValue):\(value)" }
}

/// Who sent a message: every identity the channel gives, and a display name if known.
public struct Sender: Codable, Sendable, Equatable {
    public var identities: [Identity]
    public var displayName: String?

    public init(identities: [Identity], displayName: String? = nil) {
        self.identities = identities
        self.displayName = displayName
    }
}
