/// A mailbox's committed position: the UIDVALIDITY the UIDs belong to and the last UID stored.
///
/// Kept by the core as the cursor `"<adapter>/<mailbox>"` with the value `"<uidvalidity>:<lastuid>"`,
/// committed in the same transaction as the message it covers.
struct MailboxCursor: Equatable, Sendable {
    var uidValidity: UInt32
    var lastUID: UInt32

    init(uidValidity: UInt32, lastUID: UInt32) {
        self.uidValidity = uidValidity
        self.lastUID = lastUID
    }

    /// Reads `"1795430633:42"`; nil for anything else (treated as no cursor: start from UID 1).
    init?(_ value: String?) {
        guard let value else { return nil }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let validity = UInt32(parts[0]), let last = UInt32(parts[1]) else { return nil }
        self.init(uidValidity: validity, lastUID: last)
    }

    var value: String { "\(uidValidity):\(lastUID)" }

    static func key(adapter: String, mailbox: String) -> String { "\(adapter)/\(mailbox)" }

    /// Where the position up to which `after_store` was applied is kept, apart from the committed one:
    /// a crash between a commit and its flagging leaves the two apart, and the next poll catches up.
    static func acknowledgedKey(adapter: String, mailbox: String) -> String { "acknowledged:\(adapter)/\(mailbox)" }

    /// The last UID already stored under `uidValidity`: 0 when the mailbox was recreated or never read.
    static func lastUID(_ committed: MailboxCursor?, uidValidity: UInt32) -> UInt32 {
        guard let committed, committed.uidValidity == uidValidity else { return 0 }
        return committed.lastUID
    }
}
