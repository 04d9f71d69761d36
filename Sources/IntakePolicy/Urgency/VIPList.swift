import IntakeCore

/// Accounts whose every message is urgent: email addresses, phones, handles, chat users or whole email domains.
///
/// Entries are written as people see them: `ceo@bigcustomer.com`, `@bigcustomer.com` (the domain
/// and its subdomains), `+14155550100`, `twitter:@bigco` or `slack:T123:U456` (an identity's
/// platform-prefixed value, as adapters record it).
public struct VIPList: Sendable, Equatable {
    /// One VIP entry, read from its written form.
    public enum Entry: Sendable, Hashable, CustomStringConvertible {
        case identity(Identity)
        /// A platform-prefixed handle or chat user; matches either kind.
        case account(String)
        /// An email domain, lower-cased, without the `@`.
        case domain(String)

        /// Reads one entry; nil when it is none of the accepted forms.
        public init?(_ text: String) {
            let value = text.trimmedWhitespace()
            if value.hasPrefix("@") {
                let domain = value.dropFirst().lowercased()
                guard domain.contains("."), !domain.contains("@"), !domain.contains(where: \.isWhitespace) else { return nil }
                self = .domain(domain)
            } else if value.hasPrefix("+") {
                guard let phone = PhoneNumber(value, defaultRegion: ""), !phone.isShortCode else { return nil }
                self = .identity(Identity(kind: .phone, value: phone.e164))
            } else if let colon = value.firstIndex(of: ":"), colon != value.startIndex, !value[..<colon].contains("@") {
                guard value.index(after: colon) != value.endIndex else { return nil }
                self = .account(value[..<colon].lowercased() + value[colon...])
            } else if let email = Identity.email(value) {
                self = .identity(email)
            } else {
                return nil
            }
        }

        public var description: String {
            switch self {
            case .identity(let identity): identity.value
            case .account(let value): value
            case .domain(let domain): "@\(domain)"
            }
        }

        func matches(_ identity: Identity) -> Bool {
            switch self {
            case .identity(let vip): return vip == identity
            case .account(let value):
                // Handles are stored lower-cased; chat user ids keep their case.
                guard identity.kind == .handle || identity.kind == .chat else { return false }
                return identity.value == value || identity.value == value.lowercased()
            case .domain(let domain):
                guard identity.kind == .email, let at = identity.value.lastIndex(of: "@") else { return false }
                let host = identity.value[identity.value.index(after: at)...]
                return host == domain || host.hasSuffix("." + domain)
            }
        }
    }

    public let entries: [Entry]

    public init(_ entries: [Entry]) { self.entries = entries }

    /// The first entry matching any of `identities`.
    public func match(_ identities: [Identity]) -> Entry? {
        entries.first { entry in identities.contains { entry.matches($0) } }
    }
}
