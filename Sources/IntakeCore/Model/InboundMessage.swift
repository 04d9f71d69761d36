import Foundation

/// One complaint message as every channel adapter hands it to the case stream, whatever its channel.
public struct InboundMessage: Codable, Sendable, Equatable {
    /// The configured name of the adapter instance that received it (`support-inbox`).
    public var adapter: String
    /// The registered kind of that adapter (`generic`, `imap`, `sms.twilio`). The core sets it from the
    /// adapter that normalized the input; nil on messages stored before kinds were recorded.
    public var adapterKind: String?
    public var channel: ChannelKind
    /// The provider's id for this message; with `adapter` it is the dedup key.
    public var externalID: String
    public var receivedAt: Date
    public var sender: Sender
    public var subject: String?
    /// Plain text of the complaint: the new part only (quotes and signatures trimmed where the channel has them).
    public var body: String
    /// References to earlier messages or conversations this one continues (Message-IDs, chat thread keys, case tokens).
    public var threadRefs: [String]
    /// References other messages may later use to reply to this one (its own Message-ID, its conversation key).
    public var ownRefs: [String]
    /// Said where others can see it (a social mention, a public channel).
    public var isPublic: Bool
    public var attachments: [AttachmentInfo]
    /// Marks that change how the stream treats the message (an auto-reply never opens a case).
    public var flags: Set<MessageFlag>
    public var raw: RawPayload
    /// Set when this is one part of a message sent in several (a concatenated SMS): the store keeps
    /// the parts and stores one joined message once every part has arrived.
    public var fragment: MessageFragment?

    public init(
        adapter: String, channel: ChannelKind, externalID: String, receivedAt: Date, sender: Sender,
        subject: String? = nil, body: String, threadRefs: [String] = [], ownRefs: [String] = [],
        isPublic: Bool = false, attachments: [AttachmentInfo] = [], flags: Set<MessageFlag> = [], raw: RawPayload,
        fragment: MessageFragment? = nil, adapterKind: String? = nil
    ) {
        self.adapter = adapter
        self.adapterKind = adapterKind
        self.channel = channel
        self.externalID = externalID
        self.receivedAt = receivedAt
        self.sender = sender
        self.subject = subject
        self.body = body
        self.threadRefs = threadRefs
        self.ownRefs = ownRefs
        self.isPublic = isPublic
        self.attachments = attachments
        self.flags = flags
        self.raw = raw
        self.fragment = fragment
    }
}

/// Metadata of one attachment; the bytes stay in the raw payload.
public struct AttachmentInfo: Codable, Sendable, Equatable {
    public var filename: String?
    public var contentType: String
    public var size: Int
    /// Where the provider keeps it, when it is not inside the payload (MMS media URL).
    public var url: String?

    public init(filename: String?, contentType: String, size: Int, url: String? = nil) {
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.url = url
    }
}

/// A mark on a message that changes how the case stream treats it.
public enum MessageFlag: String, Codable, Sendable, CaseIterable {
    /// An auto-reply, bounce or loop: attached to its case if one matches, never opens a case, never alerts.
    case automated
    /// An edit of an earlier message: appended to the earlier message's case.
    case edited
    /// A delivery status or receipt: recorded, never opens a case.
    case statusReport = "status_report"

    /// Whether a `message.received` event's `flags` (comma-separated) mark an auto-reply or a status
    /// report: such a message pages nobody and is not counted as volume.
    public static func markAutomated(_ flags: String?) -> Bool {
        (flags ?? "").split(separator: ",").contains { $0 == automated.rawValue || $0 == statusReport.rawValue }
    }
}

/// One part of a message that arrives in several parts.
public struct MessageFragment: Codable, Sendable, Equatable {
    /// The parts' common key inside the adapter (sender, recipient and the provider's reference).
    public var group: String
    /// 1-based position of this part.
    public var index: Int
    public var total: Int

    public init(group: String, index: Int, total: Int) {
        self.group = group
        self.index = index
        self.total = total
    }

    /// The external id of the joined message.
    public var joinedExternalID: String { "joined:\(group)" }

    /// Raw payloads of joined messages carry this metadata key (the part count); their bytes are the
    /// parts' raw bytes, in order, one a line.
    public static let rawMetadataKey = "fragments"
}
