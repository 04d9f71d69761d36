import ArgumentParser
import Foundation
import IntakeCore
import IntakeStore
import Logging

/// `intake bench-store`: ingests synthetic messages straight into the case stream (no HTTP), to measure
/// what the store's single writer sustains; the ingest benchmark's HTTP figures sit on top of this.
struct BenchStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-store", abstract: "Measure the case stream's durable ingest rate without HTTP.", shouldDisplay: false)

    @Option(help: "Messages to ingest.") var count = 50_000
    @Option(help: "Concurrent submitters.") var concurrency = 64
    @Option(help: "full or normal.") var durability = "full"

    func run() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteCaseStore(path: dir.appendingPathComponent("db.sqlite").path, durability: .init(rawValue: durability) ?? .full)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let stream = CaseStream(store: store, logger: logger)
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await stream.run() }
            try await withThrowingTaskGroup(of: Void.self) { workers in
                for worker in 0..<concurrency {
                    workers.addTask {
                        for index in stride(from: worker, to: count, by: concurrency) {
                            let body = Data(#"{"external_id":"b-\#(index)","body":"late again"}"#.utf8)
                            let message = InboundMessage(
                                adapter: "bench", channel: .api, externalID: "b-\(index)", receivedAt: Date(),
                                sender: Sender(identities: [Identity(kind: .email, value: "c\(index % 5000)@example.com")], displayName: "Customer"),
                                subject: "Late delivery", body: "My order has not arrived, third time asking.",
                                threadRefs: ["conv:bench:c\(index % 5000)"], ownRefs: ["conv:bench:c\(index % 5000)", "msg:bench:b-\(index)"],
                                raw: RawPayload(contentType: "application/json", bytes: body))
                            _ = try await stream.submit(.message(message))
                        }
                    }
                }
                try await workers.waitForAll()
            }
            stream.stopAccepting()
        }
        let seconds = (ContinuousClock.now - started).timeInterval
        print(String(format: "bench-store: %d messages, concurrency %d, durability %@: %.0f msg/s", count, concurrency, durability, Double(count) / seconds))
    }
}
