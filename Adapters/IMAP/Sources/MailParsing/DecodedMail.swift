import Foundation

/// A mail decoded into the fields case intake needs; plain values, safe to send across tasks.
public struct DecodedMail: Sendable, Hashable {
    /// Message-ID without angle brackets.
    public var messageID: String?
    /// In-Reply-To message IDs, without angle brackets.
    public var inReplyTo: [String]
    /// References message IDs in header order, without angle brackets.
    public var references: [String]
    /// Subject, RFC 2047 decoded.
    public var subject: String?
    /// First From mailbox.
    public var from: MailAddress?
    /// First Reply-To mailbox.
    public var replyTo: MailAddress?
    /// To mailboxes (group members flattened).
    public var to: [MailAddress]
    /// Cc mailboxes (group members flattened).
    public var cc: [MailAddress]
    /// Date header; nil when absent or unparsable.
    public var date: Date?
    /// Return-Path address: nil when the header is absent, "" for the null path `<>`.
    public var returnPath: String?
    /// The readable body parts in reading order (RFC 8621 textBody rules), HTML already converted to text.
    public var textParts: [String]
    /// The full plain text: `textParts` joined by a blank line; LF line ends.
    public var textBody: String
    /// The case text: `textBody` without quoted replies and signatures.
    public var newText: String
    /// Parts that are not body text: files, inline images, attached messages.
    public var attachments: [MailAttachment]
    /// Why the mail looks machine-sent; nil for a mail written by a person.
    public var autoResponse: AutoResponseKind?
    /// Case reference from the subject (`[#C-1234]` gives `C-1234`).
    public var caseToken: String?
    /// All top-level header fields, for names without a dedicated property.
    public var headers: MailHeaders
    /// Problems the parser recovered from (missing end boundary, bad header names, ...).
    public var warnings: [String]

    public init(
        messageID: String? = nil, inReplyTo: [String] = [], references: [String] = [],
        subject: String? = nil, from: MailAddress? = nil, replyTo: MailAddress? = nil,
        to: [MailAddress] = [], cc: [MailAddress] = [], date: Date? = nil, returnPath: String? = nil,
        textParts: [String] = [], textBody: String = "", newText: String = "",
        attachments: [MailAttachment] = [], autoResponse: AutoResponseKind? = nil,
        caseToken: String? = nil, headers: MailHeaders = MailHeaders(), warnings: [String] = []
    ) {
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.subject = subject
        self.from = from
        self.replyTo = replyTo
        self.to = to
        self.cc = cc
        self.date = date
        self.returnPath = returnPath
        self.textParts = textParts
        self.textBody = textBody
        self.newText = newText
        self.attachments = attachments
        self.autoResponse = autoResponse
        self.caseToken = caseToken
        self.headers = headers
        self.warnings = warnings
    }
}
