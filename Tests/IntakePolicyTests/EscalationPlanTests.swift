import Foundation
import Testing
@testable import IntakePolicy

@Suite struct EscalationPlanTests {
    /// Monday noon in New York: ann is on call in `primary`.
    private let t0 = at("2026-03-02T12:00:00-05:00")

    private let policy = EscalationPolicy(
        team: "support",
        steps: [
            EscalationStep(targets: [.schedule("primary")]),
            EscalationStep(targets: [.person("dana")], methods: [.voice], ackTimeout: .seconds(600)),
        ],
        repeatCount: 1,
        fallback: EscalationStep(targets: [.person("maria")]))

    private func start(_ policy: EscalationPolicy? = nil) -> EscalationPlan {
        EscalationPlan.start(policy: policy ?? self.policy, directory: Team.directory, at: t0)
    }

    @Test func theDefaultAckTimeoutIsFiveMinutes() {
        #expect(EscalationStep(targets: [.person("ann")]).ackTimeout == .seconds(300))
        let plan = start()
        #expect(plan.nextDue == t0.addingTimeInterval(300))
    }

    @Test func theFirstStepPagesWhoeverIsOnCallByTheirOwnMethods() {
        let plan = start()
        #expect(plan.position == .step(index: 0, round: 0))
        #expect(plan.pages() == PageBatch(pages: [
            Page(person: "ann", method: .voice, address: "+14155550101"),
            Page(person: "ann", method: .sms, address: "+14155550101"),
        ], unreachable: []))
    }

    @Test func stepsRunInOrderThenRepeatThenTheFallbackThenDone() {
        var plan = start()
        var visited = [plan.position]
        var now = t0
        while let due = plan.nextDue {
            now = due
            if case .moved(let to, _) = plan.advance(at: now) { visited.append(to) }
        }
        #expect(visited == [.step(index: 0, round: 0), .step(index: 1, round: 0), .step(index: 0, round: 1), .step(index: 1, round: 1), .fallback])
        #expect(plan.position == .done)
        // 5m + 10m, twice, then the fallback's 5m.
        #expect(now == t0.addingTimeInterval(2 * (300 + 600) + 300))
        #expect(plan.pages().pages.isEmpty)
        #expect(plan.advance(at: now.addingTimeInterval(60)) == .exhausted)
    }

    @Test func eachStepPagesItsOwnTargetsAndMethodsAndWaitsItsOwnTimeout() {
        var plan = start()
        #expect(plan.advance(at: t0.addingTimeInterval(300)) == .moved(to: .step(index: 1, round: 0), skipped: []))
        #expect(plan.pages().pages == [Page(person: "dana", method: .voice, address: "+14155550104")])
        #expect(plan.nextDue == t0.addingTimeInterval(300 + 600))
        plan.advance(at: t0.addingTimeInterval(900))
        plan.advance(at: t0.addingTimeInterval(1200))
        plan.advance(at: t0.addingTimeInterval(1800))
        #expect(plan.position == .fallback)
        #expect(plan.pages().pages.map(\.description) == ["voice maria at +14155550105", "sms maria at +14155550105"])
        #expect(plan.advance(at: t0.addingTimeInterval(2100)) == .exhausted)
        #expect(plan.nextDue == nil)
    }

    @Test func advancingBeforeTheTimeoutIsRefusedUnlessEarly() {
        var plan = start()
        #expect(plan.advance(at: t0.addingTimeInterval(299)) == .notDue(until: t0.addingTimeInterval(300)))
        #expect(plan.position == .step(index: 0, round: 0))
        #expect(plan.advance(at: t0.addingTimeInterval(10), early: true) == .moved(to: .step(index: 1, round: 0), skipped: []))
        #expect(plan.nextDue == t0.addingTimeInterval(10 + 600))
    }

    @Test func anAcknowledgementStopsAdvancing() {
        var plan = start()
        plan.acknowledged = true
        #expect(plan.nextDue == nil)
        #expect(plan.advance(at: t0.addingTimeInterval(3600)) == .refusedAcknowledged)
        #expect(plan.advance(at: t0.addingTimeInterval(3600), early: true) == .refusedAcknowledged)
        #expect(plan.position == .step(index: 0, round: 0))
        let resumed = EscalationPlan(policy: policy, directory: Team.directory, position: .fallback, enteredAt: t0, acknowledged: true)
        var copy = resumed
        #expect(copy.advance(at: t0.addingTimeInterval(3600)) == .refusedAcknowledged)
    }

    @Test func stepMethodsApplyToEveryTargetAndThoseWithoutTheAddressAreReported() {
        let slack = EscalationPolicy(team: "t", steps: [EscalationStep(targets: [.person("ann"), .person("bob"), .person("chen")], methods: [.slack])])
        let batch = start(slack).pages()
        #expect(batch.pages == [
            Page(person: "ann", method: .slack, address: "U0ANN"),
            Page(person: "chen", method: .slack, address: "U0CHEN"),
        ])
        #expect(batch.unreachable == ["bob has no address for slack"])
    }

    @Test func aPersonReachedTwiceIsPagedOnce() {
        let twice = EscalationPolicy(team: "t", steps: [EscalationStep(targets: [.schedule("primary"), .person("ann"), .person("dana")])])
        #expect(start(twice).pages().pages.map(\.person) == ["ann", "ann", "dana", "dana"])
        #expect(start(twice).pages().pages.map(\.method) == [.voice, .sms, .slack, .sms])
    }

    @Test func schedulesResolveWhenTheStepIsEntered() {
        // Tuesday: bob's day in the rotation.
        let tuesday = at("2026-03-03T10:00:00-05:00")
        let plan = EscalationPlan(policy: policy, directory: Team.directory, position: .step(index: 0, round: 1), enteredAt: tuesday)
        #expect(plan.pages().pages == [Page(person: "bob", method: .voice, address: "+14155550102")])
        #expect(plan.nextDue == tuesday.addingTimeInterval(300))
    }

    @Test func stepsThatPageNobodyAreSkippedAtOnce() {
        let gappy = EscalationPolicy(
            team: "t", steps: [EscalationStep(targets: [.person("dana")]), EscalationStep(targets: [.schedule("later")])],
            fallback: EscalationStep(targets: [.person("maria")]))
        var plan = start(gappy)
        #expect(plan.advance(at: t0.addingTimeInterval(300)) == .moved(to: .fallback, skipped: [.step(index: 1, round: 0)]))
        let firstEmpty = EscalationPolicy(team: "t", steps: [EscalationStep(targets: [.schedule("later")]), EscalationStep(targets: [.person("dana")])])
        let started = start(firstEmpty)
        #expect(started.position == .step(index: 1, round: 0))
        #expect(started.pages().pages.map(\.person) == ["dana", "dana"])
        let nobody = EscalationPolicy(team: "t", steps: [EscalationStep(targets: [.schedule("later"), .person("ghost")])])
        let empty = start(nobody)
        #expect(empty.position == .done)
        #expect(empty.nextDue == nil)
    }

    @Test func unresolvableTargetsSayWhy() {
        let plan = EscalationPlan(
            policy: EscalationPolicy(team: "t", steps: [EscalationStep(targets: [.schedule("later"), .person("ghost"), .schedule("nope")])]),
            directory: Team.directory, enteredAt: t0)
        #expect(plan.pages().unreachable == [
            #"schedule "later" has nobody on call"#, #"unknown person "ghost""#, #"unknown schedule "nope""#,
        ])
    }

    @Test func aStoredPositionPastTheEndOfAShortenedPolicyMovesOn() {
        func resumed(_ position: EscalationPosition, _ policy: EscalationPolicy) -> EscalationPosition {
            EscalationPlan(policy: policy, directory: Team.directory, position: position, enteredAt: t0).position
        }
        #expect(resumed(.step(index: 5, round: 0), policy) == .step(index: 0, round: 1))
        #expect(resumed(.step(index: 5, round: 1), policy) == .fallback)
        #expect(resumed(.step(index: 0, round: 3), policy) == .fallback)
        let noFallback = EscalationPolicy(team: "t", steps: policy.steps)
        #expect(resumed(.fallback, noFallback) == .done)
        #expect(resumed(.step(index: 2, round: 0), noFallback) == .done)
    }

    @Test func positionsDescribeThemselvesOneBased() {
        #expect(EscalationPosition.step(index: 0, round: 1).description == "step 1, round 2")
        #expect(EscalationPosition.fallback.description == "fallback")
    }
}
