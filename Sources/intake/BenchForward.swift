import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import IntakeCore
import IntakeForwarding
import IntakeStore
import Logging
import Synchronization

/// `intake bench-forward`: forwards N stored cases through the outbox to a local endpoint that answers
/// after a fixed latency, and prints cases/s, the outbox lag, and the ratio against plain HTTP posts
/// at the same concurrency measured in the same run.
struct BenchForward: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-forward", abstract: "Measure forwarding throughput and outbox lag against a slow endpoint.", shouldDisplay: false)

    @Option(help: "Cases to forward.") var count = 10_000
    @Option(help: "The endpoint's latency in milliseconds.") var latency = 20
    @Option(help: "The destination's max_concurrency.") var concurrency = 16
    @Option(help: "full or normal.") var durability = "full"

    func run() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-forward-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let store = try SQLiteCaseStore(path: dir.appendingPathComponent("db.sqlite").path, durability: .init(rawValue: durability) ?? .full)

        // The slow endpoint.
        let router = Router()
        let latency = self.latency
        router.post("/hooks/bench") { _, _ -> HTTPResponse.Status in
            try await Task.sleep(for: .milliseconds(latency))
            return .noContent
        }
        let (server, port) = await LocalServer.start(router, logger: logger)
        let url = "http://127.0.0.1:\(port)/hooks/bench"

        let client = LocalServer.client()

        // Baseline: the same number of plain POSTs at the same concurrency, no outbox.
        let baselineCount = min(count, 4000)
        let baselineStart = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    for _ in stride(from: worker, to: baselineCount, by: concurrency) {
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.body = .bytes(.init(string: #"{"type":"case.created"}"#))
                        _ = try await client.execute(request, timeout: .seconds(10)).body.collect(upTo: 1 << 16)
                    }
                }
            }
            try await group.waitForAll()
        }
        let baselineRate = Double(baselineCount) / (ContinuousClock.now - baselineStart).timeInterval

        // The cases, stored before the clock starts.
        for start in stride(from: 0, to: count, by: 500) {
            let requests = (start..<min(count, start + 500)).map { index in
                IngestRequest.message(InboundMessage(
                    adapter: "bench", channel: .email, externalID: "f-\(index)", receivedAt: Date(),
                    sender: Sender(identities: [Identity(kind: .email, value: "c\(index)@example.com")], displayName: "Customer \(index)"),
                    subject: "Order \(index) never arrived", body: "My order has not arrived, third time asking. I want a refund.",
                    raw: RawPayload(contentType: "text/plain", bytes: Data("f-\(index)".utf8))))
            }
            _ = try await store.ingest(requests)
        }

        let secret = "bench-secret-0123456789"
        let tracker = WebhookTracker(http: TrackerHTTP(client: client, baseURL: "", headers: [], timeout: .seconds(10), secrets: [secret]),
                                     url: url, secret: secret)
        let destination = TrackerDestination(name: "bench", maxConcurrency: concurrency, tracker: tracker, store: store)
        let wake = CommitSignal()
        let consumer = ForwardingConsumer(store: store, routes: [ForwardingRoute(to: ["bench"])], tagRules: [], destinations: ["bench"],
                                          link: { "http://127.0.0.1/v1/cases/\($0)" }, enqueued: wake)
        let tally = LagTally(expected: count)
        let outbox = OutboxService(destination: destination, store: store, logger: logger, wakeups: wake, observer: tally)
        let service = EventConsumerService(handler: consumer, store: store, commits: CommitSignal(), logger: logger)

        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            group.addTask { try await outbox.run() }
            await tally.waitUntilDone()
            group.cancelAll()
        }
        let elapsed = (ContinuousClock.now - started).timeInterval
        let rate = Double(count) / elapsed
        let lags = tally.lags.sorted()
        func percentile(_ p: Double) -> Double { lags.isEmpty ? 0 : lags[min(lags.count - 1, Int(Double(lags.count) * p))] }
        print(String(format: "bench-forward: %d cases to a %d ms endpoint, max_concurrency %d, durability %@", count, latency, concurrency, durability))
        print(String(format: "  forwarded: %.0f cases/s in %.1f s (every one recorded done: %d; failed attempts: %d)", rate, elapsed, tally.done, tally.failures))
        print(String(format: "  outbox lag (enqueued → done): p50 %.2f s, p99 %.2f s, max %.2f s", percentile(0.5), percentile(0.99), lags.last ?? 0))
        print(String(format: "  baseline: plain POSTs at concurrency %d: %.0f req/s → ratio %.2f", concurrency, baselineRate, rate / baselineRate))

        try await client.shutdown()
        server.cancel()
    }
}

/// Counts finished deliveries and their lag from enqueue to done.
final class LagTally: DeliveryObserver, Sendable {
    private let state = Mutex<(done: Int, failures: Int, lags: [Double], waiter: CheckedContinuation<Void, Never>?)>((0, 0, [], nil))
    let expected: Int

    init(expected: Int) { self.expected = expected }

    var done: Int { state.withLock { $0.done } }
    var failures: Int { state.withLock { $0.failures } }
    var lags: [Double] { state.withLock { $0.lags } }

    func attempted(_ attempts: [DeliveryAttempt]) async {
        for attempt in attempts { attempted(attempt.delivery, result: attempt.result, at: attempt.at) }
    }

    private func attempted(_ delivery: Delivery, result: DeliveryResult, at: Date) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard case .done = result else {
                state.failures += 1
                return nil
            }
            state.done += 1
            state.lags.append(at.timeIntervalSince(delivery.createdAt))
            guard state.done >= expected else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func waitUntilDone() async {
        await withCheckedContinuation { continuation in
            let finished = state.withLock { state in
                if state.done >= expected { return true }
                state.waiter = continuation
                return false
            }
            if finished { continuation.resume() }
        }
    }
}
