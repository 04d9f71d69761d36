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
                    Counter(label: "intake_cases_opened_total", dimensions: [("channel", message.channel.rawValue)], factory: factory).increment()
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
        Counter(label: "intake_webhook_rejected_total", dimensions: [("adapter", adapter), ("reason", label), ("status", String(status))], factory: factory)
            .increment()
    }

    /// Counts an HTTP request refused before it reached an adapter (auth, size).
    public func refusedRequest(status: Int) {
        Counter(label: "intake_http_refused_total", dimensions: [("status", String(status))], factory: factory).increment()
    }

    private func messages(channel: String, outcome: String) {
        Counter(label: "intake_messages_total", dimensions: [("channel", channel), ("outcome", outcome)], factory: factory).increment()
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
