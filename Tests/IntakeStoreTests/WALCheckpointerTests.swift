import Foundation
import IntakeCore
import IntakeStore
import Testing

@Suite struct WALCheckpointerTests {
    /// The writer checkpoints only once the log reaches 256 MB, so a few hundred messages stay in the log
    /// unless the store's own checkpointer copies them into the database file.
    @Test func committedPagesReachTheDatabaseFileWithoutTheWriterCheckpointing() async throws {
        let path = try temporaryStorePath()
        let store = try SQLiteCaseStore(path: path)
        try await Task.sleep(for: .milliseconds(200))  // the migrations' pages are copied first
        let before = try Self.size(path)

        let requests = (0..<300).map { IngestRequest.message(message("m\($0)", email: "c\($0)@example.com", body: String(repeating: "late ", count: 100))) }
        _ = try await store.ingest(requests)
        let logged = try Self.size(path + "-wal")
        #expect(logged > 100_000, "the messages were written to the log first (\(logged) bytes)")

        let deadline = ContinuousClock.now + .seconds(5)
        while try Self.size(path) < before + 100_000, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let after = try Self.size(path)
        #expect(after >= before + 100_000, "database file grew from \(before) to \(after) bytes")
        #expect(try await store.cases(CaseQuery(limit: 500)).count == 300)
    }

    static func size(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }
}
