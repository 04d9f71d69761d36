import Foundation
import Logging
import ServiceLifecycle

/// What reads the case stream: escalation, forwarders. Handlers must be idempotent: delivery is at least once.
public protocol EventHandler: Sendable {
    /// The consumer's name; its durable cursor is stored under it.
    var consumerName: String { get }
    /// Handles events in sequence order. Throwing leaves the cursor before the batch, which is offered again.
    func handle(_ events: [CaseEvent]) async throws
    /// Whether `event` matters to this handler; a page with none that does is skipped without a write
    /// (its position is stored with the next page that matters). Default: every event.
    func handles(_ event: CaseEvent) -> Bool
}

extension EventHandler {
    public func handles(_ event: CaseEvent) -> Bool { true }
}

/// Runs an `EventHandler` over the case stream from its durable cursor: reads a page of events, hands it
/// over, and moves the cursor only after the handler returned. Wakes on every commit (and every
/// `idlePoll`, for writes made by other processes); backs off when the handler fails.
///
/// ```
/// events table ─(after cursor)─► handler.handle(page) ─ok─► setConsumerPosition(last seq)
///        ▲ CommitSignal / idle poll                   └─throws─► backoff, same page again
/// ```
public struct EventConsumerService: Service {
    private let handler: any EventHandler
    private let store: any CaseStore
    private let commits: CommitSignal
    private let clock: any WallClock
    private let logger: Logger
    private let pageSize: Int
    private let idlePoll: Duration
    /// Where this service has read to; read from the store once, then kept here.
    private let position = PositionCache()

    public init(
        handler: any EventHandler, store: any CaseStore, commits: CommitSignal, clock: any WallClock = SystemClock(),
        logger: Logger, pageSize: Int = 200, idlePoll: Duration = .seconds(2)
    ) {
        self.handler = handler
        self.store = store
        self.commits = commits
        self.clock = clock
        self.logger = logger
        self.pageSize = pageSize
        self.idlePoll = idlePoll
    }

    public func run() async throws {
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let commits = self.commits.subscribe()
        let clock = self.clock
        let idlePoll = self.idlePoll
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in commits { wake.yield() }
                    wake.finish()
                }
                group.addTask {
                    // Other processes' writes (the CLI) fire no signal here: look now and then.
                    while true {
                        try await clock.sleep(for: idlePoll)
                        wake.yield()
                    }
                }
                group.addTask { try await consume(wakeups) }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    private func consume(_ wakeups: AsyncStream<Void>) async throws {
        var failures = 0
        var pending = true  // drain once at start, whatever was committed before we ran
        var iterator = wakeups.makeAsyncIterator()
        while !Task.isCancelled {
            if !pending {
                guard await iterator.next() != nil else { return }
            }
            do {
                pending = try await drainOnce() == pageSize
                failures = 0
            } catch is CancellationError {
                return
            } catch {
                failures += 1
                pending = true
                let wait = Duration.milliseconds(min(60_000, 250 << min(failures, 8)))
                logger.error("event handler failed", metadata: ["consumer": "\(handler.consumerName)", "error": "\(error)", "retry_in": "\(wait)"])
                try await clock.sleep(for: wait)
            }
        }
    }

    /// Hands the next page to the handler and commits the cursor; returns how many events it read.
    @discardableResult
    public func drainOnce() async throws -> Int {
        let from: Int64
        if let known = position.value {
            from = known
        } else {
            from = try await store.consumerPosition(handler.consumerName)
        }
        let events = try await store.events(after: from, limit: pageSize)
        guard let last = events.last else { return 0 }
        // Every commit that appends to the log wakes every consumer (the engine's own urgency and alert
        // events too): a page this handler has no use for costs a read, not a write. After a restart it
        // is read again from the stored position: harmless.
        if events.contains(where: handler.handles) {
            try await handler.handle(events)
            try await store.setConsumerPosition(handler.consumerName, last.seq)
        }
        position.value = last.seq
        return events.count
    }
}

/// A consumer's position in memory, shared by the copies of its (value-type) service.
private final class PositionCache: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Int64?

    var value: Int64? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
