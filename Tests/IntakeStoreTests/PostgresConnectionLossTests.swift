import Foundation
import Logging
import PostgresNIO
import IntakeCore
@testable import IntakeStore
import IntakeTesting
import Testing

/// A connection the server ends (a restart, an administrator's `pg_terminate_backend`) fails the call it
/// was serving as the server being out of reach (HTTP 503, the batch not retried one by one), not as a bad
/// request. The pool gets that connection back before it notices it is gone and hands it to the next call
/// (9 runs in 10 here), sometimes twice: the store runs a call whose first statement found its connection
/// gone again, pausing a little longer before each try, so the next call works (60 runs in a row here).
@Suite struct PostgresConnectionLossTests {
    @Test(.timeLimit(.minutes(1)))
    func aConnectionEndedUnderACallFailsItAsUnreachableAndTheNextCallWorks() async throws {
        let store = try await PostgresCaseStore.open(.init(url: try await PostgresServer.shared().newDatabase()))
        await #expect {
            try await store.session { try await $0.execute("SELECT pg_terminate_backend(pg_backend_pid())") }
        } throws: { error in
            (error as? StoreError)?.isUnreachable == true
        }
        let stored = try await store.ingest([.message(message("after"))])
        #expect(stored[0].receipt?.duplicate == false)
        await store.close()
    }

    /// PostgresNIO drops a query written to a connection whose pipeline is gone, and never fails it: the
    /// hang CI met. The store's queries are watched, and such a one fails as the connection gone.
    @Test(.timeLimit(.minutes(1)))
    func aQueryOnAClosedConnectionFailsInsteadOfWaitingForever() async throws {
        let url = try await PostgresServer.shared().newDatabase()
        let location = try PostgresCaseStore.Location(url: url)
        let logger = Logger(label: "test")
        let connection = try await PostgresConnection.connect(configuration: location.connectionConfiguration, id: 1, logger: logger)
        try await connection.close()
        try await Task.sleep(for: .milliseconds(100))  // the channel's pipeline is torn down after it closes
        let started = ContinuousClock.now
        await #expect(throws: PostgresConnectionGone.self) {
            _ = try await connection.answer("SELECT 1", logger: logger, grace: .milliseconds(100), checkingFirst: false)
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        // Without skipping the first check, a closed connection fails before anything is written.
        await #expect(throws: PostgresConnectionGone.self) {
            _ = try await connection.answer("SELECT 1", logger: logger)
        }
    }
}
