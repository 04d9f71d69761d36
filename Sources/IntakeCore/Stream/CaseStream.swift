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
        var continuation: CheckedContinuation<IngestOutcome, any Error>
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
    /// Fires after every commit; consumers and event streams wait on it.
    public let commits = CommitSignal()

    public init(store: any CaseStore, maxBatch: Int = 512, logger: Logger, observer: (any IngestObserver)? = nil) {
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
            let accepted = state.withLock { state in
                guard state.accepting else { return false }
                state.pending.append(Pending(request: request, continuation: continuation))
                return true
            }
            if accepted {
                wakeContinuation.yield()
            } else {
                continuation.resume(throwing: IntakeUnavailable(reason: "the gateway is shutting down"))
            }
        }
    }

    /// Stores several requests, each committed before this returns; outcomes in order.
    public func submit(_ requests: [IngestRequest]) async throws -> [IngestOutcome] {
        try await withThrowingTaskGroup(of: (Int, IngestOutcome).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask { (index, try await self.submit(request)) }
            }
            var outcomes = [IngestOutcome?](repeating: nil, count: requests.count)
            for try await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes.map { $0! }
        }
    }

    public func run() async throws {
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
        let started = ContinuousClock.now
        do {
            let outcomes = try await store.ingest(batch.map(\.request))
            observer?.didCommit(outcomes: outcomes, requests: batch.map(\.request), duration: ContinuousClock.now - started)
            commits.fire()
            for (pending, outcome) in zip(batch, outcomes) { pending.continuation.resume(returning: outcome) }
        } catch where batch.count > 1 {
            // One bad request must not fail its neighbours: commit them one by one to isolate it.
            logger.warning("group commit failed; retrying one by one", metadata: ["batch": "\(batch.count)", "error": "\(error)"])
            for pending in batch { await commit([pending]) }
        } catch {
            logger.error("commit failed", metadata: ["error": "\(error)"])
            batch[0].continuation.resume(throwing: error)
        }
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
