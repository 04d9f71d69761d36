import Foundation
import Logging
import ServiceLifecycle

/// Runs one polling adapter: poll, normalize, commit each item with its cursor, then acknowledge at the source.
///
/// A failure backs off (doubling up to `maxBackoff`) and is reported to `AdapterHealth`; it never ends the
/// service, so one broken mailbox or feed does not stop the others.
public struct PollingAdapterService: Service {
    public let adapter: any PollingAdapter
    private let stream: CaseStream
    private let store: any CaseStore
    private let health: AdapterHealth
    private let clock: any WallClock
    private let logger: Logger
    private let maxBackoff: Duration

    public init(
        adapter: any PollingAdapter, stream: CaseStream, store: any CaseStore, health: AdapterHealth,
        clock: any WallClock = SystemClock(), logger: Logger, maxBackoff: Duration = .seconds(300)
    ) {
        self.adapter = adapter
        self.stream = stream
        self.store = store
        self.health = health
        self.clock = clock
        self.logger = logger
        self.maxBackoff = maxBackoff
    }

    public func run() async throws {
        var failures = 0
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                let stored = try await pollOnce()
                failures = 0
                health.report(adapter.name, .healthy)
                if stored > 0 { continue }  // more may be waiting: poll again at once
                try await pause(adapter.pollInterval)
            } catch is CancellationError {
                return
            } catch {
                failures += 1
                let wait = backoff(after: failures)
                health.report(adapter.name, .failing(String(describing: error)))
                logger.error("poll failed", metadata: ["adapter": "\(adapter.name)", "error": "\(error)", "retry_in": "\(wait)"])
                do { try await pause(wait) } catch { return }
            }
        }
    }

    /// Waits between polls; a graceful shutdown ends the wait at once (a poll in progress is not interrupted).
    private func pause(_ duration: Duration) async throws {
        let clock = self.clock
        try await cancelWhenGracefulShutdown { try await clock.sleep(for: duration) }
    }

    /// One poll: returns how many items were stored. Public so tests and the conformance kit can step it.
    @discardableResult
    public func pollOnce() async throws -> Int {
        let context = PollContext(clock: clock, store: store)
        let items = try await adapter.poll(context)
        if items.isEmpty { return 0 }
        let requests = await normalize(items)
        let outcomes: [IngestOutcome]
        do {
            outcomes = try await stream.submit(requests)
        } catch {
            await adapter.didFail(items, error: error)
            throw error
        }
        try await adapter.didCommit(items, outcomes: outcomes)
        return items.count
    }

    /// The items' requests in order; a large batch is normalized on every core at once (decoding mail
    /// is most of a poll's CPU), in contiguous chunks so the order stays the cursors' order.
    private func normalize(_ items: [PolledItem]) async -> [IngestRequest] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, items.count / 16 + 1)
        guard workers > 1 else { return items.map(request(for:)) }
        let size = (items.count + workers - 1) / workers
        return await withTaskGroup(of: (Int, [IngestRequest]).self) { group in
            for start in stride(from: 0, to: items.count, by: size) {
                let chunk = Array(items[start..<min(items.count, start + size)])
                group.addTask { (start, chunk.map(request(for:))) }
            }
            var parts: [(Int, [IngestRequest])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    private func request(for item: PolledItem) -> IngestRequest {
        do {
            let messages = try adapter.messages(from: item.raw, receivedAt: item.receivedAt)
            // A polled item yields one message at most; several would need several cursors.
            guard let message = messages.first else { return IngestRequest(.nothing, cursor: item.cursor) }
            return .message(message, cursor: item.cursor)
        } catch {
            let reason = (error as? NormalizationError)?.reason ?? String(describing: error)
            return .quarantine(
                QuarantineRequest(adapter: adapter.name, receivedAt: item.receivedAt, reason: reason, raw: item.raw),
                cursor: item.cursor
            )
        }
    }

    private func backoff(after failures: Int) -> Duration {
        let seconds = min(Double(1 << min(failures, 16)), Double(maxBackoff.components.seconds))
        return .milliseconds(Int64(seconds * 1000 * Double.random(in: 0.8...1.0)))
    }
}

extension PollingAdapterService: CustomStringConvertible {
    /// Its adapter by name only: ServiceGroup logs each service's description, and the adapter's
    /// configuration holds its credentials.
    public var description: String { "PollingAdapterService(adapter: \(adapter.name))" }
}
