/// The header fields of a mail in order, looked up by case-insensitive name.
public struct MailHeaders: Sendable, Hashable, Sequence {
    /// One header field: name as written and value unfolded and RFC 2047 decoded.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// All fields in the order they appear in the mail.
    public private(set) var fields: [Field]

    public init(_ fields: [Field] = []) { self.fields = fields }

    /// The first value of `name` (case-insensitive), or nil when absent.
    public subscript(name: String) -> String? { first(name) }

    /// The first value of `name` (case-insensitive), or nil when absent.
    public func first(_ name: String) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    /// Every value of `name` (case-insensitive), in order.
    public func all(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return fields.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// True when at least one field is called `name` (case-insensitive).
    public func contains(_ name: String) -> Bool { first(name) != nil }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}
