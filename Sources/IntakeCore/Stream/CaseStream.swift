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
/// stays cheap under load. A `Service`: on graceful shutdown it stops taking new work, drains what is
/// pending, then returns; run it before the services that submit so that it stops after them.
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
    }

    private let store: any CaseStore
    private let maxBatch: Int
    private let logger: Logger
    private let observer: (any IngestObserver)?
    private let state = Mutex(State())
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    /// Fires after every commit (unless the store fires it instead, see `init`); consumers and event streams wait on it.
    public let commits = CommitSignal()
    private let firesCommits: Bool

    /// `firesCommits: false` when the store itself fires `commits` after every commit that appends to the
    /// event log (`SQLiteCaseStore.signalEventCommits`), so each ingest commit wakes readers once, not twice.
    public init(store: any CaseStore, maxBatch: Int = 512, logger: Logger, observer: (any IngestObserver)? = nil, firesCommits: Bool = true) {
        self.firesCommits = firesCommits
        self.store = store
        self.maxBatch = max(1, maxBatch)
        self.logger = logger
        self.observer = observer
        (wake, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
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
        if requests.count == 1 { return [try await submit(requests[0])] }  // a webhook's usual one: no group to gather
        return try await withCheckedThrowingContinuation { continuation in
            let group = GroupWaiter(count: requests.count, continuation: continuation)
            enqueue(requests.enumerated().map { Pending(request: $1, waiter: .group(group, $0)) }) {
                continuation.resume(throwing: $0)
            }
        }
    }

    private func enqueue(_ items: [Pending], refused: (any Error) -> Void) {
        let accepted = state.withLock { state in
            guard state.accepting else { return false }
            state.pending.append(contentsOf: items)
            return true
        }
        if accepted {
            wakeContinuation.yield()
        } else {
            refused(IntakeUnavailable(reason: "the gateway is shutting down"))
        }
    }

    /// The commit loop's own thread (see `DedicatedThreadExecutor`), shared by every stream in the process.
    private static let writerExecutor = DedicatedThreadExecutor(name: "intake-case-stream")

    public func run() async throws {
        await withTaskExecutorPreference(Self.writerExecutor) { await self.loop() }
    }

    private func loop() async {
        await withGracefulShutdownHandler {
            for await _ in wake { await drain() }
        } onGracefulShutdown: {
            self.stopAccepting()
        }
        stopAccepting()
        await drain()
        commits.finish()
    }

    /// Refuses new submissions; what is pending still commits.
    public func stopAccepting() {
        state.withLock { $0.accepting = false }
        wakeContinuation.finish()
    }

    private func takeBatch() -> [Pending] {
        state.withLock { state in
            let count = min(maxBatch, state.pending.count)
            let batch = Array(state.pending.prefix(count))
            state.pending.removeFirst(count)
            return batch
        }
    }

    private func drain() async {
        while true {
            let batch = takeBatch()
            if batch.isEmpty { return }
            await commit(batch)
        }
    }

    private func commit(_ batch: [Pending]) async {
        guard batch.count > 1 else {
            _ = await commit(alone: batch[0])
            return
        }
        let started = ContinuousClock.now
        do {
            committed(batch, try await store.ingest(batch.map(\.request)), since: started)
        } catch let error as StoreError where error.isUnreachable {
            // The store cannot be reached: every request would fail alike, and each alone would wait again.
            logger.error("group commit failed: the store cannot be reached", metadata: ["batch": "\(batch.count)", "error": "\(error)"])
            for pending in batch { pending.waiter.resume(with: .failure(error)) }
        } catch {
            // One bad request must not fail its neighbours: commit them one by one to isolate it. A
            // cursor must not pass a request that failed, so once one fails, the later requests under the
            // same cursor key fail with it (their source sends them again from the cursor).
            logger.warning("group commit failed; retrying one by one", metadata: ["batch": "\(batch.count)", "error": "\(error)"])
            var failedCursors: [String: any Error] = [:]
            for pending in batch {
                if let key = pending.request.cursor?.key, let failure = failedCursors[key] {
                    pending.waiter.resume(with: .failure(failure))
                    continue
                }
                if let failure = await commit(alone: pending), let key = pending.request.cursor?.key { failedCursors[key] = failure }
            }
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
        if firesCommits { commits.fire() }
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

extension CaseStream: CustomStringConvertible {
    /// A name for ServiceGroup's log lines, which print each service's description.
    public var description: String { "CaseStream" }
}
