import Foundation
import HTTPTypes
import Hummingbird
import IntakeCore

/// Mounts every webhook adapter's route (the generic `/v1/messages` among them) on its `WebhookPipeline`.
struct WebhookRoutes {
    let pipelines: [WebhookPipeline]
    let maxBodyBytes: Int
    let publicBaseURL: String?
    let clock: any WallClock

    func mount(on table: RouteTable) {
        for pipeline in pipelines {
            table.on(pipeline.adapter.routePath, method: .post) { request, context in
                try await handle(request, context: context, pipeline: pipeline)
            }
        }
    }

    private func handle(_ request: Request, context: IntakeRequestContext, pipeline: WebhookPipeline) async throws -> Response {
        if let role = pipeline.adapter.requiredRole { try context.require(role) }
        var request = request
        let body = try await request.collectBody(upTo: maxBodyBytes)
        let pathAndQuery = request.uri.description
        let webhook = WebhookRequest(
            method: request.method.rawValue, pathAndQuery: pathAndQuery,
            rebuildingPublicURL: { [publicBaseURL, headers = request.headers, host = request.head.authority] in
                Self.publicURL(base: publicBaseURL, headers: headers, host: host, pathAndQuery: pathAndQuery)
            },
            headers: request.headers.map { (name: $0.name.canonicalName, value: $0.value) },
            body: Data(buffer: body), receivedAt: clock.now())
        switch try await pipeline.handle(webhook) {
        case .answered(let answer, _):
            var headers = HTTPFields()
            if let type = answer.contentType { headers[.contentType] = type }
            return Response(status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
        case .refused(let status, let reason, let fields):
            throw Problem(status: .init(code: status), detail: reason, fields: fields)
        }
    }

    /// The URL the provider signed (see `WebhookURL`).
    private static func publicURL(base: String?, headers: HTTPFields, host: String?, pathAndQuery: String) -> String {
        WebhookURL.rebuild(
            publicBaseURL: base, forwardedProto: headers[forwardedProto], forwardedHost: headers[forwardedHost], host: host,
            pathAndQuery: pathAndQuery)
    }

    private static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    private static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!
}
