/// How one team is paged for an urgent case: ordered steps, repeated, then a last-resort fallback.
///
/// Each step pages its targets and waits `ackTimeout` for someone to acknowledge; then the next
/// step. After the last step the policy starts over, `repeatCount` more times; then the fallback
/// is paged once; then escalation is done.
public struct EscalationPolicy: Sendable {
    /// The team the policy belongs to (`support`).
    public var team: String
    public var steps: [EscalationStep]
    /// How many times to go through all steps again after the first pass (0: once only).
    public var repeatCount: Int
    /// Paged once when every round is exhausted (the support manager); nil: none.
    public var fallback: EscalationStep?

    public init(team: String, steps: [EscalationStep], repeatCount: Int = 0, fallback: EscalationStep? = nil) {
        self.team = team
        self.steps = steps
        self.repeatCount = repeatCount
        self.fallback = fallback
    }
}

/// One step of an escalation policy: whom to page, how, and how long to wait for an acknowledgement.
public struct EscalationStep: Sendable, Equatable {
    /// The default wait for an acknowledgement.
    public static let defaultAckTimeout: Duration = .seconds(5 * 60)

    public var targets: [PageTarget]
    /// The methods to page every target by, in order; nil: each person's own methods.
    public var methods: [ContactMethod]?
    public var ackTimeout: Duration

    public init(targets: [PageTarget], methods: [ContactMethod]? = nil, ackTimeout: Duration = EscalationStep.defaultAckTimeout) {
        self.targets = targets
        self.methods = methods
        self.ackTimeout = ackTimeout
    }
}

/// Whom a step pages: a person by name, or whoever a schedule has on call at the time.
public enum PageTarget: Sendable, Hashable, CustomStringConvertible {
    case person(String)
    case schedule(String)

    public var description: String {
        switch self {
        case .person(let name): "person \"\(name)\""
        case .schedule(let name): "schedule \"\(name)\""
        }
    }
}
