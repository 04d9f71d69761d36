import Foundation
import IntakeCore
import Logging
import MailParsing

/// The email channel: polls IMAP mailboxes through libcurl and turns every mail into an inbound message.
///
/// ```
/// poll ─► MailboxFetcher (curl, off the cooperative pool) ─► [PolledItem + cursor "uidvalidity:uid"]
///   core: normalize (MailDecoder) ─► commit message + cursor in one transaction
///     ├─ committed ─► didCommit ─► after_store: \Seen, MOVE to a folder, or leave as it was
///     └─ failed    ─► nothing to undo: the fetch was a PEEK, the cursor did not move
/// ```
/// Mail is found by UID after the committed cursor, never by UNSEEN, so mail a person already read is taken.
public struct IMAPAdapter: PollingAdapter {
    /// What to do at the server once a mail is durably stored.
    public enum AfterStore: Sendable, Equatable {
        /// Flag it `\Seen` (the default).
        case seen
        /// Move it to this folder (IMAP MOVE, else COPY + `\Deleted` + UID EXPUNGE).
        case move(String)
        /// Leave it as it was, `\Seen` only if it was before.
        case leave
    }

    /// How much one poll and one mail may hold in memory.
    public struct Limits: Sendable, Equatable {
        /// A mail over this many bytes is quarantined with its header only (`max_bytes`, default 25 MB).
        public var maxBytes: Int
        /// The most a kept header block may be.
        public var maxHeaderBytes: Int
        /// One poll stops fetching after this many mails...
        public var maxMailsPerPoll: Int
        /// ...or once this many bytes are held (at least one mail is always taken).
        public var maxBytesPerPoll: Int

        public init(maxBytes: Int = 25 * 1024 * 1024, maxHeaderBytes: Int = 1024 * 1024, maxMailsPerPoll: Int = 200,
                    maxBytesPerPoll: Int = 32 * 1024 * 1024) {
            self.maxBytes = maxBytes
            self.maxHeaderBytes = maxHeaderBytes
            self.maxMailsPerPoll = maxMailsPerPoll
            self.maxBytesPerPoll = maxBytesPerPoll
        }
    }

    /// Everything an `imap` adapter instance is configured with.
    public struct Configuration: Sendable {
        public var server: IMAPServer
        public var mailboxes: [String]
        public var pollInterval: Duration
        public var afterStore: AfterStore
        public var limits: Limits
        /// The region phone numbers in a sender's signature are read in (`US`); nil reads only `+` numbers.
        public var defaultRegion: String?
        /// Our own addresses: a mail whose X-Loop names one is a loop.
        public var ownAddresses: [String]

        public init(
            server: IMAPServer, mailboxes: [String] = ["INBOX"], pollInterval: Duration = .seconds(15),
            afterStore: AfterStore = .seen, limits: Limits = Limits(), defaultRegion: String? = nil, ownAddresses: [String] = []
        ) {
            self.server = server
            self.mailboxes = mailboxes
            self.pollInterval = pollInterval
            self.afterStore = afterStore
            self.limits = limits
            self.defaultRegion = defaultRegion
            self.ownAddresses = ownAddresses
        }
    }

    public let name: String
    public var kind: String { Self.kind }
    public let channel = ChannelKind.email
    public let configuration: Configuration
    public var pollInterval: Duration { configuration.pollInterval }

    private let queue: CurlQueue
    /// Per mailbox, the position up to which this process knows `after_store` was applied.
    private let acknowledgedHere = AcknowledgedPositions()
    let decoder: MailDecoder
    private let logger: Logger
    /// Test hook: called on the curl queue after each mail fetched in a poll.
    var afterEachFetch: (@Sendable (Int) -> Void)?

    public init(name: String, configuration: Configuration, logger: Logger = Logger(label: "intake.imap")) {
        self.name = name
        self.configuration = configuration
        self.queue = CurlQueue(label: "intake.imap.\(name)")
        self.decoder = MailDecoder(ownAddresses: configuration.ownAddresses)
        self.logger = logger
    }

    public func poll(_ context: PollContext) async throws -> [PolledItem] {
        var mailboxes: [MailboxFetcher.MailboxState] = []
        for mailbox in configuration.mailboxes {
            let committed = try await context.cursor(key: MailboxCursor.key(adapter: name, mailbox: mailbox))
            let acknowledged = try await context.cursor(key: MailboxCursor.acknowledgedKey(adapter: name, mailbox: mailbox))
            mailboxes.append(.init(name: mailbox, committed: MailboxCursor(committed), acknowledged: MailboxCursor(acknowledged),
                                   acknowledgedHere: acknowledgedHere[mailbox]))
        }
        let fetcher = MailboxFetcher(
            adapterName: name, server: configuration.server, limits: configuration.limits,
            acknowledger: MailboxAcknowledger(server: configuration.server, afterStore: configuration.afterStore),
            afterEachFetch: afterEachFetch)
        let receivedAt = context.clock.now()
        let snapshot = mailboxes
        let fetched = try await queue.run { try fetcher.fetch(snapshot, receivedAt: receivedAt) }
        for warning in fetched.warnings { logger.warning("\(warning)", metadata: ["adapter": "\(name)"]) }
        for (mailbox, cursor) in fetched.caughtUp {
            acknowledgedHere[mailbox] = cursor
            try await context.saveCursor(key: MailboxCursor.acknowledgedKey(adapter: name, mailbox: mailbox), value: cursor.value)
        }
        return fetched.items
    }

    public func didCommit(_ items: [PolledItem], outcomes: [IngestOutcome]) async throws {
        let origins = items.compactMap(MailOrigin.init)
        let acknowledger = MailboxAcknowledger(server: configuration.server, afterStore: configuration.afterStore)
        do {
            try await queue.run { try acknowledger.acknowledge(origins) }
        } catch {
            // Whatever part was not flagged or moved is caught up by a later poll, from the stored position.
            for origin in origins { acknowledgedHere[origin.mailbox] = nil }
            throw error
        }
        // A batch starts right after the committed cursor, so a mailbox acknowledged up to there is now
        // acknowledged up to the batch's end; one never caught up in this process stays unknown.
        for origin in origins where acknowledgedHere[origin.mailbox] != nil {
            acknowledgedHere[origin.mailbox] = MailboxCursor(uidValidity: origin.uidValidity, lastUID: origin.uid)
        }
    }
}
