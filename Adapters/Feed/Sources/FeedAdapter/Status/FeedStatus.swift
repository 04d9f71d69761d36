import Foundation
import Synchronization

/// One feed's state as last polled, for `/readyz` detail, metrics and logs.
///
/// A failing feed never fails the adapter (the others go on): the host reads these per feed.
public struct FeedStatus: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        /// Not fetched yet.
        case pending
        /// The last fetch succeeded (200 that parsed, or 304).
        case ok
        /// The last fetch or parse failed; `lastError` says why.
        case failing
    }

    public var adapter: String
    /// The feed's configured name.
    public var feed: String
    /// The feed URL without its query (queries may carry private feed tokens).
    public var url: String
    public var state: State
    /// Why the last attempt failed (no URL query, no secret).
    public var lastError: String?
    public var consecutiveFailures: Int
    public var lastAttempt: Date?
    public var lastSuccess: Date?
    /// When the feed is due again (after its interval, or its backoff while failing).
    public var nextPoll: Date?
    /// The last HTTP status seen (200, 304, 404...), nil when no response came.
    public var lastHTTPStatus: Int?
    /// Entries in the last document that parsed.
    public var lastEntryCount: Int?

    // Counters since start, for Prometheus counters.
    public var fetches: Int = 0
    public var notModified: Int = 0
    public var failures: Int = 0
    /// Messages committed that were new (not duplicates).
    public var mentions: Int = 0
    /// Unparseable bodies sent to quarantine.
    public var quarantined: Int = 0
}

/// The in-memory schedule and status of each feed. Only scheduling lives here: what was seen lives in the
/// committed cursor, so a failed commit or a restart loses nothing.
final class FeedScheduleBook: Sendable {
    private let state: Mutex<[String: FeedStatus]>

    init(adapter: String, feeds: [FeedSource]) {
        var initial: [String: FeedStatus] = [:]
        for feed in feeds {
            initial[feed.url] = FeedStatus(
                adapter: adapter, feed: feed.name, url: feed.displayURL, state: .pending, consecutiveFailures: 0)
        }
        state = Mutex(initial)
    }

    func isDue(_ feed: FeedSource, at now: Date) -> Bool {
        state.withLock { ($0[feed.url]?.nextPoll).map { $0 <= now } ?? true }
    }

    /// The earliest time any feed is due.
    func nextDue() -> Date? { state.withLock { $0.values.compactMap(\.nextPoll).min() } }

    func update(_ feed: FeedSource, _ change: (inout FeedStatus) -> Void) {
        state.withLock { statuses in
            guard var status = statuses[feed.url] else { return }
            change(&status)
            statuses[feed.url] = status
        }
    }

    /// Makes a feed due at once (its items were fetched but storing them failed).
    func makeDue(url: String) {
        state.withLock { $0[url]?.nextPoll = nil }
    }

    func countCommitted(url: String, mentions: Int, quarantined: Int) {
        state.withLock { statuses in
            statuses[url]?.mentions += mentions
            statuses[url]?.quarantined += quarantined
        }
    }

    func snapshot(order: [FeedSource]) -> [FeedStatus] {
        state.withLock { statuses in order.compactMap { statuses[$0.url] } }
    }
}
