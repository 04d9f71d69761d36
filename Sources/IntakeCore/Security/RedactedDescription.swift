/// A type holding a credential (a signing secret, an API token): printed, logged or dumped, it shows its
/// type's name only, so no `"\(value)"` in a log line or an error can carry the secret.
public protocol RedactedDescription: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {}

extension RedactedDescription {
    public var description: String { "\(Self.self)(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
