/// Why a mail looks machine-sent, so intake does not answer it (and start a mail loop).
public enum AutoResponseKind: String, Sendable, Hashable, CaseIterable {
    /// Vacation or other automatic reply (Auto-Submitted, X-Autoreply, read receipts).
    case autoReply
    /// Delivery status notification (multipart/report delivery-status, mailer-daemon with `<>`).
    case bounce
    /// Our own mail coming back (X-Loop names one of our addresses).
    case loop
    /// Mass mail (Precedence: bulk, junk or list).
    case bulk
}
