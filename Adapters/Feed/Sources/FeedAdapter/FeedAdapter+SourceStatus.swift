import IntakeCore

extension FeedAdapter: SourceStatusReporting {
    /// Each feed's status in the host's terms, for `/readyz` and `/metrics`.
    public func sourceStatus() -> [SourceStatus] {
        feedStatus().map { feed in
            SourceStatus(
                adapter: feed.adapter, source: feed.feed,
                healthy: feed.state == .pending ? nil : feed.state == .ok,
                lastError: feed.lastError, consecutiveFailures: feed.consecutiveFailures, lastSuccess: feed.lastSuccess,
                counters: ["fetches": feed.fetches, "not_modified": feed.notModified, "failures": feed.failures,
                           "messages": feed.mentions, "quarantined": feed.quarantined])
        }
    }
}
