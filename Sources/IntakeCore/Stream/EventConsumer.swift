import Foundation
import Logging
import ServiceLifecycle

/// What reads the case stream: escalation, forwarders. Handlers must be idempotent: delivery is at least once.
public protocol EventHandler: Sendable {
    /// The consumer's name; its durable cursor is stored under it.
    var consumerName: String { get }
    /// Handles events in sequence order. Throwing leaves the cursor before the batch, which is offered again.
    func handle(_ events: [CaseEvent]) async throws
    /// Whether `event` matters to this handler; a page with none that does is not handed over, and its
    /// position is stored later like a `.storeLater` page's. Default: every event.
    func handles(_ event: CaseEvent) -> Bool
    /// The events to read at all: the store leaves the others unread (cheaper than reading and skipping
    /// them), and the position still moves past them. Default: nil, every event is read.
    var eventFilter: EventFilter? { get }
    /// Where the consumer starts when it has never stored a position. Default: the log's beginning.
    var startsWhenNew: ConsumerStart { get }
    /// Handles a page whose last event is `position`. A handler that writes may store the position in the
    /// same transaction as its own writes, which saves the service a commit. Default: `handle(events)`,
    /// then `.storeNow`.
    func handle(_ events: [CaseEvent], through position: ConsumerPosition) async throws -> PositionOutcome
}

extension EventHandler {
    public func handles(_ event: CaseEvent) -> Bool { true }
    public var eventFilter: EventFilter? { nil }
    public var startsWhenNew: ConsumerStart { .beginning }

    public func handle(_ events: [CaseEvent], through position: ConsumerPosition) async throws -> PositionOutcome {
        try await handle(events)
        return .storeNow
    }
}

/// Where a consumer new to the log starts: from its first event, or after its last one at the time (what
/// came before is none of its business).
public enum ConsumerStart: Sendable, Equatable {
    case beginning
    case end
}

/// A consumer's position in the event log: the last event it has handled.
public struct ConsumerPosition: Sendable, Equatable {
    public var consumer: String
    public var seq: Int64

    public init(consumer: String, seq: Int64) {
        self.consumer = consumer
        self.seq = seq
    }
}

/// What became of a page's position once its handler returned.
public enum PositionOutcome: Sendable, Equatable {
    /// The handler stored it, in the transaction of its own writes.
    case stored
    /// Not stored: the service stores it now, in a transaction of its own.
    case storeNow
    /// Not stored, and the handler wrote nothing for this page: the service stores it once it is
    /// `lazyStoreInterval` old, or at shutdown. After a crash in between, the page is offered again,
    /// which handlers are built for (delivery is at least once).
    case storeLater
}

/// Runs an `EventHandler` over the case stream from its durable cursor: reads a page of events, hands it
/// over, and moves the cursor only after the handler returned. Wakes on every commit (and every
/// `idlePoll`, for writes made by other processes); backs off when the handler fails. A position the
/// handler had no write to store with is stored once it is `lazyStoreInterval` old (within one and a half
/// intervals, or at shutdown), so a consumer that acts on few events does not add a commit per page to
/// the writer's load.
///
/// ```
/// events table ─(after cursor)─► handler.handle(page, through: last seq) ─► .stored: with the handler's write
///        ▲ CommitSignal / idle poll          │                              .storeNow: setConsumerPosition
///        │                                   │                              .storeLater: after lazyStoreInterval
///        │                                   └─throws─► backoff, same page again
/// ```
public struct EventConsumerService: Service {
    private let handler: any EventHandler
    private let store: any CaseStore
    private let commits: CommitSignal
    private let clock: any WallClock
    private let logger: Logger
    private let pageSize: Int
    private let idlePoll: Duration
    private let lazyStoreInterval: Duration
    /// Where this service has read to; read from the store once, then kept here.
    private let position = PositionCache()

    public init(
        handler: any EventHandler, store: any CaseStore, commits: CommitSignal, clock: any WallClock = SystemClock(),
        logger: Logger, pageSize: Int = 200, idlePoll: Duration = .seconds(2), lazyStoreInterval: Duration = .seconds(1)
    ) {
        self.handler = handler
        self.store = store
        self.commits = commits
        self.clock = clock
        self.logger = logger
        self.pageSize = pageSize
        self.idlePoll = idlePoll
        self.lazyStoreInterval = lazyStoreInterval
    }

    public func run() async throws {
        let commits = self.commits.subscribe()
        // Often enough that a position left for later is stored within one and a half intervals.
        let idlePoll = min(self.idlePoll, max(lazyStoreInterval / 2, .milliseconds(10)))
        do {
            try await consumeUntilShutdown(commits: commits, idlePoll: idlePoll)
        } catch {
            await storeUnstoredPosition()
            throw error
        }
        await storeUnstoredPosition()
    }

    private func consumeUntilShutdown(commits: AsyncStream<Void>, idlePoll: Duration) async throws {
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let clock = self.clock
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in commits { wake.yield() }
                    wake.finish()
                }
                // Other processes' writes (the CLI) fire no signal here: look now and then.
                group.addTask { await clock.wakePeriodically(wake, every: idlePoll) }
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

