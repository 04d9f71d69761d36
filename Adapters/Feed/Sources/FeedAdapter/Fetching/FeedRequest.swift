import Foundation

/// One conditional GET of a feed, as the adapter asks for it.
struct FeedRequest: Sendable {
    var url: String
    /// From the committed cursor: sent as `If-None-Match` / `If-Modified-Since`.
    var etag: String?
    var lastModified: String?
    var userAgent: String
    var timeout: Duration
    var maxBytes: Int
    var maxRedirects: Int
    var allowInsecureHTTP: Bool
}

/// What a feed server answered (after redirects).
struct FeedResponse: Sendable {
    /// 200 with a body, or 304 when the conditional GET matched.
    var status: Int
    var body: Data
    var etag: String?
    var lastModified: String?
    /// The media type without parameters (`application/rss+xml`).
    var contentType: String?
    /// Where the body came from after redirects: the base for relative links.
    var effectiveURL: String

    var notModified: Bool { status == 304 }
}

/// Why fetching a feed failed. A struct over a private enum, so reasons can grow.
struct FeedFetchError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Reason: Sendable, Equatable {
        case timeout(seconds: Double)
        case tooLarge(limit: Int)
        case tooManyRedirects(limit: Int)
        case httpStatus(Int)
        case disallowedScheme
        case transport(String)
    }

    let reason: Reason
    /// From `Retry-After` on a 429 or 503: the earliest the server wants to hear from us again.
    let retryAfter: Duration?

    init(_ reason: Reason, retryAfter: Duration? = nil) {
        self.reason = reason
        self.retryAfter = retryAfter
    }

    var isTimeout: Bool { if case .timeout = reason { true } else { false } }
    var isTooLarge: Bool { if case .tooLarge = reason { true } else { false } }
    var isTooManyRedirects: Bool { if case .tooManyRedirects = reason { true } else { false } }
    /// The HTTP status of a refused request (4xx, 5xx), if that is what failed.
    var httpStatus: Int? { if case .httpStatus(let status) = reason { status } else { nil } }

    public var description: String {
        switch reason {
        case .timeout(let seconds): "timed out after \(seconds < 10 ? String(format: "%.1f", seconds) : String(Int(seconds)))s"
        case .tooLarge(let limit): "response larger than max_bytes (\(limit) bytes): transfer aborted"
        case .tooManyRedirects(let limit): "more than max_redirects (\(limit)) redirects"
        case .httpStatus(let status): "HTTP status \(status)"
        case .disallowedScheme: "redirected to a scheme that is not allowed (only https, or http with allow_insecure_http)"
        case .transport(let message): message
        }
    }
}
