import Foundation
import IntakeCore
import Logging
import PostgresNIO
import Synchronization

/// The shared `CaseStore`: one PostgreSQL database that several gateway instances write to at once.
///
/// Every transaction that appends to the event log first takes one advisory lock, so the log's sequence
/// numbers commit in order across instances: a reader that has seen `seq` N never later finds a smaller
/// one committed behind it. Ingest holds that lock for its whole group, which also makes deduplication
/// and contact matching safe between instances. Commits that append wake readers on every instance
/// through `LISTEN`/`NOTIFY` (`signalEventCommits`).
public final class PostgresCaseStore: CaseStore, Sendable {
    let client: PostgresClient
    let logger: Logger
    /// How long a call waits for a connection before it fails as unavailable.
    let leaseTimeout: Duration = .seconds(5)
    private let runner: Task<Void, Never>
    private let listeners = Mutex<[Task<Void, Never>]>([])

    /// The advisory lock serializing appends to the event log ("intake" in ASCII).
    static let logLock: Int64 = 0x69_6E_74_61_6B_65
    /// The `NOTIFY` channel that commits appending to the event log are announced on.
    static let eventChannel = "intake_events"

    private init(client: PostgresClient, logger: Logger, started: AsyncStream<Void>.Continuation) {
        self.client = client
        self.logger = logger
        runner = Task {
            started.finish()
            await client.run()
        }
    }

    /// Connects, brings the schema up to date (safe when several instances start at once), and returns the store.
    /// A server that cannot be reached or refuses the login is reported at once, with the reason (the
    /// pool itself would keep retrying in the background).
    public static func open(_ location: Location, logger: Logger = Logger(label: "intake.postgres")) async throws -> PostgresCaseStore {
        try await open(location, logger: logger, schemaUpTo: nil)
    }

    /// `open`, bringing the schema up to the migration named `last` only when given (tests of migrations).
    static func open(_ location: Location, logger: Logger = Logger(label: "intake.postgres"), schemaUpTo last: String?) async throws -> PostgresCaseStore {
        do {
            let probe = try await PostgresConnection.connect(configuration: location.connectionConfiguration, id: 0, logger: logger)
            try await probe.close()
        } catch {
            throw StoreError.unavailable("cannot open the PostgreSQL store at \(location): \(PostgresFailure.describe(error))")
        }
        var configuration = location.clientConfiguration
        configuration.options.maximumConnections = 16
        // The pool serves leases once its `run` has begun (it warns otherwise): wait for that task to start.
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        // The pool logs each failed reconnection at info, several a second while the server is down; the
        // store's own calls say it once each (unavailable).
        var background = logger
        background.logLevel = max(logger.logLevel, .warning)
        let store = PostgresCaseStore(client: PostgresClient(configuration: configuration, backgroundLogger: background), logger: logger,
                                      started: startedContinuation)
        for await _ in started {}
        do {
            try await PostgresSchema.migrate(store, upTo: last)
        } catch {
            await store.close()
            throw StoreError.unavailable("cannot open the PostgreSQL store at \(location): \(PostgresFailure.describe(error))")
        }
        return store
    }

    /// Closes its connections (and stops any `signalEventCommits` listener).
    public func close() async {
        let tasks = listeners.withLock { tasks in defer { tasks = [] }; return tasks }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        runner.cancel()
        await runner.value
    }

