import Foundation
import IntakeCore
import MailParsing

extension IMAPAdapter {
    /// Decodes one mail (`message/rfc822`, as fetched or as kept in quarantine) into an inbound message.
    ///
    /// Throws `NormalizationError.unparseable` for a mail kept with its header only (over `max_bytes`),
    /// a mail GMime cannot read, and a mail without a sender address: all go to quarantine, raw.
    public func normalize(_ raw: RawPayload, receivedAt: Date) throws -> [InboundMessage] {
        if raw.metadata[MetadataKey.truncated] == "headers" { throw oversizeError(raw) }
        let mail: DecodedMail
        do {
            mail = try decoder.decode(raw.bytes)
        } catch {
            throw NormalizationError.unparseable("not a readable mail: \(error)")
        }
        guard let address = mail.from?.address, let identity = Identity.email(address) else {
            let from = mail.headers["From"].map { "\"\($0)\"" } ?? "missing"
            throw NormalizationError.unparseable("mail has no sender address to answer (From: \(from))")
        }
        let automated = mail.autoResponse != nil || configuration.ownAddresses.contains(identity.value)
        var identities = [identity]
        if !automated, let phone = SignaturePhone.find(in: mail.textBody, defaultRegion: configuration.defaultRegion),
           !identities.contains(phone) {
            identities.append(phone)
        }
        var threadRefs: [String] = []
        for id in mail.inReplyTo + mail.references {
            let ref = MailReference.form(id)
            if !ref.isEmpty, !threadRefs.contains(ref) { threadRefs.append(ref) }
        }
        if let token = mail.caseToken, let id = CaseReference.parse(token) {
            threadRefs.append(CaseReference.threadRef(id))
        }
        let own = mail.messageID.map(MailReference.form).flatMap { $0.isEmpty ? nil : [$0] } ?? []
        return [InboundMessage(
            adapter: name, channel: .email, externalID: MailReference.externalID(of: mail, raw: raw.bytes),
            receivedAt: receivedAt, sender: Sender(identities: identities, displayName: mail.from?.name),
            subject: mail.subject, body: mail.newText, threadRefs: threadRefs, ownRefs: own,
            attachments: mail.attachments.map { AttachmentInfo(filename: $0.filename, contentType: $0.contentType, size: $0.size) },
            flags: automated ? [.automated] : [], raw: raw)]
    }

    private func oversizeError(_ raw: RawPayload) -> NormalizationError {
        let size = raw.metadata[MetadataKey.size].flatMap(Int.init)
        let header = try? decoder.headersOnly(raw.bytes)
        var facts: [String] = []
        if let from = header?.from { facts.append("From: \(from)") }
        if let subject = header?.subject { facts.append("Subject: \(subject)") }
        let mailbox = raw.metadata[MetadataKey.mailbox] ?? "?"
        let uid = raw.metadata[MetadataKey.uid] ?? "?"
        return .unparseable(
            "mail of \(size.map(Self.megabytes) ?? "unknown size") is over max_bytes (\(Self.megabytes(configuration.limits.maxBytes))): "
                + "kept with its header only\(facts.isEmpty ? "" : " (\(facts.joined(separator: ", ")))"); "
                + "the whole mail is at the server, mailbox \(mailbox), UID \(uid)")
    }

    private static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }
}

/// Message-ID forms shared by thread references and dedup keys.
enum MailReference {
    /// `id` as `<id>`: the form every email reference takes in `threadRefs` and `ownRefs`.
    static func form(_ id: String) -> String {
        var trimmed = Substring(id.trimmingCharacters(in: .whitespacesAndNewlines))
        if trimmed.hasPrefix("<") { trimmed = trimmed.dropFirst() }
        if trimmed.hasSuffix(">") { trimmed = trimmed.dropLast() }
        return trimmed.isEmpty ? "" : "<\(trimmed)>"
    }

    /// The dedup key, stable when the same mail is fetched again (a UIDVALIDITY resync, a second mailbox):
    /// the Message-ID with a short digest of From, Date and Subject (so two different mails a broken
    /// mailer gave one Message-ID stay two), or the SHA-256 of the bytes for a mail without Message-ID.
    static func externalID(of mail: DecodedMail, raw: Data) -> String {
        let id = mail.messageID.map(form) ?? ""
        guard !id.isEmpty else { return "sha256:" + RawPayload.hexDigest(raw) }
        let facts = [mail.headers["From"] ?? "", mail.headers["Date"] ?? "", mail.headers["Subject"] ?? ""].joined(separator: "\n")
        return id + "#" + RawPayload.hexDigest(Data(facts.utf8)).prefix(16)
    }
}
