/// Where a case stands in its life.
public enum CaseState: String, Codable, Sendable, CaseIterable {
    case open
    case acknowledged
    case waitingOnCustomer = "waiting_on_customer"
    case resolved
    case closed

    /// Whether a new message from the customer joins this case (a resolved case reopens; a closed one does not).
    public var acceptsMessages: Bool { self != .closed }
}
