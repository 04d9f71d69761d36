import Foundation

/// An adapter that fetches from its source on an interval (IMAP, feeds). The core runs the loop
/// (`PollingAdapterService`): interval, backoff on failure, and the cursor committed with each item.
public protocol PollingAdapter: ChannelAdapter {
    /// How long to wait between polls when the last one succeeded.
    var pollInterval: Duration { get }

    /// Fetches what is new since the committed cursors (read them with `context.cursor(key:)`).
    /// Each item carries the cursor value to commit in the same transaction as its message.
    func poll(_ context: PollContext) async throws -> [PolledItem]

    /// Called once the items' transactions committed: the moment to flag or move them at the source.
    func didCommit(_ items: [PolledItem], outcomes: [IngestOutcome]) async throws

    /// Called when storing failed, to undo what fetching did at the source (restore an IMAP `\Seen` flag).
    func didFail(_ items: [PolledItem], error: any Error) async
}

extension PollingAdapter {
    public func didCommit(_ items: [PolledItem], outcomes: [IngestOutcome]) async throws {}
    public func didFail(_ items: [PolledItem], error: any Error) async {}
}

/// One thing fetched by a polling adapter, not yet stored.
public struct PolledItem: Sendable {
    public var raw: RawPayload
    public var receivedAt: Date
    /// The source's id for it (an IMAP UID, a feed entry id), for `didCommit`.
    public var sourceID: String
    /// The cursor to commit with it; nil leaves the cursor where it is.
    public var cursor: AdapterCursor?

    public init(raw: RawPayload, receivedAt: Date, sourceID: String, cursor: AdapterCursor?) {
        self.raw = raw
        self.receivedAt = receivedAt
        self.sourceID = sourceID
        self.cursor = cursor
    }
}

/// What a polling adapter may read and keep in the host's store while polling.
public struct PollContext: Sendable {
    private let store: any CaseStore
    public let clock: any WallClock

    public init(clock: any WallClock, store: any CaseStore) {
        self.clock = clock
        self.store = store
    }

    /// The committed cursor under `key`, or nil before the first commit.
    public func cursor(key: String) async throws -> String? { try await store.cursor(key: key) }

    /// Keeps the adapter's own bookkeeping under `key`, outside any message's transaction (an IMAP
    /// mailbox's acknowledged position). Never a committed cursor: those move only with their items.
    public func saveCursor(key: String, value: String) async throws { try await store.setCursor(key: key, value: value) }
}
