/// Whether a new message forces a call now, and why, in words a rep reads.
public struct UrgencyVerdict: Sendable, Equatable {
    /// Force a call now: page a rep to phone the customer.
    public var urgent: Bool
    /// Why (`public mention`, `keyword "cancel"`, `3 messages in 1h`, `VIP account`), in rule order.
    public var reasons: [String]
    /// Rules matched, but the contact is flagged abusive, so no call is forced (`urgent` is false).
    public var suppressedBecauseAbusive: Bool

    public init(urgent: Bool, reasons: [String], suppressedBecauseAbusive: Bool = false) {
        self.urgent = urgent
        self.reasons = reasons
        self.suppressedBecauseAbusive = suppressedBecauseAbusive
    }

    /// Nothing matched.
    public static let normal = UrgencyVerdict(urgent: false, reasons: [])

    /// The reason added when an abusive contact's matches force no call.
    public static let abusiveReason = "contact flagged abusive: no forced call"

    /// This verdict with a level a person set by hand, which wins over the rules (also over the
    /// abusive suppression: that stops rules, not people). `nil` leaves the verdict as it is.
    public func applying(_ manual: ManualUrgency?) -> UrgencyVerdict {
        guard let manual else { return self }
        switch manual {
        case .urgent:
            return UrgencyVerdict(urgent: true, reasons: reasons + ["set urgent by hand"])
        case .normal:
            return UrgencyVerdict(urgent: false, reasons: reasons + ["set not urgent by hand"])
        }
    }
}

/// An urgency level a rep or supervisor set by hand on a case; stored by the caller.
public enum ManualUrgency: String, Sendable, Codable, CaseIterable {
    /// Force the call whatever the rules say.
    case urgent
    /// Never force a call for this case, whatever the rules say.
    case normal
}
