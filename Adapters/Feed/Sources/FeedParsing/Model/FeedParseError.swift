/// Why a document could not be read as a feed.
///
/// A struct over a private enum so new reasons can be added without breaking callers.
public struct FeedParseError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Reason: Sendable, Equatable {
        case notWellFormed(message: String, line: Int, column: Int)
        case dtdRefused(String)
        case unsupportedRoot(String)
        case tooLarge(size: Int, limit: Int)
    }

    private let reason: Reason

    static func notWellFormed(_ message: String, line: Int, column: Int) -> FeedParseError {
        FeedParseError(reason: .notWellFormed(message: message, line: line, column: column))
    }
    static func dtdRefused(_ detail: String) -> FeedParseError { FeedParseError(reason: .dtdRefused(detail)) }
    static func unsupportedRoot(_ name: String) -> FeedParseError { FeedParseError(reason: .unsupportedRoot(name)) }
    static func tooLarge(size: Int, limit: Int) -> FeedParseError { FeedParseError(reason: .tooLarge(size: size, limit: limit)) }

    /// The document is not well-formed XML (or its declared encoding is wrong).
    public var isNotWellFormed: Bool { if case .notWellFormed = reason { true } else { false } }
    /// The document carries DTD declarations, which untrusted feeds are not allowed.
    public var isDTDRefused: Bool { if case .dtdRefused = reason { true } else { false } }
    /// The root element is not `rss`, `rdf:RDF` or an Atom `feed`.
    public var isUnsupportedRoot: Bool { if case .unsupportedRoot = reason { true } else { false } }
    /// The document is larger than the caller's limit.
    public var isTooLarge: Bool { if case .tooLarge = reason { true } else { false } }

    public var description: String {
        switch reason {
        case .notWellFormed(let message, let line, let column):
            "feed is not well-formed XML at line \(line), column \(column): \(message)"
        case .dtdRefused(let detail):
            "feed refused: \(detail) (DTD declarations are not accepted from untrusted feeds)"
        case .unsupportedRoot(let name):
            "document is not a feed: unsupported root element <\(name)>"
        case .tooLarge(let size, let limit):
            "feed is too large: \(size) bytes, limit \(limit) bytes"
        }
    }
}
