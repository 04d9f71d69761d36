/// An author or contributor as a feed names them; any part may be missing.
public struct FeedPerson: Sendable, Hashable {
    public var name: String?
    public var email: String?
    /// A web address for the person (Atom `uri`, Atom 0.3 `url`), resolved to absolute.
    public var uri: String?

    public init(name: String? = nil, email: String? = nil, uri: String? = nil) {
        self.name = name
        self.email = email
        self.uri = uri
    }

    /// Whether nothing at all is known about the person.
    public var isEmpty: Bool { name == nil && email == nil && uri == nil }
}
