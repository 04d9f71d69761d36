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
            let ready = readiness.isReady
            let body = ReadyBody(status: ready ? "ready" : "not ready", reason: readiness.reason, adapters: adapters)
            return try .json(body, status: ready ? .ok : .serviceUnavailable)
        }
        table.on("/metrics", method: .get) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        table.on("/openapi.json", method: .get) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: openAPI)))
        }
    }

    struct ReadyBody: Encodable {
        var status: String
        var reason: String?
        var adapters: [[String: String]]
    }
}
