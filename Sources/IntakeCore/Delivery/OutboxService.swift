import Foundation
import Logging
import ServiceLifecycle

/// Works one destination's outbox: attempts due deliveries with bounded concurrency, and records each
/// answer — done, again later (exponential backoff with jitter, or the destination's Retry-After), or dead.
public struct OutboxService: Service {
    private let destination: any DeliveryDestination
    private let store: any DeliveryStore
    private let clock: any WallClock
    private let logger: Logger
    private let baseBackoff: Duration
    private let maxBackoff: Duration
    private let idlePoll: Duration
    private let wakeups: CommitSignal?
    private let recorder: AttemptRecorder

    /// `wakeups` fires when something was enqueued, so a new delivery goes out at once rather than at
    /// the next `idlePoll`; `observer` hears every attempt's outcome (case events, metrics).
    public init(
        destination: any DeliveryDestination, store: any DeliveryStore, clock: any WallClock = SystemClock(), logger: Logger,
        baseBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(600), idlePoll: Duration = .milliseconds(250),
        wakeups: CommitSignal? = nil, observer: (any DeliveryObserver)? = nil
    ) {
        self.destination = destination
        self.store = store
        self.clock = clock
        self.logger = logger
        self.baseBackoff = baseBackoff
        self.maxBackoff = maxBackoff
        self.idlePoll = idlePoll
        self.wakeups = wakeups
        recorder = AttemptRecorder(store: store, observer: observer)
    }

    public func run() async throws {
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let signal = wakeups?.subscribe()
        let clock = self.clock
        let idlePoll = self.idlePoll
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if let signal {
                    group.addTask { for await _ in signal { wake.yield() } }
                }
                // Retries come due with time, not with a signal: look now and then.
                group.addTask { await clock.wakePeriodically(wake, every: idlePoll) }
                group.addTask { try await work(wakes) }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    /// Keeps up to `maxConcurrency` attempts in flight, topping up as each ends, so one slow answer never
    /// holds back the rest. Due deliveries are read a few slots' worth at a time and the database is read
    /// again when those ran out or when woken; a wake-up is heard while attempts are still in flight (a
    /// page enqueued meanwhile does not wait for them to be recorded); with nothing due it sleeps until woken.
    private func work(_ wakes: AsyncStream<Void>) async throws {
        let limit = max(1, destination.maxConcurrency)
        // Child task results: a finished delivery's id, or one of these.
        let woken: Int64 = -1, wakesEnded: Int64 = -2
        try await withThrowingTaskGroup(of: Int64.self) { group in
            defer { group.cancelAll() }
            var inFlight = Set<Int64>()
            var queued: [Delivery] = []
            var listening = false
            var reread = true
            while !Task.isCancelled {
                if reread && inFlight.count < limit {
                    do {
                        queued = try await store.dueDeliveries(destination: destination.name, now: clock.now(), limit: limit * 4 + inFlight.count)
                            .filter { !inFlight.contains($0.id) }
                    } catch is CancellationError {
                        return
                    } catch {
                        logger.error("outbox read failed", metadata: ["destination": "\(destination.name)", "error": "\(error)"])
                    }
                    reread = false
                }
                while inFlight.count < limit, !queued.isEmpty {
                    let delivery = queued.removeFirst()
                    inFlight.insert(delivery.id)
                    group.addTask {
                        do {
                            try await attempt(delivery)
                        } catch is CancellationError {
                        } catch {
                            logger.error("outbox write failed", metadata: ["destination": "\(destination.name)", "error": "\(error)"])
                        }
                        return delivery.id
                    }
                }
                if !listening {
                    listening = true
                    // One listener at a time: the stream keeps the newest wake-up until it is asked.
                    group.addTask {
                        var iterator = wakes.makeAsyncIterator()
                        return await iterator.next() == nil ? wakesEnded : woken
                    }
                }
                guard let finished = try await group.next() else { return }
                switch finished {
                case woken:
                    listening = false
                    reread = true
                case wakesEnded:
                    return
                default:
                    inFlight.remove(finished)
                    if queued.isEmpty { reread = true }
                }
            }
        }
    }

    /// Attempts every delivery due now, at most `maxConcurrency` at once; returns how many were attempted.
    @discardableResult
    public func workOnce() async throws -> Int {
        let limit = max(1, destination.maxConcurrency)
        let due = try await store.dueDeliveries(destination: destination.name, now: clock.now(), limit: limit * 8)
        guard !due.isEmpty else { return 0 }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for delivery in due {
                if inFlight == limit {
                    try await group.next()
                    inFlight -= 1
                }
                group.addTask { try await attempt(delivery) }
                inFlight += 1
            }
            try await group.waitForAll()
        }
        return due.count
    }

    private func attempt(_ delivery: Delivery) async throws {
        let result = await destination.deliver(delivery)
        let now = clock.now()
        var next: Date?
        switch result {
        case .done:
            break
        case .retry(let reason, let status, let after):
            let wait = max(backoff(after: delivery.attempts + 1), after ?? .zero)
            next = now.addingTimeInterval(wait.timeInterval)
            logger.info("delivery will be retried", metadata: [
                "destination": "\(destination.name)", "delivery": "\(delivery.id)", "status": "\(status.map(String.init) ?? "-")",
                "retry_in": "\(wait)", "reason": "\(reason.prefix(200))"])
        case .permanent(let reason, let status):
            logger.warning("delivery refused for good; see the dead letters", metadata: [
                "destination": "\(destination.name)", "delivery": "\(delivery.id)", "status": "\(status.map(String.init) ?? "-")", "reason": "\(reason.prefix(200))"])
        }
        try await recorder.record(DeliveryAttempt(delivery: delivery, result: result, nextAttemptAt: next, at: now))
    }

    /// base · 2^(attempt-1), capped, with full jitter in the upper half so retries of many deliveries spread out.
    func backoff(after attempt: Int) -> Duration {
        let base = baseBackoff.timeInterval
        let cap = Double(maxBackoff.components.seconds)
        let seconds = min(cap, base * Double(1 << min(max(attempt - 1, 0), 20)))
        return .milliseconds(Int64(seconds * 1000 * Double.random(in: 0.5...1.0)))
    }
}

/// Hears how delivery attempts ended, a committed group at a time: the forwarders append a
/// `case.forwarded` event, the escalation engine logs an alert's deliveries, metrics count.
public protocol DeliveryObserver: Sendable {
    func attempted(_ attempts: [DeliveryAttempt]) async
}

extension OutboxService: CustomStringConvertible {
    /// Its destination by name only: ServiceGroup logs each service's description, and a destination
    /// holds its API token.
    public var description: String { "OutboxService(destination: \(destination.name))" }
}
