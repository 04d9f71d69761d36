import Foundation
import IntakeCore
import IntakePolicy
import Logging
import ServiceLifecycle

/// Escalates alerts whose step timed out, from the timers kept in the database: after a restart or a
/// `kill -9` a due step is paged on the next tick, and the step's page keys make it exactly once.
public struct EscalationTimer: Service {
    public typealias Store = CaseStore & AlertStore & DeliveryStore
    let store: any Store
    let oncall: OnCallConfig
    let pages: PageBuilder
    let clock: any WallClock
    let logger: Logger
    let enqueued: CommitSignal
    /// Fired when an alert may be due early (every page of its step failed): tick now.
    let wakeups: CommitSignal
    let tick: Duration

    public init(store: any Store, oncall: OnCallConfig, pages: PageBuilder, clock: any WallClock, logger: Logger, enqueued: CommitSignal,
                wakeups: CommitSignal, tick: Duration = .milliseconds(500)) {
        self.store = store
        self.oncall = oncall
        self.pages = pages
        self.clock = clock
        self.logger = logger
        self.enqueued = enqueued
        self.wakeups = wakeups
        self.tick = tick
    }

    public func run() async throws {
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let signal = wakeups.subscribe()
        let clock = self.clock
        let tick = self.tick
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { for await _ in signal { wake.yield() } }
                group.addTask {
                    while true {
                        try await clock.sleep(for: tick)
                        wake.yield()
                    }
                }
                group.addTask {
                    for await _ in wakes {
                        do {
                            try await escalateDue()
                        } catch is CancellationError {
                            return
                        } catch {
                            logger.error("escalation tick failed", metadata: ["error": "\(error)"])
                        }
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    /// Moves every alert due now to its next step; returns how many moved.
    @discardableResult
    public func escalateDue() async throws -> Int {
        var moved = 0
        for alert in try await store.dueAlerts(now: clock.now(), limit: 100) where try await escalate(alert, early: false) {
            moved += 1
        }
        if moved > 0 { enqueued.fire() }
        return moved
    }

    /// Pages the next step of `alert` now (a person pressed Escalate: `early`); false when it was
    /// acknowledged or moved meanwhile.
    public func escalate(_ alert: Alert, early: Bool) async throws -> Bool {
        guard alert.state == .paging, let policy = oncall.policy(for: alert.team),
              let position = EscalationPosition(storageKey: alert.position),
              let detail = try await store.caseDetail(id: alert.caseID), let last = detail.messages.last
        else { return false }
        let now = clock.now()
        var plan = EscalationPlan(policy: policy, directory: oncall.directory, position: position, enteredAt: alert.enteredAt)
        // The database said it is due (or a person asked): move one step.
        switch plan.advance(at: now, early: true) {
        case .moved(let to, _):
            let batch = plan.pages()
            let summary = pages.summary(batch)
            let built = try pages.deliveries(alertID: alert.id, code: alert.code, position: to, batch: batch, record: detail.record, contact: detail.contact,
                                             message: last.message, reasons: alert.reasons, at: now)
            let done = try await store.advanceAlert(id: alert.id, from: alert.position, to: to.storageKey, state: .paging, nextDueAt: plan.nextDue,
                                                    pages: built, summary: summary, at: now)
            if done {
                if early { enqueued.fire() }
                logger.notice("alert escalated", metadata: ["alert": "\(alert.id)", "to": "\(to)", "paged": "\(summary)"])
            }
            return done
        case .exhausted:
            let done = try await store.advanceAlert(id: alert.id, from: alert.position, to: EscalationPosition.done.storageKey, state: .exhausted,
                                                    nextDueAt: nil, pages: [], summary: "nobody left to page", at: now)
            if done { logger.warning("alert exhausted: nobody acknowledged", metadata: ["alert": "\(alert.id)", "case": "\(alert.caseID)"]) }
            return done
        case .refusedAcknowledged, .notDue:
            return false
        }
    }
}

extension EscalationTimer: CustomStringConvertible {
    /// A name for ServiceGroup's log lines (its configuration names people and their phones).
    public var description: String { "EscalationTimer" }
}