    /// Hands the next page to the handler and stores the position as the handler asked; returns how many
    /// sequence numbers it moved past (events read, or left unread by the handler's filter).
    @discardableResult
    public func drainOnce() async throws -> Int {
        let from: Int64
        if let known = position.value {
            from = known
        } else {
            from = try await firstPosition()
            position.start(at: from)
        }
        let page: EventPage
        if let filter = handler.eventFilter {
            page = try await store.events(after: from, limit: pageSize, filter: filter)
        } else {
            let events = try await store.events(after: from, limit: pageSize)
            page = EventPage(events: events, readThrough: events.last?.seq ?? from)
        }
        let last = page.readThrough
        guard last > from else {
            try await storePositionIfDue()
            return 0
        }
        // Every commit that appends to the log wakes every consumer (the engine's own urgency and alert
        // events too): a page this handler has no use for costs a read, and its position a write only
        // later. After a crash it is read again from the stored position: harmless.
        var outcome = PositionOutcome.storeLater
        if page.events.contains(where: handler.handles) {
            outcome = try await handler.handle(page.events, through: ConsumerPosition(consumer: handler.consumerName, seq: last))
        }
        let now = clock.now()
        switch outcome {
        case .stored:
            position.read(to: last, stored: true, now: now)
        case .storeNow:
            try await store.setConsumerPosition(handler.consumerName, last)
            position.read(to: last, stored: true, now: now)
        case .storeLater where lazyStoreInterval <= .zero:
            try await store.setConsumerPosition(handler.consumerName, last)
            position.read(to: last, stored: true, now: now)
        case .storeLater:
            position.read(to: last, stored: false, now: now)
            try await storePositionIfDue()
        }
        return Int(last - from)
    }

    /// The stored position; for a new consumer that starts at the end, the log's end, stored at once.
    private func firstPosition() async throws -> Int64 {
        if let stored = try await store.storedConsumerPosition(handler.consumerName) { return stored }
        guard handler.startsWhenNew == .end else { return 0 }
        let end = try await store.latestSequence()
        try await store.setConsumerPosition(handler.consumerName, end)
        logger.notice("a new consumer starts at the end of the event log", metadata: ["consumer": "\(handler.consumerName)", "seq": "\(end)"])
        return end
    }

    /// Stores a position read past without a write, once it has waited `lazyStoreInterval`.
    private func storePositionIfDue() async throws {
        let now = clock.now()
        guard let unstored = position.unstored(behindSince: now.addingTimeInterval(-lazyStoreInterval.timeInterval)) else { return }
        try await store.setConsumerPosition(handler.consumerName, unstored)
        position.stored(unstored)
    }

    /// At shutdown: stores what was read past and not yet stored. In a task of its own, so that the
    /// service's cancellation does not cancel the write.
    private func storeUnstoredPosition() async {
        guard let unstored = position.unstored(behindSince: .distantFuture) else { return }
        let (store, name, logger) = (self.store, handler.consumerName, self.logger)
        await Task.detached {
            do {
                try await store.setConsumerPosition(name, unstored)
            } catch {
                logger.warning("consumer position not stored at shutdown; its last events will be offered again",
                               metadata: ["consumer": "\(name)", "error": "\(error)"])
            }
        }.value
    }
}

/// A consumer's position in memory, shared by the copies of its (value-type) service: how far it has
/// read, how far that is stored, and since when the stored one lags.
private final class PositionCache: @unchecked Sendable {
    private let lock = NSLock()
    private var readTo: Int64?
    private var storedTo: Int64 = 0
    private var behind: Date?

    var value: Int64? { lock.withLock { readTo } }

    /// The position read from the store at start.
    func start(at seq: Int64) {
        lock.withLock {
            readTo = seq
            storedTo = seq
        }
    }

    /// Records a page read, `stored` when its position was stored with it.
    func read(to seq: Int64, stored: Bool, now: Date) {
        lock.withLock {
            readTo = seq
            if stored {
                storedTo = max(storedTo, seq)
                behind = nil
            } else if behind == nil, seq > storedTo {
                behind = now
            }
        }
    }

    func stored(_ seq: Int64) {
        lock.withLock {
            storedTo = max(storedTo, seq)
            if storedTo >= (readTo ?? 0) { behind = nil }
        }
    }

    /// The read position, when the stored one has lagged behind it since `cutoff` or earlier.
    func unstored(behindSince cutoff: Date) -> Int64? {
        lock.withLock {
            guard let readTo, readTo > storedTo, let behind, behind <= cutoff else { return nil }
            return readTo
        }
    }
}

extension EventConsumerService: CustomStringConvertible {
    /// Its consumer by name only: ServiceGroup logs each service's description, and a handler can hold
    /// credentials (a forwarder's destinations).
    public var description: String { "EventConsumerService(consumer: \(handler.consumerName))" }
}
