import Foundation
import IntakeCore

/// The escalation of one urgent case, as a pure state machine the caller drives and stores.
///
/// The caller sends ``pages()`` when a position is entered, and calls ``advance(at:early:)`` when
/// ``nextDue`` passes without an acknowledgement. A position that would page nobody (a schedule in
/// a gap) is skipped at once rather than waited on. Once ``acknowledged`` is set the plan never
/// advances.
///
/// ```
/// step 1 ─timeout─► step 2 ─timeout─► … last step ─► (repeat: step 1 … last step) × repeatCount
///                                                      └─► fallback ─timeout─► done
/// ```
public struct EscalationPlan: Sendable {
    public let policy: EscalationPolicy
    public let directory: OnCallDirectory
    public private(set) var position: EscalationPosition
    /// When the current position was entered: its schedules resolve at this instant and its timeout counts from it.
    public private(set) var enteredAt: Date
    /// Set by the caller when someone acknowledged; from then on `advance` refuses.
    public var acknowledged: Bool

    /// Resumes a plan at a stored position, entered at `enteredAt`. A position past the end of the
    /// policy (shortened since) is read as the next one that exists.
    public init(
        policy: EscalationPolicy, directory: OnCallDirectory, position: EscalationPosition = .start, enteredAt: Date,
        acknowledged: Bool = false
    ) {
        self.policy = policy
        self.directory = directory
        self.position = position.normalized(in: policy)
        self.enteredAt = enteredAt
        self.acknowledged = acknowledged
    }

    /// Starts escalating at `now`, at the first position that pages someone.
    public static func start(policy: EscalationPolicy, directory: OnCallDirectory, at now: Date) -> EscalationPlan {
        var plan = EscalationPlan(policy: policy, directory: directory, position: .start, enteredAt: now)
        plan.skipPositionsThatPageNobody()
        return plan
    }

    /// The step the current position runs (the fallback's included); nil when done.
    public var currentStep: EscalationStep? {
        switch position {
        case .step(let index, _): policy.steps[index]
        case .fallback: policy.fallback
        case .done: nil
        }
    }

    /// When the current position times out and `advance` is due; nil once done or acknowledged.
    public var nextDue: Date? {
        guard !acknowledged, let step = currentStep else { return nil }
        return enteredAt.addingTimeInterval(step.ackTimeout.timeInterval)
    }

    /// What the current position pages, with schedules resolved at `enteredAt`.
    public func pages() -> PageBatch {
        guard let step = currentStep else { return PageBatch(pages: [], unreachable: []) }
        var pages: [Page] = []
        var unreachable: [String] = []
        for target in step.targets {
            switch directory.resolve(target, at: enteredAt) {
            case .failure(let reason):
                unreachable.append(reason.description)
            case .success(let person):
                let methods = step.methods ?? person.methods
                let reachable = methods.compactMap { method in
                    person.address(for: method).map { Page(person: person.name, method: method, address: $0) }
                }
                if reachable.isEmpty {
                    unreachable.append("\(person.name) has no address for \(methods.map(\.rawValue).joined(separator: ", "))")
                }
                for page in reachable where !pages.contains(page) { pages.append(page) }
            }
        }
        return PageBatch(pages: pages, unreachable: unreachable)
    }

    /// What `advance` did.
    public enum Advance: Sendable, Equatable {
        /// Moved on: send `pages()` now and wait until `nextDue`. `skipped` lists positions passed
        /// over because they paged nobody.
        case moved(to: EscalationPosition, skipped: [EscalationPosition])
        /// Refused: someone acknowledged.
        case refusedAcknowledged
        /// Refused: the current position is not due until then.
        case notDue(until: Date)
        /// Nothing left: every round and the fallback went unacknowledged (position is `done`).
        case exhausted
    }

    /// Moves to the next position at `now` after the current one timed out; `early` moves on
    /// before the timeout (a rep chose to escalate now). Refuses once acknowledged.
    @discardableResult
    public mutating func advance(at now: Date, early: Bool = false) -> Advance {
        guard !acknowledged else { return .refusedAcknowledged }
        guard let due = nextDue else { return .exhausted }
        guard early || now >= due else { return .notDue(until: due) }
        position = position.next(in: policy)
        enteredAt = now
        let skipped = skipPositionsThatPageNobody()
        return position == .done ? .exhausted : .moved(to: position, skipped: skipped)
    }

    @discardableResult
    private mutating func skipPositionsThatPageNobody() -> [EscalationPosition] {
        var skipped: [EscalationPosition] = []
        while position != .done, pages().pages.isEmpty {
            skipped.append(position)
            position = position.next(in: policy)
        }
        return skipped
    }
}
