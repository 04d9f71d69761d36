import Foundation
import IntakeCore

/// One poll's blocking work: for each mailbox, find the UIDs after the committed cursor and fetch them.
///
/// ```
/// STATUS mbox (UIDVALIDITY UIDNEXT) ─► same UIDVALIDITY as the cursor? else start again at UID 1
///   └─► UID SEARCH UID last+1:top, UID FETCH set (UID RFC822.SIZE FLAGS)   by UID, never UNSEEN:
///       read mail is taken too
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
        let entries = try newMessages(in: mailbox, after: after, status: status, wanted: limits.maxMailsPerPoll - items.count,
                                      connection: connection)
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

    /// The next `wanted` UIDs after `after`, with their sizes and `\Seen` flags.
    ///
    /// Found with `UID SEARCH UID a:b` in windows up to UIDNEXT, then described with `UID FETCH` in
    /// chunks: libcurl 7.88 counts a custom command's untagged lines against its 300 KB header limit
    /// again and again, so a reply of more than about 100 lines fails with "Too large response headers".
    private func newMessages(
        in mailbox: String, after: UInt32, status: IMAPResponse.MailboxStatus, wanted: Int, connection: CurlIMAPConnection
    ) throws -> [IMAPResponse.MessageEntry] {
        guard wanted > 0 else { return [] }
        var uids = Set<UInt32>()
        var low = UInt64(after) + 1
        if let next = status.uidNext {
            let top = UInt64(next) - 1
            while uids.count < wanted, low <= top {
                let high = min(low + UInt64(Self.searchWindow) - 1, top)
                let lines = try connection.command("UID SEARCH UID \(low):\(high)", in: mailbox)
                uids.formUnion(IMAPResponse.searchUIDs(lines).filter { $0 > after })
                low = high + 1
            }
        } else {
            // `n:*` also matches the highest UID when it is below n, hence the filter.
            let lines = try connection.command("UID SEARCH UID \(low):*", in: mailbox)
            uids.formUnion(IMAPResponse.searchUIDs(lines).filter { $0 > after })
        }
        let chosen = Array(uids.sorted().prefix(wanted))
        var entries: [IMAPResponse.MessageEntry] = []
        for start in stride(from: 0, to: chosen.count, by: Self.describeChunk) {
            let chunk = Array(chosen[start..<min(start + Self.describeChunk, chosen.count)])
            let lines = try connection.command("UID FETCH \(IMAPResponse.uidSet(chunk)) (UID RFC822.SIZE FLAGS)", in: mailbox)
            entries += IMAPResponse.entries(lines).filter { chunk.contains($0.uid) }
        }
        return entries.sorted { $0.uid < $1.uid }
    }

    /// UIDs per `UID SEARCH`: one reply line of at most about 14 KB, which curl counts only a few times.
    static let searchWindow = 2_000
    /// UIDs per `UID FETCH (UID RFC822.SIZE FLAGS)`: one reply line each.
    static let describeChunk = 50

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
