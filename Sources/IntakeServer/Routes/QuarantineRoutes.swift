import Foundation
import Hummingbird
import IntakeCore

/// `/v1/quarantine`: input that could not be normalized, listed and retried.
struct QuarantineRoutes {
    let store: any CaseStore
    let retrier: QuarantineRetrier
    let metrics: GatewayMetrics

    func mount(on table: RouteTable) {
        table.on("/v1/quarantine", method: .get) { request, context in
            try context.require(.rep)
            let status: QuarantineStatus? = switch request.query("status") {
            case nil, "pending": .pending
            case "released": .released
            case "all": nil
            default: throw Problem(status: .badRequest, detail: "status must be pending, released or all")
            }
            let entries = try await store.quarantine(status: status, limit: Int(try request.intQuery("limit", range: 1...1000) ?? 100))
            return try .json(API.Page(items: entries.map(API.QuarantineBody.init), next: nil))
        }
        table.on("/v1/quarantine/{id}", method: .get) { request, context in
            try context.require(.rep)
            guard let entry = try await store.quarantineEntry(id: try id(context)) else {
                throw Problem(status: .notFound, detail: "no quarantine entry has that id")
            }
            return try .json(API.QuarantineBody(entry))
        }
        table.on("/v1/quarantine/{id}/retry", method: .post) { request, context in
            try context.require(.supervisor)
            let result = try await retrier.retry(id: try id(context))
            switch result {
            case .released(let messageID, let caseID):
                metrics.adjustQuarantine(by: -1)
                return try .json(RetryBody(released: true, messageId: messageID, caseId: caseID.map(CaseReference.format), reason: nil))
            case .alreadyReleased(let messageID):
                throw Problem(status: .conflict, detail: "entry was already released" + (messageID.map { " as message \($0)" } ?? ""))
            case .stillFailing(let reason):
                throw Problem(status: .unprocessableContent, detail: "the entry still cannot be normalized: \(reason)",
                              members: ["reason": reason], flags: ["released": false])
            }
        }
    }

    private func id(_ context: IntakeRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text) else {
            throw Problem(status: .notFound, detail: "no quarantine entry has that id")
        }
        return id
    }

    struct RetryBody: Encodable {
        var released: Bool
        var messageId: Int64?
        var caseId: String?
        var reason: String?
    }
}
