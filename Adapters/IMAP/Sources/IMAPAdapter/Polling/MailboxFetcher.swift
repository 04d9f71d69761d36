import Foundation
import IntakeCore

/// One poll's blocking work: for each mailbox, find the UIDs after the committed cursor and fetch them.
///
/// ```
/// STATUS mbox (UIDVALIDITY UIDNEXT) ─► same UIDVALIDITY as the cursor? else start again at UID 1
///   └─► UID FETCH last+1:* (UID RFC822.SIZE FLAGS)      by UID, never UNSEEN: read mail is taken too
///         └─► per UID: size ≤ max_bytes ? imap://host/mbox;UID=n  (whole mail; sets \Seen)
///                                       : imap://host/mbox;UID=n;SECTION=HEADER  (quarantined by normalize)
/// ```
/// Runs on the adapter's `CurlQueue` with one connection for the whole poll.
struct MailboxFetcher: Sendable {
    var adapterName: String
    var server: IMAPServer
    var limits: IMAPAdapter.Limits
    /// Called after each fetched mail with the count so far (tests use it to break the server mid-poll).
    var afterEachFetch: (@Sendable (Int) -> Void)?

    /// Fetches what is new in `mailboxes` (each with its committed cursor).
    ///
    /// A failure after some mails were fetched returns those mails (their cursors cover only them),
    /// and the next poll meets the failure again if it lasts; a failure before any mail throws.
    func fetch(_ mailboxes: [(name: String, committed: MailboxCursor?)], receivedAt: Date) throws -> [PolledItem] {
        let connection = try CurlIMAPConnection(server: server)
        var items: [PolledItem] = []
        var bytes = 0
        var firstError: (any Error)?
        for (mailbox, committed) in mailboxes {
            if items.count >= limits.maxMailsPerPoll || bytes >= limits.maxBytesPerPoll { break }
            do {
                try fetch(mailbox, after: committed, connection: connection, receivedAt: receivedAt, into: &items, bytes: &bytes)
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if items.isEmpty, let firstError { throw firstError }
        return items
    }

    private func fetch(
        _ mailbox: String, after committed: MailboxCursor?, connection: CurlIMAPConnection, receivedAt: Date,
        into items: inout [PolledItem], bytes: inout Int
    ) throws {
        let statusLines = try connection.command("STATUS \(IMAPResponse.quoted(mailbox)) (UIDVALIDITY UIDNEXT)", in: nil)
        guard let status = IMAPResponse.status(statusLines) else {
            throw IMAPError.unexpected("STATUS of mailbox \"\(mailbox)\" on IMAP server \(server.address) gave no UIDVALIDITY")
        }
        let after = MailboxCursor.lastUID(committed, uidValidity: status.uidValidity)
        if let next = status.uidNext, UInt64(next) <= UInt64(after) + 1 { return }  // nothing new: no SELECT needed
        // `n:*` also matches the highest UID when it is below n, hence the filter.
        let entries = IMAPResponse.entries(try connection.command("UID FETCH \(after &+ 1):* (UID RFC822.SIZE FLAGS)", in: mailbox))
            .filter { $0.uid > after }
            .sorted { $0.uid < $1.uid }
        let key = MailboxCursor.key(adapter: adapterName, mailbox: mailbox)
        for entry in entries {
            if items.count >= limits.maxMailsPerPoll || bytes >= limits.maxBytesPerPoll { return }
            guard let (data, truncated) = try fetchMail(entry, in: mailbox, connection: connection) else { continue }
            let origin = MailOrigin(mailbox: mailbox, uidValidity: status.uidValidity, uid: entry.uid, wasSeen: entry.seen)
            var metadata = [
                MetadataKey.mailbox: mailbox, MetadataKey.uid: String(entry.uid),
                MetadataKey.uidValidity: String(status.uidValidity), MetadataKey.wasSeen: String(entry.seen),
            ]
            if truncated {
                metadata[MetadataKey.truncated] = "headers"
                metadata[MetadataKey.size] = String(entry.size)
            }
            let cursor = AdapterCursor(key: key, value: MailboxCursor(uidValidity: status.uidValidity, lastUID: entry.uid).value)
            items.append(PolledItem(
                raw: RawPayload(contentType: "message/rfc822", bytes: data, metadata: metadata),
                receivedAt: receivedAt, sourceID: origin.sourceID, cursor: cursor))
            bytes += data.count
            afterEachFetch?(items.count)
        }
    }

    /// The whole mail, or its header alone when it is over `max_bytes` (`truncated`); nil when it was
    /// expunged since the listing.
    private func fetchMail(
        _ entry: IMAPResponse.MessageEntry, in mailbox: String, connection: CurlIMAPConnection
    ) throws -> (Data, truncated: Bool)? {
        do {
            if entry.size <= limits.maxBytes {
                do {
                    return (try connection.fetch(mailbox: mailbox, uid: entry.uid, expectedSize: entry.size, limit: limits.maxBytes), false)
                } catch let error as IMAPError where error.isTooLarge {
                    // The server under-reported RFC822.SIZE: treat it as over-size all the same.
                }
            }
            let header = try connection.fetch(
                mailbox: mailbox, uid: entry.uid, section: "HEADER", expectedSize: 64 * 1024, limit: limits.maxHeaderBytes)
            return (header, true)
        } catch let error as IMAPError where error.isNotFound {
            // curl says "not found" for a UID that was expunged meanwhile; make sure before skipping it.
            let still = IMAPResponse.entries(try connection.command("UID FETCH \(entry.uid) (UID)", in: mailbox))
            if still.contains(where: { $0.uid == entry.uid }) { throw error }
            return nil
        }
    }
}
