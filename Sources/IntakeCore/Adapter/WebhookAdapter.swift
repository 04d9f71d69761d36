import Foundation

/// An adapter the provider calls over HTTP (SMS, chat, the generic API): the core mounts its route,
/// the adapter verifies and decodes, and the core answers only after the messages committed.
public protocol WebhookAdapter: ChannelAdapter {
    /// The route the core mounts for POSTs to this adapter; `/v1/hooks/<name>` unless the adapter says otherwise.
    var routePath: String { get }
    /// The API token role a caller needs; nil when the adapter verifies the provider's own signature.
    var requiredRole: TokenRole? { get }
    /// Media types accepted; anything else is answered 415.
    var acceptedMediaTypes: [String] { get }

    /// Checks the request is authentic and fresh. Throws `WebhookRejection` (401, 403, 400).
    func verify(_ request: WebhookRequest) throws
    /// An answer that needs no storage (Slack's `url_verification` challenge), or nil to go on.
    func immediateResponse(to request: WebhookRequest) throws -> WebhookResponse?
    /// The raw payload to keep for this request: its body, plus any request facts `normalize` needs.
    func rawPayload(for request: WebhookRequest) -> RawPayload
    /// The provider's answer once every outcome committed (empty TwiML, a JSON receipt).
    func response(for outcomes: [IngestOutcome], to request: WebhookRequest) -> WebhookResponse
}

extension WebhookAdapter {
    public var routePath: String { "/v1/hooks/\(name)" }
    public var requiredRole: TokenRole? { nil }
    public func immediateResponse(to request: WebhookRequest) throws -> WebhookResponse? { nil }

    public func rawPayload(for request: WebhookRequest) -> RawPayload {
        RawPayload(contentType: request.contentType ?? "application/octet-stream", bytes: request.body)
    }

    public func response(for outcomes: [IngestOutcome], to request: WebhookRequest) -> WebhookResponse {
        .empty(status: 200)
    }
}

/// An HTTP request as a webhook adapter sees it, free of any HTTP framework.
public struct WebhookRequest: Sendable {
    public var method: String
    /// Path and query as sent (`/v1/hooks/sms?x=1`).
    public var pathAndQuery: String
    /// The URL the provider called, rebuilt for signature checks (configured public base URL, else
    /// forwarded headers). Built when asked for: most adapters never do.
    public var publicURL: String { buildPublicURL() }
    /// Header names lower-cased; repeated headers appear repeated.
    public var headers: [(name: String, value: String)]
    public var body: Data
    public var receivedAt: Date
    private let mediaType: String?
    private let buildPublicURL: @Sendable () -> String

    public init(
        method: String, pathAndQuery: String, publicURL: String, headers: [(name: String, value: String)],
        body: Data, receivedAt: Date
    ) {
        self.init(method: method, pathAndQuery: pathAndQuery, rebuildingPublicURL: { publicURL }, headers: headers, body: body, receivedAt: receivedAt)
    }

    /// The same, with the public URL rebuilt by `rebuildingPublicURL` only when an adapter reads it.
    public init(
        method: String, pathAndQuery: String, rebuildingPublicURL: @escaping @Sendable () -> String,
        headers: [(name: String, value: String)], body: Data, receivedAt: Date
    ) {
        self.method = method
        self.pathAndQuery = pathAndQuery
        buildPublicURL = rebuildingPublicURL
        self.headers = headers.map { (name: $0.name.lowercased(), value: $0.value) }
        self.body = body
        self.receivedAt = receivedAt
        // Read once: adapters ask for it several times a request.
        self.mediaType = self.headers.first { $0.name == "content-type" }.map {
            $0.value.split(separator: ";", maxSplits: 1).first.map { $0.trimmedWhitespace().lowercased() } ?? ""
        }
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }

    /// The media type without parameters, lower-cased (`application/json`).
    public var contentType: String? { mediaType }
}

/// What the core sends back to the provider.
public struct WebhookResponse: Sendable, Equatable {
    public var status: Int
    public var contentType: String?
    public var body: Data

    public init(status: Int, contentType: String?, body: Data) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    public static func empty(status: Int) -> WebhookResponse { WebhookResponse(status: status, contentType: nil, body: Data()) }

    public static func text(_ text: String, contentType: String, status: Int = 200) -> WebhookResponse {
        WebhookResponse(status: status, contentType: contentType, body: Data(text.utf8))
    }
}

/// A webhook request refused before anything is stored, with the status the provider gets and why.
public struct WebhookRejection: Error, Sendable, CustomStringConvertible, Equatable {
    public let status: Int
    public let reason: String
    /// A short label for the metrics counter (`bad_signature`, `stale`, `replay`).
    public let label: String

    public init(status: Int, reason: String, label: String) {
        self.status = status
        self.reason = reason
        self.label = label
    }

    public static func unauthorized(_ reason: String, label: String = "bad_signature") -> WebhookRejection {
        WebhookRejection(status: 401, reason: reason, label: label)
    }

    public static func forbidden(_ reason: String, label: String = "forbidden") -> WebhookRejection {
        WebhookRejection(status: 403, reason: reason, label: label)
    }

    public static func badRequest(_ reason: String) -> WebhookRejection {
        WebhookRejection(status: 400, reason: reason, label: "malformed")
    }

    public var description: String { reason }
}

/// A role an API token carries. Higher roles include the lower ones, except `ingest`, which only posts messages.
public enum TokenRole: String, Codable, Sendable, CaseIterable, Comparable {
    case ingest
    case rep
    case supervisor
    case admin

    private var rank: Int {
        switch self {
        case .ingest: 0
        case .rep: 1
        case .supervisor: 2
        case .admin: 3
        }
    }

    public static func < (lhs: TokenRole, rhs: TokenRole) -> Bool { lhs.rank < rhs.rank }

    /// Whether a token with this role may act where `required` is needed.
    public func grants(_ required: TokenRole) -> Bool {
        if self == .admin || self == required { return true }
        if required == .ingest { return false }
        return self != .ingest && self >= required
    }
}