    /// Runs `body` in one transaction on one connection.
    /// Its errors reach the caller as they are (a `StoreError.notFound` stays one); it rolls back on any.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        try await session { session in
            try await session.execute("BEGIN")
            do {
                let result = try await body(session)
                try await session.execute("COMMIT")
                return result
            } catch {
                try? await session.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `body` with one connection, outside any transaction (single reads).
    ///
    /// Waits at most `leaseTimeout` for a connection: while the server is down the pool keeps trying to
    /// reconnect, and a call fails with `StoreError.unreachable` (HTTP 503) instead of waiting for it. Once
    /// `body` has its connection it runs to the end; only the wait is cut short.
    ///
    /// A connection that the server ended while it sat in the pool (a restart, an administrator) fails
    /// the first statement sent on it before the pool has noticed. Nothing of the session ran then, so it
    /// runs again on another connection, up to `connectionAttempts` times in all. Sessions outside
    /// `transaction` only read, and a transaction's first statement is `BEGIN`: a first statement is
    /// always safe to send again. The pool learns of a closed connection a moment after it closed, and
    /// may hand the same one out again meanwhile: each try waits a little longer (`retryPause`) first.
    func session<T: Sendable>(waitingAtMost limit: Duration? = nil, _ body: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        try await PostgresFailure.mapping {
            var attempt = 1
            while true {
                let progress = PostgresSession.Progress()
                do {
                    return try await leased(waitingAtMost: limit ?? leaseTimeout, progress: progress, body)
                } catch where attempt < Self.connectionAttempts && progress.mayRunAgain
                    && PostgresFailure.losesTheConnection(error) {
                    logger.info("a pooled connection was gone; running the call again on another",
                                metadata: ["error": "\(PostgresFailure.describe(error))", "attempt": "\(attempt)"])
                    try await Task.sleep(for: Self.retryPause * attempt)
                    attempt += 1
                }
            }
        }
    }

    /// How many connections a session tries when each fails before its first answer.
    static let connectionAttempts = 4
    /// The pause before a session's second try; the third waits twice as long, the fourth three times.
    static let retryPause: Duration = .milliseconds(50)

    /// Runs `body` on a connection leased within `timeout`; `progress` follows the session.
    private func leased<T: Sendable>(waitingAtMost timeout: Duration, progress: PostgresSession.Progress,
                                     _ body: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        let lease = LeaseRace()
        let (client, logger) = (client, logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await client.withConnection { connection in
                    guard lease.start() else { throw CancellationError() }  // the wait was given up: leave it unused
                    progress.leased()
                    return try await body(PostgresSession(connection: connection, logger: logger, progress: progress))
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            while let next = try await group.next() {
                if let value = next {
                    group.cancelAll()
                    return value
                }
                if lease.giveUp() {
                    group.cancelAll()
                    throw StoreError.unreachable("PostgreSQL: no connection within \(timeout); is the server reachable?")
                }
            }
            throw CancellationError()
        }
    }

    /// Why the database cannot serve now (for `/readyz`), or nil when a query answers within `limit`.
    public func unreachableReason(within limit: Duration = .seconds(1)) async -> String? {
        do {
            try await session(waitingAtMost: limit) { try await $0.execute("SELECT 1") }
            return nil
        } catch {
            return "the database cannot be reached: \(error)"
        }
    }

    /// A transaction that appends to the event log: it holds the log's lock and announces its commit.
    /// `announcing: false` only holds the lock (a change that ingest must not interleave with, and that
    /// appends nothing).
    func loggedTransaction<T: Sendable>(announcing: Bool = true, _ body: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        try await transaction { session in
            if announcing {
                // One round trip for both: a notification is delivered when (and only if) the transaction commits.
                try await session.execute("SELECT pg_advisory_xact_lock(\(Self.logLock)), pg_notify(\(Self.eventChannel), '')")
            } else {
                try await session.execute("SELECT pg_advisory_xact_lock(\(Self.logLock))")
            }
            return try await body(session)
        }
    }

    /// Fires `signal` after every commit, by any instance on this database, that appended to the event
    /// log. Returns once listening; a lost listening connection is reopened, and the signal fired then
    /// (a commit may have gone unheard meanwhile).
    public func signalEventCommits(to signal: CommitSignal) async throws {
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Result<Void, any Error>.self)
        let task = Task { [client, logger] in
            defer { readyContinuation.finish() }
            var first = true
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: Self.eventChannel) { notifications in
                            if first { readyContinuation.yield(.success(())); first = false } else { signal.fire() }
                            for try await _ in notifications { signal.fire() }
                        }
                    }
                } catch {
                    if first {
                        readyContinuation.yield(.failure(error))
                        return
                    }
                    if Task.isCancelled { return }
                    logger.warning("lost the PostgreSQL event listener; listening again", metadata: ["error": "\(PostgresFailure.describe(error))"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
        listeners.withLock { $0.append(task) }
        for await result in ready {
            try result.get()
            return
        }
        throw CancellationError()
    }

    public func cursor(key: String) async throws -> String? {
        try await session { try await $0.first("SELECT value FROM cursors WHERE key = \(key)") { try $0.text("value") } }
    }

    public func setCursor(key: String, value: String) async throws {
        try await transaction { try await Self.upsertCursor($0, key: key, value: value) }
    }

    static func upsertCursor(_ session: PostgresSession, key: String, value: String) async throws {
        try await session.execute("INSERT INTO cursors(key, value) VALUES (\(key), \(value)) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
    }

    public func consumerPosition(_ consumer: String) async throws -> Int64 {
        try await storedConsumerPosition(consumer) ?? 0
    }

    public func storedConsumerPosition(_ consumer: String) async throws -> Int64? {
        try await session { try await $0.first("SELECT seq FROM consumers WHERE name = \(consumer)") { try $0.int64("seq") } }
    }

    /// Moves a consumer's position forward (never back: a late writer cannot undo a newer position).
    public func setConsumerPosition(_ consumer: String, _ seq: Int64) async throws {
        try await transaction { session in
            try await session.execute("""
                INSERT INTO consumers(name, seq) VALUES (\(consumer), \(seq))
                ON CONFLICT(name) DO UPDATE SET seq = GREATEST(consumers.seq, excluded.seq)
                """)
        }
    }

    public func rawPayload(messageID: Int64) async throws -> RawPayload? {
        try await session { session in
            guard let rawID = try await session.first("SELECT raw_id FROM messages WHERE id = \(messageID)", { try $0.int64("raw_id") })
            else { return nil }
            return try await Self.fetchRaw(session, id: rawID)
        }
    }

    /// The payload stored in row `id`, its bytes checked against the digest stored with them; a row that is
    /// gone is corruption too (every row pointing at a payload is written with it).
    static func fetchRaw(_ session: PostgresSession, id: Int64) async throws -> RawPayload {
        let raw = try await session.first("SELECT sha256, content_type, metadata, bytes FROM raw_payloads WHERE id = \(id)") { row in
            try RawPayload(stored: try row.text("sha256"), contentType: try row.text("content_type"), bytes: try row.data("bytes"),
                           metadata: StringMapCoding.decode(try row.text("metadata")))
        }
        guard let raw else { throw StoreError.corrupt("raw payload \(id) is missing") }
        return raw
    }

    /// Appends a payload with its digest and returns its row (rows in arrival order, as on SQLite).
    static func storeRaw(_ session: PostgresSession, _ raw: RawPayload) async throws -> Int64 {
        try await session.insertReturningID("""
            INSERT INTO raw_payloads(sha256, content_type, metadata, bytes)
            VALUES (\(raw.sha256), \(raw.contentType), \(StringMapCoding.encode(raw.metadata)), \(raw.bytes))
            RETURNING id
            """)
    }
}

/// Who won between a call's connection lease and its time limit, decided once.
final class LeaseRace: Sendable {
    private let state = Atomic<Int>(0)  // 0 waiting, 1 started, 2 given up

    /// The lease arrived: true when the call may use it (the time limit has not won).
    func start() -> Bool { state.compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing).exchanged }

    /// The time limit passed: true when the call gives up (no connection was handed over yet).
    func giveUp() -> Bool { state.compareExchange(expected: 0, desired: 2, ordering: .acquiringAndReleasing).exchanged }
}
