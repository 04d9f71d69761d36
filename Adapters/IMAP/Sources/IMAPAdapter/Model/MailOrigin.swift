import Foundation
import IntakeCore

/// Where a polled mail came from, carried in its `PolledItem` so that acknowledging it needs no state.
///
/// `sourceID` is `"<uidvalidity>:<uid>:<mailbox>"`; the raw payload's metadata repeats mailbox and UID
/// (and says when only the header was kept) so quarantine retry can work on the stored bytes alone.
struct MailOrigin: Equatable, Sendable {
    var mailbox: String
    var uidValidity: UInt32
    var uid: UInt32

    var sourceID: String { "\(uidValidity):\(uid):\(mailbox)" }

    init(mailbox: String, uidValidity: UInt32, uid: UInt32) {
        self.mailbox = mailbox
        self.uidValidity = uidValidity
        self.uid = uid
    }

    init?(_ item: PolledItem) {
        let parts = item.sourceID.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let validity = UInt32(parts[0]), let uid = UInt32(parts[1]) else { return nil }
        self.init(mailbox: String(parts[2]), uidValidity: validity, uid: uid)
    }
}

/// Keys of the raw payload's metadata.
enum MetadataKey {
    static let mailbox = "mailbox"
    static let uid = "uid"
    static let uidValidity = "uidvalidity"
    /// Whether the mail was `\Seen` when it was fetched (the fetch itself is a PEEK).
    static let wasSeen = "seen_before"
    /// Set to `"headers"` when the mail was over `max_bytes` and only its header was fetched.
    static let truncated = "truncated"
    /// The full size the server reported, for a truncated mail.
    static let size = "size"
}
