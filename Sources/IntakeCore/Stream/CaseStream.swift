import Logging
import ServiceLifecycle
import Synchronization

/// The single way into the store: every adapter submits here, and submissions commit in groups.
///
/// ```
///  adapters ──submit──► pending ──(one writer)──► CaseStore.ingest([...]) ──commit──► resume callers
///  (HTTP 2xx, IMAP flag and feed cursor happen only after resume)            └──► CommitSignal ──► consumers, SSE
/// ```
/// Group commit keeps one transaction (and one fsync) per batch rather than per message, so durability
/// stays cheap under load. One group commits at a time, and the next starts from the previous one's
/// completion (on the store's writer) with whatever arrived meanwhile: the writer never waits for a task
/// to be scheduled between two groups. A `Service`: on graceful shutdown it stops taking new work, drains
/// what is pending, then returns; run it before the services that submit so that it stops after them.
public final class CaseStream: Service, Sendable {
    private struct Pending {
        var request: IngestRequest
        var waiter: Waiter
    }

    /// Who is told when a pending request commits: one caller, or one slot of a caller's ordered group.
    private enum Waiter {
        case single(CheckedContinuation<IngestOutcome, any Error>)
        case group(GroupWaiter, Int)

        func resume(with result: Result<IngestOutcome, any Error>) {
            switch self {
            case .single(let continuation): continuation.resume(with: result)
            case .group(let group, let index): group.complete(index, with: result)
            }
        }
    }

    private struct State {
        var pending: [Pending] = []
        var accepting = true
        /// Whether a group is committing now; the next one starts when it ends.
        var committing = false
        /// Told when nothing is pending or committing (shutdown waits for this).
        var idleWaiters: [CheckedContinuation<Void, Never>] = []

        /// The next group to commit, taken out of `pending`; when there is none, committing stops.
        mutating func nextBatch(max: Int) -> [Pending] {
            let count = Swift.min(max, pending.count)
            let batch = Array(pending.prefix(count))
            pending.removeFirst(count)
            committing = !batch.isEmpty
            return batch
        }
    }

    private let store: any CaseStore
    private let maxBatch: Int
    private let logger: Logger
    private let observer: (any IngestObserver)?
    private let state = Mutex(State())
    /// Finishes when submissions stop (graceful shutdown or `stopAccepting()`).
    private let stopped: AsyncStream<Void>
    private let stoppedContinuation: AsyncStream<Void>.Continuation
    /// Fires after every commit; consumers and event streams wait on it.
    public let commits = CommitSignal()

    public init(store: any CaseStore, maxBatch: Int = 512, logger: Logger, observer: (any IngestObserver)? = nil) {
        self.store = store
        self.maxBatch = max(1, maxBatch)
        self.logger = logger
        self.observer = observer
        (stopped, stoppedContinuation) = AsyncStream.makeStream(of: Void.self)
    }

    /// Stores one request and returns once its transaction committed.
    /// Throws `IntakeUnavailable` while shutting down, or the store's error.
    public func submit(_ request: IngestRequest) async throws -> IngestOutcome {
        try await withCheckedThrowingContinuation { continuation in
            enqueue([Pending(request: request, waiter: .single(continuation))]) {
                continuation.resume(throwing: $0)
            }
        }
    }

    /// Stores several requests in order (a polling adapter's cursors must not overtake each other);
    /// returns once all committed, outcomes in order, or throws the first failure.
    public func submit(_ requests: [IngestRequest]) async throws -> [IngestOutcome] {
        if requests.isEmpty { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            let group = GroupWaiter(count: requests.count, continuation: continuation)
            enqueue(requests.enumerated().map { Pending(request: $1, waiter: .group(group, $0)) }) {
                continuation.resume(throwing: $0)
            }
        }
    }

