import Foundation

/// An adapter with several sources (feeds, mailboxes) that reports each one's health, for `/readyz`
/// detail and metrics. A failing source does not make the adapter (or the gateway) unready.
public protocol SourceStatusReporting: Sendable {
    func sourceStatus() -> [SourceStatus]
}

/// One source's state: whether its last attempt worked, why not, and counters since start.
public struct SourceStatus: Sendable, Equatable {
    public var adapter: String
    /// The source's name (a feed's name, a mailbox).
    public var source: String
    /// nil before the first attempt.
    public var healthy: Bool?
    /// Why the last attempt failed; never a secret or a URL's query.
    public var lastError: String?
    public var consecutiveFailures: Int
    public var lastSuccess: Date?
    /// Counters since start by kind (`fetches`, `not_modified`, `failures`, `messages`, `quarantined`).
    public var counters: [String: Int]

    public init(
        adapter: String, source: String, healthy: Bool?, lastError: String?, consecutiveFailures: Int, lastSuccess: Date?,
        counters: [String: Int]
    ) {
        self.adapter = adapter
        self.source = source
        self.healthy = healthy
        self.lastError = lastError
        self.consecutiveFailures = consecutiveFailures
        self.lastSuccess = lastSuccess
        self.counters = counters
    }
}
