import FeedParsing
import Foundation
import IntakeCore
import Logging

/// Polls RSS and Atom feeds (a Mastodon tag, a Reddit search, Google Alerts, review sites) and turns each new
/// entry that names the brand into a public social mention.
///
/// ```
/// poll ─► due feeds ─► conditional GET (libcurl, off the cooperative pool, several at once)
///             │            ├─ 304 ─► nothing
///             │            └─ error ─► that feed fails and backs off; the others go on
///             └─ 200 ─► FeedParser ─┬─ unparseable ─► the body to quarantine (once per distinct body)
///                                   └─ entries vs the committed cursor (key, link, content), filters, backfill
///                                        ─► one PolledItem per message, each carrying the cursor after it
/// ```
/// Nothing about entries is kept in memory: the core commits each item's cursor with its message, and the next
/// poll reads the committed cursors, so a failed commit or a restart neither skips nor repeats an entry.
public final class FeedAdapter: PollingAdapter, Sendable {
    public let name: String
    public var kind: String { Self.kind }
    public let channel = ChannelKind.social
    public let configuration: FeedAdapterConfiguration
    private let book: FeedScheduleBook
    private let builder: FeedMessageBuilder

    /// At most this many transfers run at once.
    static let concurrentFetches = 4
    static let cursorMediaType = "application/vnd.intakegateway.feed-cursor"

    public init(name: String, configuration: FeedAdapterConfiguration) {
        self.name = name
        self.configuration = configuration
        self.book = FeedScheduleBook(adapter: name, feeds: configuration.feeds)
        self.builder = FeedMessageBuilder(adapter: name)
    }

    /// How often the core asks; each feed is fetched only when its own interval (or backoff) has passed.
    public var pollInterval: Duration {
        let shortest = configuration.feeds.map(\.interval).min() ?? .seconds(300)
        return max(.seconds(1), min(shortest, .seconds(30)))
    }

    /// The key of a feed's cursor in the store: `<adapter name>/<feed url>`.
    public func cursorKey(for feed: FeedSource) -> String { "\(name)/\(feed.url)" }

    /// Each feed's state, in configuration order: for `/readyz` detail and metrics.
    public func feedStatus() -> [FeedStatus] { book.snapshot(order: configuration.feeds) }

    // MARK: Polling

    public func poll(_ context: PollContext) async throws -> [PolledItem] {
        let now = context.clock.now()
        let due = configuration.feeds.filter { book.isDue($0, at: now) }
        guard !due.isEmpty else { return [] }
        // A store that cannot give cursors is the adapter's failure (the core backs off), not a feed's.
        var committed: [String?] = []
        for feed in due { committed.append(try await context.cursor(key: cursorKey(for: feed))) }
        let cursors = committed.map { $0.flatMap(FeedCursor.init(decoding:)) }
        let results = await fetch(due, cursors: cursors)
        var logger = Logger(label: "intake.adapter.feed")
        logger[metadataKey: "adapter"] = "\(name)"
        var items: [PolledItem] = []
        for index in due.indices {
            items += handle(due[index], results[index], committedValue: committed[index], cursor: cursors[index], now: now, logger: logger)
        }
        return items
    }

    public func didCommit(_ items: [PolledItem], outcomes: [IngestOutcome]) async throws {
        var counts: [String: (mentions: Int, quarantined: Int)] = [:]
        for (item, outcome) in zip(items, outcomes) {
            guard let url = item.raw.metadata["feed_url"] else { continue }
            var count = counts[url] ?? (0, 0)
            switch outcome {
            case .stored(let receipt) where !receipt.duplicate: count.mentions += 1
            case .quarantined: count.quarantined += 1
            default: break
            }
            counts[url] = count
        }
        for (url, count) in counts { book.countCommitted(url: url, mentions: count.mentions, quarantined: count.quarantined) }
    }

    /// Storing failed: the cursors did not move, so fetch those feeds again at the next poll.
    public func didFail(_ items: [PolledItem], error: any Error) async {
        for url in Set(items.compactMap { $0.raw.metadata["feed_url"] }) { book.makeDue(url: url) }
    }

    private func fetch(_ feeds: [FeedSource], cursors: [FeedCursor?]) async -> [Result<FeedResponse, FeedFetchError>] {
        let requests = zip(feeds, cursors).map { feed, cursor in
            FeedRequest(
                url: feed.url, etag: cursor?.etag, lastModified: cursor?.lastModified, userAgent: configuration.userAgent,
                timeout: configuration.timeout, maxBytes: configuration.maxBytes, maxRedirects: configuration.maxRedirects,
                allowInsecureHTTP: configuration.allowInsecureHTTP)
        }
        return await withTaskGroup(of: (Int, Result<FeedResponse, FeedFetchError>).self) { group in
            var results = [Result<FeedResponse, FeedFetchError>?](repeating: nil, count: requests.count)
            for (index, request) in requests.enumerated() {
                if index >= Self.concurrentFetches, let (done, result) = await group.next() { results[done] = result }
                group.addTask { (index, await FeedFetcher.fetch(request)) }
            }
            for await (done, result) in group { results[done] = result }
            return results.map { $0 ?? .failure(FeedFetchError(.transport("not fetched"))) }
        }
    }

