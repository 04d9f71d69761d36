import Foundation

/// Applies `after_store` at the server to mails that are stored: flags them `\Seen` or moves them.
///
/// Works per mailbox with UID sets, and only while the mailbox still has the UIDVALIDITY the UIDs
/// belong to: after a reset the UIDs name other mails, so nothing is touched (the resync takes them again).
/// Idempotent: flagging a flagged mail or moving UIDs that are gone changes nothing, so a catch-up
/// after a crash may safely repeat what was done.
struct MailboxAcknowledger: Sendable {
    var server: IMAPServer
    var afterStore: IMAPAdapter.AfterStore

    /// Acknowledges mails whose transactions committed, on a connection of its own.
    func acknowledge(_ origins: [MailOrigin]) throws {
        guard !origins.isEmpty, afterStore != .leave else { return }
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
                let current = groups[mailbox, default: []].filter { $0.uidValidity == status.uidValidity }.map(\.uid)
                if !current.isEmpty {
                    try apply(IMAPResponse.uidSet(current), in: mailbox, uidValidity: status.uidValidity, connection: connection)
                }
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
    }

    /// Applies `after_store` to a UID set (`"5:9,12"`) of `mailbox`, if it still has `uidValidity`.
    func apply(_ set: String, in mailbox: String, uidValidity: UInt32, connection: CurlIMAPConnection) throws {
        guard afterStore != .leave else { return }
        try connection.select(mailbox, uidValidity: uidValidity)
        switch afterStore {
        case .seen:
            // The fetch was a PEEK: \Seen is set here, once the mail is stored.
            _ = try connection.command("UID STORE \(set) +FLAGS.SILENT (\\Seen)", in: mailbox)
        case .leave:
            return
        case .move(let folder):
            try move(set, from: mailbox, to: folder, connection: connection)
        }
    }

    private func move(_ set: String, from mailbox: String, to folder: String, connection: CurlIMAPConnection) throws {
        let target = IMAPResponse.quoted(folder)
        do {
            _ = try connection.command("UID MOVE \(set) \(target)", in: mailbox)
        } catch let error as IMAPError where error.isRefusedCommand {
            // No MOVE extension (RFC 6851): copy, flag \Deleted, and expunge only these UIDs (UIDPLUS).
            // Mail flagged \Deleted already was copied by an earlier try whose expunge failed: not again.
            let pending = IMAPResponse.searchUIDs(try connection.command("UID SEARCH UID \(set) UNDELETED", in: mailbox))
            if !pending.isEmpty {
                let copySet = IMAPResponse.uidSet(pending)
                do {
                    _ = try connection.command("UID COPY \(copySet) \(target)", in: mailbox)
                } catch let copy as IMAPError where copy.isRefusedCommand {
                    throw IMAPError.unexpected("cannot move mail to \"\(folder)\" (does the folder exist?): \(error); \(copy)")
                }
                _ = try connection.command("UID STORE \(copySet) +FLAGS.SILENT (\\Deleted)", in: mailbox)
            }
            _ = try connection.command("UID EXPUNGE \(set)", in: mailbox)
        }
    }
}
