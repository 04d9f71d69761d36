/// Where an escalation stands: a step of a round, the fallback, or done. The caller stores it.
public enum EscalationPosition: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Step `index` (0-based) of round `round` (0 is the first pass; a policy with `repeat: 2` has rounds 0...2).
    case step(index: Int, round: Int)
    /// Every round is exhausted: the fallback is paged.
    case fallback
    /// Nothing left to page.
    case done

    /// The first step of the first round.
    public static let start = EscalationPosition.step(index: 0, round: 0)

    public var description: String {
        switch self {
        case .step(let index, let round): "step \(index + 1), round \(round + 1)"
        case .fallback: "fallback"
        case .done: "done"
        }
    }

    /// The position after this one in `policy`.
    func next(in policy: EscalationPolicy) -> EscalationPosition {
        switch self {
        case .step(let index, let round):
            if index + 1 < policy.steps.count { return .step(index: index + 1, round: round) }
            if round < policy.repeatCount { return .step(index: 0, round: round + 1) }
            return policy.fallback == nil ? .done : .fallback
        case .fallback, .done:
            return .done
        }
    }

    /// This position if it exists in `policy`, else the next one that does (a stored position may
    /// point past the end of a policy that has since been shortened).
    func normalized(in policy: EscalationPolicy) -> EscalationPosition {
        switch self {
        case .step(let index, let round):
            let round = max(0, round)
            if round > policy.repeatCount { return policy.fallback == nil ? .done : .fallback }
            if index < 0 { return .step(index: 0, round: round).normalized(in: policy) }
            if index >= policy.steps.count { return EscalationPosition.step(index: policy.steps.count - 1, round: round).next(in: policy) }
            return self
        case .fallback:
            return policy.fallback == nil ? .done : .fallback
        case .done:
            return .done
        }
    }
}
