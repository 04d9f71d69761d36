import Foundation
import IntakeCore

/// One poll's blocking work: for each mailbox, find the UIDs after the committed cursor and fetch them.
///
/// ```
/// STATUS mbox (UIDVALIDITY UIDNEXT) ─► same UIDVALIDITY as the cursor? else start again at UID 1
///   └─► UID SEARCH UID last+1:top, UID FETCH set (UID RFC822.SIZE FLAGS)   by UID, never UNSEEN:
///       read mail is taken too
///         └─► UID FETCH set (UID BODY.PEEK[])          size ≤ max_bytes: whole mails, one round trip
///             UID FETCH set (UID BODY.PEEK[HEADER])    the others: header only (quarantined by normalize)
/// ```
/// `PEEK`: a fetch leaves `\Seen` alone, acknowledging sets it once the mail is stored. A mailbox whose
/// acknowledged position is behind its committed one (a crash between commit and flagging) is caught
/// up first. Runs on the adapter's `CurlQueue` with one connection for the whole poll.
struct MailboxFetcher: Sendable {
    /// A mailbox as the store and this process know it.
    struct MailboxState: Sendable {
        var name: String
        var committed: MailboxCursor?
        /// Where `after_store` is known applied, as stored.
        var acknowledged: MailboxCursor?
        /// ...and as this process knows it (nil after a restart or a failed acknowledgement).
        var acknowledgedHere: MailboxCursor?
    }

    /// What a poll found, the mailboxes whose acknowledgement it caught up (to store), and what went
    /// wrong without stopping the poll (to log).
    struct Fetched: Sendable {
        var items: [PolledItem] = []
        var caughtUp: [(mailbox: String, cursor: MailboxCursor)] = []
        var warnings: [String] = []
    }

    var adapterName: String
    var server: IMAPServer
    var limits: IMAPAdapter.Limits
    var acknowledger: MailboxAcknowledger
    /// Called after each fetched mail with the count so far (tests use it to break the server mid-poll).
    var afterEachFetch: (@Sendable (Int) -> Void)?

    /// Fetches what is new in `mailboxes` (each with its committed cursor).
    ///
    /// A failure after some mails were fetched returns those mails (their cursors cover only them),
    /// and the next poll meets the failure again if it lasts; a failure before any mail throws.
    func fetch(_ mailboxes: [MailboxState], receivedAt: Date) throws -> Fetched {
        let connection = try CurlIMAPConnection(server: server)
        var fetched = Fetched()
        var bytes = 0
        var firstError: (any Error)?
        for state in mailboxes {
            if fetched.items.count >= limits.maxMailsPerPoll || bytes >= limits.maxBytesPerPoll { break }
            do {
                try fetch(state, connection: connection, receivedAt: receivedAt, into: &fetched, bytes: &bytes)
            } catch {
                if firstError == nil { firstError = error }
                if (error as? IMAPError)?.isConnectionFailure == true { break }  // the other mailboxes would wait on it too
            }
        }
        if fetched.items.isEmpty, fetched.caughtUp.isEmpty, let firstError { throw firstError }
        return fetched
    }

    private func fetch(
        _ state: MailboxState, connection: CurlIMAPConnection, receivedAt: Date, into fetched: inout Fetched, bytes: inout Int
    ) throws {
        let mailbox = state.name
        let committed = state.committed
        let statusLines = try connection.command("STATUS \(IMAPResponse.quoted(mailbox)) (UIDVALIDITY UIDNEXT)", in: nil)
        guard let status = IMAPResponse.status(statusLines) else {
            throw IMAPError.unexpected("STATUS of mailbox \"\(mailbox)\" on IMAP server \(server.address) gave no UIDVALIDITY")
        }
        catchUp(state, uidValidity: status.uidValidity, connection: connection, into: &fetched)
        let after = MailboxCursor.lastUID(committed, uidValidity: status.uidValidity)
        if let next = status.uidNext, UInt64(next) <= UInt64(after) + 1 { return }  // nothing new: no SELECT needed
        try connection.select(mailbox, uidValidity: status.uidValidity)
        let entries = try newMessages(in: mailbox, after: after, status: status, wanted: limits.maxMailsPerPoll - fetched.items.count,
                                      connection: connection)
        // What this poll can hold, decided from the sizes the server gave.
        var chosen: [IMAPResponse.MessageEntry] = []
        var planned = bytes
        for entry in entries {
            if fetched.items.count + chosen.count >= limits.maxMailsPerPoll || planned >= limits.maxBytesPerPoll { break }
            chosen.append(entry)
            planned += min(entry.size, limits.maxBytes)
        }
        var mails: [UInt32: FetchedMail] = [:]
        var failure: (any Error)?
        do {
            try fetchMails(chosen, in: mailbox, connection: connection, into: &mails)
        } catch {
            failure = error  // keep the unbroken run of mails that did arrive
        }

        let key = MailboxCursor.key(adapter: adapterName, mailbox: mailbox)
        var missing: [UInt32] = []
        for entry in chosen {
            guard let mail = mails[entry.uid] else {
                if failure != nil { break }
                missing.append(entry.uid)
                continue
            }
            if !missing.isEmpty {
                // The server skipped a UID before this one: expunged meanwhile, or something to stop at.
                let still = IMAPResponse.entries(try connection.command("UID FETCH \(IMAPResponse.uidSet(missing)) (UID)", in: mailbox))
                if let kept = still.first(where: { missing.contains($0.uid) }) {
                    throw IMAPError.unexpected("IMAP server \(server.address) did not return UID \(kept.uid) of mailbox \"\(mailbox)\"")
                }
                missing = []
            }
            let origin = MailOrigin(mailbox: mailbox, uidValidity: status.uidValidity, uid: entry.uid)
            var metadata = [
                MetadataKey.mailbox: mailbox, MetadataKey.uid: String(entry.uid),
                MetadataKey.uidValidity: String(status.uidValidity), MetadataKey.wasSeen: String(entry.seen),
            ]
            if mail.truncated {
                metadata[MetadataKey.truncated] = "headers"
                metadata[MetadataKey.size] = String(entry.size)
            }
            let cursor = AdapterCursor(key: key, value: MailboxCursor(uidValidity: status.uidValidity, lastUID: entry.uid).value)
            fetched.items.append(PolledItem(
                raw: RawPayload(contentType: "message/rfc822", bytes: mail.data, metadata: metadata),
                receivedAt: receivedAt, sourceID: origin.sourceID, cursor: cursor))
            bytes += mail.data.count
        }
        if let failure { throw failure }
    }

