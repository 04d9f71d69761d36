import Foundation
import Logging

/// Runs one webhook request through its adapter: verify, decode, store, answer. No HTTP framework here:
/// the server converts its request type to `WebhookRequest` and back.
///
/// ```
/// request ─► media type (415) ─► verify (401/403) ─► immediate answer? ─► normalize
///               ├─ rejected ─► 400/422 problem        └─ unparseable ─► quarantine ─┐
///               └─ messages ─► CaseStream.submit (commit) ─────────────────────────┴─► adapter's answer (2xx)
/// ```
public struct WebhookPipeline: Sendable {
    public let adapter: any WebhookAdapter
    private let stream: CaseStream
    private let logger: Logger
    private let observer: (any WebhookObserver)?

    public init(adapter: any WebhookAdapter, stream: CaseStream, logger: Logger, observer: (any WebhookObserver)? = nil) {
        self.adapter = adapter
        self.stream = stream
        self.logger = logger
        self.observer = observer
    }

    /// The result of one request: the adapter's answer, or a refusal with its status and reason.
    public enum Result: Sendable {
        case answered(WebhookResponse, [IngestOutcome])
        case refused(status: Int, reason: String, fields: [String])
    }

    public func handle(_ request: WebhookRequest) async throws -> Result {
        if let type = request.contentType, !adapter.acceptedMediaTypes.contains(type) {
            return refuse(415, "media type \(type) is not accepted here; send \(adapter.acceptedMediaTypes.joined(separator: " or "))", label: "media_type")
        } else if request.contentType == nil, !request.body.isEmpty {
            return refuse(415, "a Content-Type header is required", label: "media_type")
        }
        do {
            try adapter.verify(request)
        } catch let rejection as WebhookRejection {
            return refuse(rejection.status, rejection.reason, label: rejection.label)
        }
        if let answer = try adapter.immediateResponse(to: request) {
            return .answered(answer, [])
        }
        let raw = adapter.rawPayload(for: request)
        let requests: [IngestRequest]
        do {
            requests = try adapter.messages(from: raw, receivedAt: request.receivedAt).map { .message($0) }
        } catch let error as NormalizationError {
            switch error.disposition {
            case .rejected(let status):
                return refuse(status, error.reason, fields: error.fields, label: "invalid")
            case .quarantine:
                logger.info("webhook input quarantined", metadata: ["adapter": "\(adapter.name)", "reason": "\(error.reason)"])
                requests = [.quarantine(QuarantineRequest(adapter: adapter.name, receivedAt: request.receivedAt, reason: error.reason, raw: raw))]
            }
        }
        let outcomes = try await stream.submit(requests)
        return .answered(adapter.response(for: outcomes, to: request), outcomes)
    }

    private func refuse(_ status: Int, _ reason: String, fields: [String] = [], label: String) -> Result {
        observer?.didRefuse(adapter: adapter.name, status: status, label: label)
        logger.debug("webhook refused", metadata: ["adapter": "\(adapter.name)", "status": "\(status)", "reason": "\(reason)"])
        return .refused(status: status, reason: reason, fields: fields)
    }
}

/// Told about refused webhook requests, for the metrics counter of rejections.
public protocol WebhookObserver: Sendable {
    func didRefuse(adapter: String, status: Int, label: String)
}
