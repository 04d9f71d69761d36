import Foundation

/// Acknowledges stored mails at the server (`after_store`), or undoes the fetch's `\Seen` when storing failed.
///
/// Works per mailbox with UID sets, and only while the mailbox still has the UIDVALIDITY the UIDs
/// belong to: after a reset the UIDs name other mails, so nothing is touched (the resync takes them again).
struct MailboxAcknowledger: Sendable {
    var server: IMAPServer

    /// Applies `afterStore` to mails whose transactions committed.
    func acknowledge(_ origins: [MailOrigin], afterStore: IMAPAdapter.AfterStore) throws {
        try forEachMailbox(origins) { mailbox, group, connection in
            switch afterStore {
            case .seen:
                // The fetch set \Seen already (BODY[] is not a peek); say it explicitly for header-only fetches.
                _ = try connection.command("UID STORE \(IMAPResponse.uidSet(group.map(\.uid))) +FLAGS.SILENT (\\Seen)", in: mailbox)
            case .leave:
                try restoreUnseen(group, in: mailbox, connection: connection)
            case .move(let folder):
                // MOVE answers with one EXPUNGE line per mail: chunks keep curl under its reply limit.
                let uids = group.map(\.uid)
                for start in stride(from: 0, to: uids.count, by: MailboxFetcher.describeChunk) {
                    try move(Array(uids[start..<min(start + MailboxFetcher.describeChunk, uids.count)]), from: mailbox, to: folder,
                             connection: connection)
                }
            }
        }
    }

    /// Clears `\Seen` on the mails that did not have it before the fetch.
    func restoreSeenFlags(_ origins: [MailOrigin]) throws {
        try forEachMailbox(origins.filter { !$0.wasSeen }) { mailbox, group, connection in
            try restoreUnseen(group, in: mailbox, connection: connection)
        }
    }

    private func restoreUnseen(_ group: [MailOrigin], in mailbox: String, connection: CurlIMAPConnection) throws {
        let unseen = group.filter { !$0.wasSeen }.map(\.uid)
        guard !unseen.isEmpty else { return }
        _ = try connection.command("UID STORE \(IMAPResponse.uidSet(unseen)) -FLAGS.SILENT (\\Seen)", in: mailbox)
    }

    private func move(_ uids: [UInt32], from mailbox: String, to folder: String, connection: CurlIMAPConnection) throws {
        let set = IMAPResponse.uidSet(uids)
        let target = IMAPResponse.quoted(folder)
        do {
            _ = try connection.command("UID MOVE \(set) \(target)", in: mailbox)
        } catch let error as IMAPError where error.isRefusedCommand {
            // No MOVE extension (RFC 6851): copy, flag \Deleted, and expunge only these UIDs (UIDPLUS).
            do {
                _ = try connection.command("UID COPY \(set) \(target)", in: mailbox)
            } catch let copy as IMAPError where copy.isRefusedCommand {
                throw IMAPError.unexpected("cannot move mail to \"\(folder)\" (does the folder exist?): \(error); \(copy)")
            }
            _ = try connection.command("UID STORE \(set) +FLAGS.SILENT (\\Deleted)", in: mailbox)
            _ = try connection.command("UID EXPUNGE \(set)", in: mailbox)
        }
    }

    private func forEachMailbox(
        _ origins: [MailOrigin], _ body: (String, [MailOrigin], CurlIMAPConnection) throws -> Void
    ) throws {
        guard !origins.isEmpty else { return }
        let connection = try CurlIMAPConnection(server: server)
        var order: [String] = []
        var groups: [String: [MailOrigin]] = [:]
        for origin in origins {
            if groups[origin.mailbox] == nil { order.append(origin.mailbox) }
            groups[origin.mailbox, default: []].append(origin)
        }
        var firstError: (any Error)?
        for mailbox in order {
            do {
                let lines = try connection.command("STATUS \(IMAPResponse.quoted(mailbox)) (UIDVALIDITY)", in: nil)
                guard let status = IMAPResponse.status(lines) else { continue }
                let current = groups[mailbox, default: []].filter { $0.uidValidity == status.uidValidity }
                if !current.isEmpty { try body(mailbox, current, connection) }
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
    }
}