    /// One feed's fetch result as items, updating its status and schedule.
    private func handle(
        _ feed: FeedSource, _ result: Result<FeedResponse, FeedFetchError>, committedValue: String?, cursor: FeedCursor?,
        now: Date, logger: Logger
    ) -> [PolledItem] {
        let response: FeedResponse
        switch result {
        case .failure(let error):
            failed(feed, error.description, status: error.httpStatus, retryAfter: error.retryAfter, now: now, logger: logger)
            return []
        case .success(let fetched):
            response = fetched
        }
        if response.notModified {
            succeeded(feed, status: 304, entries: nil, now: now, logger: logger)
            return []
        }
        let document: ParsedFeed
        do {
            document = try FeedParser.parse(
                data: response.body, baseURL: URL(string: response.effectiveURL), maximumBytes: configuration.maxBytes)
        } catch {
            let reason = "feed did not parse: \(error)"
            failed(feed, reason, status: response.status, retryAfter: nil, now: now, logger: logger)
            return quarantine(feed, response, reason: reason, cursor: cursor, now: now)
        }
        succeeded(feed, status: response.status, entries: document.entries.count, now: now, logger: logger)
        let plan = FeedDocumentPlan(adapter: name, feed: feed, seenLimit: configuration.seenLimit)
            .plan(document: document, body: response.body, response: response, committed: cursor, now: now)
        let key = cursorKey(for: feed)
        var items = plan.messages.map { payload, value in
            PolledItem(raw: payload.raw(), receivedAt: now, sourceID: payload.entryKey, cursor: AdapterCursor(key: key, value: value))
        }
        if items.isEmpty, plan.finalCursor != committedValue {
            // Nothing to store but the position (new validators, entries seen only): the core commits it alone.
            let raw = RawPayload(contentType: Self.cursorMediaType, bytes: Data(), metadata: ["feed_url": feed.url])
            items.append(PolledItem(raw: raw, receivedAt: now, sourceID: "cursor", cursor: AdapterCursor(key: key, value: plan.finalCursor)))
        }
        return items
    }

    /// A body that did not parse goes to quarantine with its bytes, once per distinct body.
    private func quarantine(_ feed: FeedSource, _ response: FeedResponse, reason: String, cursor: FeedCursor?, now: Date) -> [PolledItem] {
        let sha = RawPayload.hexDigest(response.body)
        var next = cursor ?? FeedCursor()
        guard next.badBody != sha else { return [] }
        next.badBody = sha
        let raw = RawPayload(
            contentType: response.contentType ?? "application/xml", bytes: response.body,
            metadata: ["feed_url": feed.url, "feed_name": feed.name, "error": reason])
        return [PolledItem(raw: raw, receivedAt: now, sourceID: "document:\(sha)", cursor: AdapterCursor(key: cursorKey(for: feed), value: next.encoded()))]
    }

    private func succeeded(_ feed: FeedSource, status: Int, entries: Int?, now: Date, logger: Logger) {
        var recovered = false
        book.update(feed) { state in
            recovered = state.state == .failing
            state.state = .ok
            state.lastError = nil
            state.consecutiveFailures = 0
            state.lastAttempt = now
            state.lastSuccess = now
            state.lastHTTPStatus = status
            if let entries { state.lastEntryCount = entries }
            state.fetches += 1
            if status == 304 { state.notModified += 1 }
            state.nextPoll = now.addingTimeInterval(feed.interval.timeInterval)
        }
        if recovered { logger.info("feed recovered", metadata: ["feed": "\(feed.name)"]) }
        logger.debug("feed polled", metadata: ["feed": "\(feed.name)", "status": "\(status)", "entries": "\(entries ?? 0)"])
    }

    private func failed(_ feed: FeedSource, _ reason: String, status: Int?, retryAfter: Duration?, now: Date, logger: Logger) {
        var firstFailure = false
        var wait = feed.interval
        book.update(feed) { state in
            firstFailure = state.state != .failing
            state.state = .failing
            state.lastError = reason
            state.consecutiveFailures += 1
            state.failures += 1
            state.fetches += 1
            state.lastAttempt = now
            state.lastHTTPStatus = status
            wait = Self.backoff(interval: feed.interval, failures: state.consecutiveFailures, cap: configuration.maxBackoff)
            if let retryAfter, retryAfter > wait { wait = retryAfter }
            state.nextPoll = now.addingTimeInterval(wait.timeInterval)
        }
        // Warn when a feed starts failing, not at every failed poll; /readyz and metrics carry the rest.
        let metadata: Logger.Metadata = ["feed": "\(feed.name)", "url": "\(feed.displayURL)", "error": "\(reason)", "retry_in": "\(wait)"]
        if firstFailure { logger.warning("feed failing", metadata: metadata) } else { logger.debug("feed still failing", metadata: metadata) }
    }

    /// The wait after `failures` consecutive failures: the interval doubled each time, up to `cap` (never below the interval).
    static func backoff(interval: Duration, failures: Int, cap: Duration) -> Duration {
        let seconds = interval.timeInterval * Double(1 << min(max(failures, 1), 16))
        return .milliseconds(Int64(min(seconds, max(cap.timeInterval, interval.timeInterval)) * 1000))
    }

    // MARK: Normalizing

    /// Rebuilds a message from its raw payload alone: an entry's JSON (see `EntryPayload`), a cursor-only
    /// marker (no message), or a whole document kept because it did not parse.
    public func normalize(_ raw: RawPayload, receivedAt: Date) throws -> [InboundMessage] {
        switch raw.contentType {
        case EntryPayload.mediaType:
            return [builder.message(from: try EntryPayload.decode(raw), raw: raw, receivedAt: receivedAt)]
        case Self.cursorMediaType:
            return []
        default:
            let feed: ParsedFeed
            do {
                feed = try FeedParser.parse(
                    data: raw.bytes, baseURL: raw.metadata["feed_url"].flatMap { URL(string: $0) }, maximumBytes: configuration.maxBytes)
            } catch {
                throw NormalizationError.unparseable("feed did not parse: \(error)")
            }
            // A document holds many entries but a retry stores one message: its entries come with the next poll.
            throw NormalizationError.unparseable(
                "the feed document parses now (\(feed.entries.count) entries); its entries are picked up by the feed's next poll, not by a retry")
        }
    }
}
