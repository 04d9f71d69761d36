/// Why a raw mail could not be decoded; the caller should quarantine the raw bytes.
public struct MailDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Reason: Hashable, Sendable {
        case empty
        case noHeaders(byteCount: Int)
    }

    private let reason: Reason

    private init(_ reason: Reason) { self.reason = reason }

    /// The input had no bytes at all.
    public static let empty = MailDecodeError(.empty)

    /// The input did not start with a header block GMime could parse.
    public static func noHeaders(byteCount: Int) -> MailDecodeError {
        MailDecodeError(.noHeaders(byteCount: byteCount))
    }

    /// True when the input was empty.
    public var isEmptyInput: Bool { reason == .empty }

    public var description: String {
        switch reason {
        case .empty:
            return "mail is empty (0 bytes); nothing to decode"
        case .noHeaders(let count):
            return "mail has no parsable header block (\(count) bytes); quarantine the raw bytes"
        }
    }
}
