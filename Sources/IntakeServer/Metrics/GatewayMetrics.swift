import CoreMetrics
import Foundation
import IntakeCore
import Prometheus
import Synchronization

/// The gateway's metrics through swift-metrics, exported by its own Prometheus registry.
///
/// Each gateway owns a registry (not the process-global bootstrap) so several gateways in one test
/// process keep separate figures.
public final class GatewayMetrics: IngestObserver, WebhookObserver, Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let commitTimer: CoreMetrics.Timer
    private let batchSize: Recorder
    private let quarantineGauge: CoreMetrics.Gauge
    private let quarantineSize = Mutex(0)
    /// Counters by label and dimensions, made once: asking the registry each time cost a lock and
    /// hashing per message on the commit path.
    private let counters = Mutex<[String: CoreMetrics.Counter]>([:])
    /// Each adapter's channel kind by adapter name: quarantined input has no message to take it from.
    private let channels: [String: String]

    /// `channels` maps adapter names to their channel kinds (`support-inbox` to `email`).
    public init(channels: [String: String] = [:]) {
        self.channels = channels
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [.microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
                                                   .milliseconds(10), .milliseconds(20), .milliseconds(50), .milliseconds(100),
                                                   .milliseconds(250), .seconds(1)]
        self.factory = factory
        commitTimer = Timer(label: "intake_commit_duration_seconds", factory: factory)
        batchSize = Recorder(label: "intake_commit_batch_size", factory: factory)
        quarantineGauge = CoreMetrics.Gauge(label: "intake_quarantine_size", factory: factory)
    }

    public func didCommit(outcomes: [IngestOutcome], requests: [IngestRequest], duration: Duration) {
        commitTimer.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        batchSize.record(outcomes.count)
        // Tallied per group first: one counter update per kind of outcome, not per message, on the commit path.
        var messages: [MessageTally: Int64] = [:]
        var opened: [String: Int64] = [:]
        var quarantined = 0
        for (outcome, request) in zip(outcomes, requests) {
            switch (outcome, request.item) {
            case (.stored(let receipt), .message(let message)):
                messages[MessageTally(channel: message.channel.rawValue, outcome: receipt.duplicate ? "duplicate" : "stored"), default: 0] += 1
                if receipt.openedCase { opened[message.channel.rawValue, default: 0] += 1 }
            case (.quarantined, .quarantine(let entry)):
                messages[MessageTally(channel: channels[entry.adapter] ?? "unknown", outcome: "quarantined"), default: 0] += 1
                quarantined += 1
            default:
                break
            }
        }
        for (tally, count) in messages {
            counter("intake_messages_total", [("channel", tally.channel), ("outcome", tally.outcome)]).increment(by: count)
        }
        for (channel, count) in opened { counter("intake_cases_opened_total", [("channel", channel)]).increment(by: count) }
        if quarantined > 0 { adjustQuarantine(by: quarantined) }
    }

    private struct MessageTally: Hashable {
        var channel: String
        var outcome: String
    }

    public func didRefuse(adapter: String, status: Int, label: String) {
        counter("intake_webhook_rejected_total", [("adapter", adapter), ("reason", label), ("status", String(status))]).increment()
    }

    /// Counts an HTTP request refused before it reached an adapter (auth, size).
    public func refusedRequest(status: Int) {
        counter("intake_http_refused_total", [("status", String(status))]).increment()
    }

    /// The counter of `label` with `dimensions`, made on first use.
    private func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        let key = dimensions.reduce(label) { $0 + "|" + $1.0 + "=" + $1.1 }
        return counters.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
            cache[key] = counter
            return counter
        }
    }

    public func setQuarantine(_ size: Int) {
        quarantineSize.withLock { $0 = size }
        quarantineGauge.record(size)
    }

    public func adjustQuarantine(by delta: Int) {
        let size = quarantineSize.withLock { value in
            value = max(0, value + delta)
            return value
        }
        quarantineGauge.record(size)
    }

    /// The Prometheus text exposition.
    public func render() -> String { registry.emitToString() }
}
