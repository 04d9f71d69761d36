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

    public init() {
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
        for (outcome, request) in zip(outcomes, requests) {
            switch (outcome, request.item) {
            case (.stored(let receipt), .message(let message)):
                messages(channel: message.channel.rawValue, outcome: receipt.duplicate ? "duplicate" : "stored")
                if receipt.openedCase {
                    counter("intake_cases_opened_total", [("channel", message.channel.rawValue)]).increment()
                }
            case (.quarantined, .quarantine(let entry)):
                messages(channel: entry.adapter, outcome: "quarantined")
                adjustQuarantine(by: 1)
            default:
                break
            }
        }
    }

    public func didRefuse(adapter: String, status: Int, label: String) {
        counter("intake_webhook_rejected_total", [("adapter", adapter), ("reason", label), ("status", String(status))]).increment()
    }

    /// Counts an HTTP request refused before it reached an adapter (auth, size).
    public func refusedRequest(status: Int) {
        counter("intake_http_refused_total", [("status", String(status))]).increment()
    }

    private func messages(channel: String, outcome: String) {
        counter("intake_messages_total", [("channel", channel), ("outcome", outcome)]).increment()
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
