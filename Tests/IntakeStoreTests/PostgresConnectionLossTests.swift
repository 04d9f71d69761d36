import Foundation
import IntakeCore
@testable import IntakeStore
import IntakeTesting
import Testing

/// A connection the server ends (a restart, an administrator's `pg_terminate_backend`) fails the call it
/// was serving as the server being out of reach (HTTP 503, the batch not retried one by one), not as a bad
/// request. The pool gets that connection back before it notices it is gone and hands it to the next call
/// (9 runs in 10 here): the store runs a call whose first statement found its connection gone again on
/// another, so the next call works.
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
}