    private func enqueue(_ items: [Pending], refused: (any Error) -> Void) {
        let start: [Pending]? = state.withLock { state in
            guard state.accepting else { return nil }
            state.pending.append(contentsOf: items)
            // A group committing now picks these up when it ends; otherwise they start a group here.
            return state.committing ? [] : state.nextBatch(max: maxBatch)
        }
        guard let start else { return refused(IntakeUnavailable(reason: "the gateway is shutting down")) }
        if !start.isEmpty { commit(start) }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in stopped {}
        } onGracefulShutdown: {
            self.stopAccepting()
        }
        stopAccepting()
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state in
                if !state.committing { return true }
                state.idleWaiters.append(waiter)
                return false
            }
            if idle { waiter.resume() }
        }
        commits.finish()
    }

    /// Refuses new submissions; what is pending still commits.
    public func stopAccepting() {
        state.withLock { $0.accepting = false }
        stoppedContinuation.finish()
    }

    /// Commits a group, then the next one, until nothing is pending.
    private func commit(_ batch: [Pending]) {
        let started = ContinuousClock.now
        store.ingest(batch.map(\.request)) { result in
            switch result {
            case .success(let outcomes):
                self.committed(batch, outcomes, since: started)
                self.commitNext()
            case .failure(let error):
                Task {
                    await self.isolate(batch, failure: error)
                    self.commitNext()
                }
            }
        }
    }

    private func commitNext() {
        let (batch, idle) = state.withLock { state in
            let batch = state.nextBatch(max: maxBatch)
            let idle = batch.isEmpty ? state.idleWaiters : []
            if batch.isEmpty { state.idleWaiters = [] }
            return (batch, idle)
        }
        for waiter in idle { waiter.resume() }
        if !batch.isEmpty { commit(batch) }
    }

    /// After a group failed: one bad request must not fail its neighbours, so commit them one by one to
    /// isolate it. A cursor must not pass a request that failed, so once one fails, the later requests
    /// under the same cursor key fail with it (their source sends them again from the cursor).
    private func isolate(_ batch: [Pending], failure: any Error) async {
        guard batch.count > 1 else {
            logger.error("commit failed", metadata: ["error": "\(failure)"])
            batch[0].waiter.resume(with: .failure(failure))
            return
        }
        logger.warning("group commit failed; retrying one by one", metadata: ["batch": "\(batch.count)", "error": "\(failure)"])
        var failedCursors: [String: any Error] = [:]
        for pending in batch {
            if let key = pending.request.cursor?.key, let failure = failedCursors[key] {
                pending.waiter.resume(with: .failure(failure))
                continue
            }
            if let failure = await commit(alone: pending), let key = pending.request.cursor?.key { failedCursors[key] = failure }
        }
    }

    /// Commits one request on its own; returns the error when it failed (its waiter has it too).
    private func commit(alone pending: Pending) async -> (any Error)? {
        let started = ContinuousClock.now
        do {
            committed([pending], try await store.ingest([pending.request]), since: started)
            return nil
        } catch {
            logger.error("commit failed", metadata: ["error": "\(error)"])
            pending.waiter.resume(with: .failure(error))
            return error
        }
    }

    private func committed(_ batch: [Pending], _ outcomes: [IngestOutcome], since started: ContinuousClock.Instant) {
        observer?.didCommit(outcomes: outcomes, requests: batch.map(\.request), duration: ContinuousClock.now - started)
        commits.fire()
        for (pending, outcome) in zip(batch, outcomes) { pending.waiter.resume(with: .success(outcome)) }
    }
}

/// Collects the outcomes of an ordered group of requests and resumes its caller once, when all are in.
private final class GroupWaiter: Sendable {
    private struct State {
        var outcomes: [IngestOutcome?]
        var remaining: Int
        var continuation: CheckedContinuation<[IngestOutcome], any Error>?
    }

    private let state: Mutex<State>

    init(count: Int, continuation: CheckedContinuation<[IngestOutcome], any Error>) {
        state = Mutex(State(outcomes: Array(repeating: nil, count: count), remaining: count, continuation: continuation))
    }

    func complete(_ index: Int, with result: Result<IngestOutcome, any Error>) {
        let finished: (CheckedContinuation<[IngestOutcome], any Error>, Result<[IngestOutcome], any Error>)? = state.withLock { state in
            guard let continuation = state.continuation else { return nil }
            switch result {
            case .failure(let error):
                state.continuation = nil
                return (continuation, .failure(error))
            case .success(let outcome):
                state.outcomes[index] = outcome
                state.remaining -= 1
                guard state.remaining == 0 else { return nil }
                state.continuation = nil
                return (continuation, .success(state.outcomes.map { $0! }))
            }
        }
        if let (continuation, result) = finished { continuation.resume(with: result) }
    }
}

/// Told about every committed group, for metrics.
public protocol IngestObserver: Sendable {
    func didCommit(outcomes: [IngestOutcome], requests: [IngestRequest], duration: Duration)
}

/// The gateway cannot take work now (starting or shutting down): HTTP 503.
public struct IntakeUnavailable: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
