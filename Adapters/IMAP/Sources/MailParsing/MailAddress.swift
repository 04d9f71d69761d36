/// One mailbox from an address header: display name (RFC 2047 decoded) and address.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// Display name, decoded to UTF-8; nil when the header gives none.
    public var name: String?
    /// The addr-spec (`local@domain`); nil when the header has only a name.
    public var address: String?

    public init(name: String?, address: String?) {
        self.name = name
        self.address = address
    }

    public var description: String {
        switch (name, address) {
        case let (name?, address?): return "\(name) <\(address)>"
        case let (nil, address?): return address
        case let (name?, nil): return name
        case (nil, nil): return ""
        }
    }
}