    /// Applies `after_store` to what was stored but perhaps never flagged or moved (a crash between
    /// the commit and the acknowledgement): the UIDs after the acknowledged position up to the committed
    /// one. Idempotent, so repeating the last batch after a restart is harmless. A failure is a warning:
    /// fetching goes on, and the next poll tries again.
    private func catchUp(_ state: MailboxState, uidValidity: UInt32, connection: CurlIMAPConnection, into fetched: inout Fetched) {
        guard let acknowledged = state.acknowledged else {
            // Nothing stored yet (a new adapter): record the start, so a crash after the first commit
            // is caught up too. Mail stored before positions were kept is left as it is.
            fetched.caughtUp.append((state.name, state.committed ?? MailboxCursor(uidValidity: uidValidity, lastUID: 0)))
            return
        }
        guard let committed = state.committed, committed.uidValidity == uidValidity, acknowledged != committed else { return }
        let from = UInt64(MailboxCursor.lastUID(acknowledged, uidValidity: uidValidity)) + 1
        do {
            if state.acknowledgedHere != committed, from <= UInt64(committed.lastUID) {
                try acknowledger.apply("\(from):\(committed.lastUID)", in: state.name, uidValidity: uidValidity, connection: connection)
            }
            fetched.caughtUp.append((state.name, committed))
        } catch {
            fetched.warnings.append("after_store for mail already stored in mailbox \"\(state.name)\" (UIDs \(from):\(committed.lastUID)) failed; "
                                    + "the next poll tries again: \(error)")
        }
    }

    /// A fetched mail: the whole of it, or its header alone when it is over `max_bytes` (`truncated`).
    private struct FetchedMail {
        var data: Data
        var truncated: Bool
    }

    /// Fetches `entries` with one `UID FETCH (UID BODY.PEEK[])` for those within `max_bytes` and one of
    /// `BODY.PEEK[HEADER]` for the rest (and for any the server sent larger than it said).
    private func fetchMails(
        _ entries: [IMAPResponse.MessageEntry], in mailbox: String, connection: CurlIMAPConnection,
        into fetched: inout [UInt32: FetchedMail]
    ) throws {
        var headersOnly = entries.filter { $0.size > limits.maxBytes }.map(\.uid)
        var count = 0
        try connection.fetch(entries.filter { $0.size <= limits.maxBytes }.map(\.uid), section: "", in: mailbox,
                             limit: limits.maxBytes) { uid, literal in
            switch literal {
            case .bytes(let data): fetched[uid] = FetchedMail(data: data, truncated: false)
            case .dropped: headersOnly.append(uid)  // RFC822.SIZE under-reported: over-size all the same
            }
            count += 1
            afterEachFetch?(count)
        }
        try connection.fetch(headersOnly, section: "HEADER", in: mailbox, limit: limits.maxHeaderBytes) { uid, literal in
            switch literal {
            case .bytes(let data): fetched[uid] = FetchedMail(data: data, truncated: true)
            case .dropped: fetched[uid] = FetchedMail(data: Data(), truncated: true)  // quarantined as over-size, headers too big to keep
            }
        }
    }

    /// The next `wanted` UIDs after `after`, with their sizes and `\Seen` flags: found with
    /// `UID SEARCH UID a:b` in windows up to UIDNEXT, then described with one `UID FETCH`.
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
        let chosen = uids.sorted().prefix(wanted)
        guard !chosen.isEmpty else { return [] }
        let lines = try connection.command("UID FETCH \(IMAPResponse.uidSet(Array(chosen))) (UID RFC822.SIZE FLAGS)", in: mailbox)
        // One entry per UID: an unsolicited flag update (`* n FETCH (UID u FLAGS ...)`) has no size.
        var described: [UInt32: IMAPResponse.MessageEntry] = [:]
        for entry in IMAPResponse.entries(lines) where described[entry.uid].map({ $0.size < entry.size }) ?? true {
            described[entry.uid] = entry
        }
        // Stop at a UID the search found but the listing did not describe (expunged in between, most
        // likely): the cursor must not pass it, and the next poll searches again.
        var entries: [IMAPResponse.MessageEntry] = []
        for uid in chosen {
            guard let entry = described[uid] else { break }
            entries.append(entry)
        }
        return entries
    }

    /// UIDs per `UID SEARCH`: one reply line of at most about 14 KB.
    static let searchWindow = 2_000
}
