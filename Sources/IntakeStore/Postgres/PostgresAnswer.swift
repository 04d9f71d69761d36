import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// A query whose connection closed before the server answered it, and that PostgresNIO would never fail.
struct PostgresConnectionGone: Error, CustomStringConvertible {
    var description: String { "the connection closed before the server answered" }
}

extension PostgresConnection {
    /// `query`, failing with `PostgresConnectionGone` when the connection is closed and the query has had
    /// no answer for a `grace` after that was seen.
    ///
    /// PostgresNIO writes a query to its channel without a write promise. A query written after the closed
    /// channel's pipeline was torn down is dropped there, and its caller would wait forever. That happened
    /// in CI after `pg_terminate_backend`: the pool handed the ended connection to the next call, whose
    /// `BEGIN` never returned. A query written before the close is failed by PostgresNIO as the connection
    /// goes inactive, well within `grace`, so it reaches its caller with its own error (or its answer).
    /// A connection already closed fails at once (`checkingFirst: false` skips that, for tests of the watch).
    func answer(_ query: PostgresQuery, logger: Logger, grace: TimeAmount = .seconds(1),
                checkingFirst: Bool = true) async throws -> PostgresRowSequence {
        if checkingFirst, isClosed { throw PostgresConnectionGone() }
        return try await withCheckedThrowingContinuation { continuation in
            let pending = PendingAnswer(continuation)
            let watch = eventLoop.scheduleRepeatedTask(initialDelay: grace, delay: grace) { [self] task in
                if pending.closedTwice(isClosed) {
                    task.cancel()
                    pending.finish(.failure(PostgresConnectionGone()))
                }
            }
            Task {  // Not structured: a dropped query's task waits forever, and its caller must not.
                do {
                    let rows = try await self.query(query, logger: logger)
                    watch.cancel()
                    pending.finish(.success(rows))
                } catch {
                    watch.cancel()
                    pending.finish(.failure(error))
                }
            }
        }
    }
}

/// The one resumption of a query's caller, by its answer or by the connection watch, whichever comes first.
private final class PendingAnswer: Sendable {
    private struct State {
        var continuation: CheckedContinuation<PostgresRowSequence, any Error>?
        var closedChecks = 0
    }
    private let state: Mutex<State>

    init(_ continuation: CheckedContinuation<PostgresRowSequence, any Error>) {
        state = Mutex(State(continuation: continuation))
    }

    /// Counts a check that found the connection closed: true at the second in a row (a grace has passed
    /// since it was first seen closed).
    func closedTwice(_ closed: Bool) -> Bool {
        state.withLock { state in
            state.closedChecks = closed ? state.closedChecks + 1 : 0
            return state.closedChecks >= 2
        }
    }

    func finish(_ result: Result<PostgresRowSequence, any Error>) {
        let continuation = state.withLock { state in
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(with: result)
    }
}
