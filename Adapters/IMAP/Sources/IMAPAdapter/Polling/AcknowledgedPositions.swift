import Foundation

/// Per mailbox, the position up to which this process has applied `after_store` (nil: not known here).
///
/// Lets a poll skip re-flagging what `didCommit` just flagged; after a restart or a failed
/// acknowledgement it is nil, and the poll catches up from the position kept in the store.
final class AcknowledgedPositions: @unchecked Sendable {
    private let lock = NSLock()
    private var positions: [String: MailboxCursor] = [:]

    subscript(mailbox: String) -> MailboxCursor? {
        get { lock.withLock { positions[mailbox] } }
        set { lock.withLock { positions[mailbox] = newValue } }
    }
}
