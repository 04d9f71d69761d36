/// One unit of intake committed atomically: a message or a quarantine entry, and the source cursor it moves.
public struct IngestRequest: Sendable {
    /// What to store.
    public enum Item: Sendable {
        case message(InboundMessage)
        case quarantine(QuarantineRequest)
        /// Nothing to store but the cursor (input that carried no complaint).
        case nothing
    }

    public var item: Item
    /// The polling adapter's position after this item, committed in the same transaction.
    public var cursor: AdapterCursor?

    public init(_ item: Item, cursor: AdapterCursor? = nil) {
        self.item = item
        self.cursor = cursor
    }

    public static func message(_ message: InboundMessage, cursor: AdapterCursor? = nil) -> IngestRequest {
        IngestRequest(.message(message), cursor: cursor)
    }

    public static func quarantine(_ entry: QuarantineRequest, cursor: AdapterCursor? = nil) -> IngestRequest {
        IngestRequest(.quarantine(entry), cursor: cursor)
    }
}

/// A polling adapter's durable position in its source (an IMAP mailbox's UIDVALIDITY and last UID, a feed's seen set).
public struct AdapterCursor: Sendable, Equatable, Codable {
    /// The adapter instance and the source inside it (`support-inbox/INBOX`).
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// What happened to one ingest request once its transaction committed.
public enum IngestOutcome: Sendable, Equatable {
    /// Stored (or found stored already: `duplicate`). `caseID` is nil for a message that opens no case (an auto-reply).
    case stored(StoreReceipt)
    case quarantined(id: Int64)
    /// Only the cursor moved.
    case skipped
    /// One part of a multi-part message was kept; the joined message is stored when the last part arrives.
    case buffered(received: Int, total: Int)
}

/// The ids a stored message got, and what it did to its case.
public struct StoreReceipt: Sendable, Equatable, Codable {
    public var messageID: Int64
    public var caseID: Int64?
    public var contactID: Int64
    public var duplicate: Bool
    public var openedCase: Bool
    public var reopenedCase: Bool

    public init(
        messageID: Int64, caseID: Int64?, contactID: Int64, duplicate: Bool, openedCase: Bool, reopenedCase: Bool
    ) {
        self.messageID = messageID
        self.caseID = caseID
        self.contactID = contactID
        self.duplicate = duplicate
        self.openedCase = openedCase
        self.reopenedCase = reopenedCase
    }
}
