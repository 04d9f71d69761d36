import Foundation
import Hummingbird
import IntakeCore

/// `/healthz`, `/readyz`, `/metrics` and `/openapi.json`: what operators and tools poll.
struct OperationsRoutes {
    let readiness: Readiness
    let health: AdapterHealth
    let metrics: GatewayMetrics
    let store: any CaseStore
    let openAPI: Data
    /// Adapters with several sources (feeds, mailboxes), reported one row a source.
    let sources: [any SourceStatusReporting]
    /// Why the store cannot serve now, or nil (a shared database that went away); nil when not checked.
    var storeProblem: (@Sendable () async -> String?)? = nil

    func mount(on table: RouteTable) {
        table.on("/healthz", method: .get) { _, _ in
            try .json(["status": "ok"])
        }
        table.on("/readyz", method: .get) { _, _ in
            let adapters = health.snapshot().map { entry -> [String: String] in
                switch entry.status {
                case .starting: ["adapter": entry.adapter, "status": "starting"]
                case .healthy: ["adapter": entry.adapter, "status": "ok"]
                case .failing(let error): ["adapter": entry.adapter, "status": "failing", "error": error]
                }
            }
            let storeProblem = await storeProblem?()
            let ready = readiness.isReady && storeProblem == nil
            let rows = sources.flatMap { $0.sourceStatus() }.map { source -> [String: String] in
                var row = ["adapter": source.adapter, "source": source.source,
                           "status": source.healthy.map { $0 ? "ok" : "failing" } ?? "pending"]
                if let error = source.lastError, source.healthy == false { row["error"] = error }
                if source.consecutiveFailures > 0 { row["consecutive_failures"] = String(source.consecutiveFailures) }
                return row
            }
            let body = ReadyBody(status: ready ? "ready" : "not ready", reason: storeProblem ?? readiness.reason, adapters: adapters, sources: rows)
            return try .json(body, status: ready ? .ok : .serviceUnavailable)
        }
        table.on("/metrics", method: .get) { _, _ in
            // The quarantine's size from the store at each scrape: a retry from the CLI (another process) or
            // from another gateway instance on the same database changes it too. Kept as it was if the store
            // cannot answer (the scrape still answers).
            if let size = try? await store.quarantineCount() { metrics.setQuarantine(size) }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.render() + Self.sourceMetrics(sources.flatMap { $0.sourceStatus() }))))
        }
        table.on("/openapi.json", method: .get) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: openAPI)))
        }
    }

    struct ReadyBody: Encodable {
        var status: String
        var reason: String?
        var adapters: [[String: String]]
        var sources: [[String: String]]
    }

    /// Per-source figures, read at scrape time from the adapters that keep them.
    static func sourceMetrics(_ sources: [SourceStatus]) -> String {
        guard !sources.isEmpty else { return "" }
        func labels(_ source: SourceStatus) -> String {
            "adapter=\"\(escape(source.adapter))\",source=\"\(escape(source.source))\""
        }
        var out = "# TYPE intake_source_up gauge\n"
        for source in sources { out += "intake_source_up{\(labels(source))} \(source.healthy == false ? 0 : 1)\n" }
        out += "# TYPE intake_source_events_total counter\n"
        for source in sources {
            for (kind, value) in source.counters.sorted(by: { $0.key < $1.key }) {
                out += "intake_source_events_total{\(labels(source)),kind=\"\(kind)\"} \(value)\n"
            }
        }
        return out
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
