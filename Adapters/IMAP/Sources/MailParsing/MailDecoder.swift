import CGMime
import Foundation

/// Decodes raw RFC 5322 mail (LF or CRLF line ends) into a `DecodedMail`, with GMime 3.
///
/// Every GMime object lives only inside one call; callers get plain Sendable values.
public struct MailDecoder: Sendable {
    /// Our own mailbox addresses; an X-Loop header naming one of them marks the mail as a loop.
    public var ownAddresses: [String]
    /// Header blocks longer than this are cut here by `headersOnly` (protects against endless headers).
    public var maxHeaderBytes: Int

    public init(ownAddresses: [String] = [], maxHeaderBytes: Int = 256 * 1024) {
        self.ownAddresses = ownAddresses
        self.maxHeaderBytes = maxHeaderBytes
    }

    /// Decodes `raw` with the default configuration (no own addresses).
    public static func decode(_ raw: Data) throws -> DecodedMail {
        try MailDecoder().decode(raw)
    }

    /// Decodes only the header block of `raw`, with the default configuration.
    public static func headersOnly(_ raw: Data) throws -> DecodedMail {
        try MailDecoder().headersOnly(raw)
    }

    /// Decodes headers, body text and attachment list; throws `MailDecodeError` for input that
    /// is empty or has no header block (quarantine the raw bytes then).
    public func decode(_ raw: Data) throws -> DecodedMail {
        try decode(raw, includeBody: true)
    }

    /// Decodes only the header block (for an over-size mail kept with its headers); the body
    /// fields stay empty. Reads at most `maxHeaderBytes` of `raw`.
    public func headersOnly(_ raw: Data) throws -> DecodedMail {
        let end = HeaderBlock.endOffset(in: raw, limit: maxHeaderBytes)
        return try decode(raw.prefix(end), includeBody: false)
    }

    private func decode(_ raw: Data, includeBody: Bool) throws -> DecodedMail {
        guard !raw.isEmpty else { throw MailDecodeError.empty }
        GMimeRuntime.ensureInitialized()
        let sink = ParserWarningSink()
        guard let options = g_mime_parser_options_new() else { throw MailDecodeError.noHeaders(byteCount: raw.count) }
        defer { g_mime_parser_options_free(options) }
        sink.install(on: options)
        cgmime_parser_options_use_western_fallback(options)

        let mail: DecodedMail? = withExtendedLifetime(sink) {
            raw.withUnsafeBytes { buffer -> DecodedMail? in
                guard let base = buffer.baseAddress else { return nil }
                var array: UnsafeMutablePointer<GByteArray>?
                // Borrow the caller's bytes instead of copying a possibly 25 MB mail.
                guard let stream = cgmime_stream_mem_borrowing(base, buffer.count, &array) else { return nil }
                defer { cgmime_stream_mem_release(stream, array) }
                guard let parser = g_mime_parser_new_with_stream(stream) else { return nil }
                defer { cgmime_unref(parser) }
                guard let message = g_mime_parser_construct_message(parser, options) else { return nil }
                defer { cgmime_unref(message) }
                return assemble(message, options: options, includeBody: includeBody, warnings: sink)
            }
        }
        guard let mail else { throw MailDecodeError.noHeaders(byteCount: raw.count) }
        return mail
    }

    private func assemble(
        _ message: UnsafeMutablePointer<GMimeMessage>, options: OpaquePointer, includeBody: Bool,
        warnings: ParserWarningSink
    ) -> DecodedMail? {
        let envelope = MailEnvelope(message: message, options: options)
        // GMime builds a message even from text without any "Name: value" line; such input is
        // not a mail.
        guard !envelope.headers.fields.isEmpty else { return nil }

        var body = MailBody()
        if includeBody, let root = g_mime_message_get_mime_part(message) {
            body = MailBody(root: root)
        }
        let topType = envelope.headers["Content-Type"].map(ContentTypeValue.parse) ?? (mimeType: nil, reportType: nil)
        let signals = AutoResponseSignals(
            headers: envelope.headers, returnPath: envelope.returnPath, from: envelope.from,
            contentType: topType.mimeType, reportType: topType.reportType,
            partTypes: body.partTypes)
        let textBody = body.textParts.joined(separator: "\n\n")
        return DecodedMail(
            messageID: envelope.messageID, inReplyTo: envelope.inReplyTo,
            references: envelope.references, subject: envelope.subject, from: envelope.from,
            replyTo: envelope.replyTo, to: envelope.to, cc: envelope.cc, date: envelope.date,
            returnPath: envelope.returnPath, textParts: body.textParts, textBody: textBody,
            newText: ReplyTrimmer.newText(of: textBody), attachments: body.attachments,
            autoResponse: AutoResponseDetector(ownAddresses: ownAddresses).detect(signals),
            caseToken: envelope.subject.flatMap(CaseToken.parse), headers: envelope.headers,
            warnings: warnings.messages)
    }
}
