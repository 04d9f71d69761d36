/// A threshold on how many messages arrived within a window (`3 messages in 1h`).
public struct MessageCountRule: Sendable, Equatable {
    /// The count that triggers the rule (see ``UrgencyRules`` for whether it is "at least" or "more than").
    public var count: Int
    /// How far back the caller counts.
    public var window: Duration

    public init(count: Int, window: Duration) {
        self.count = count
        self.window = window
    }
}
