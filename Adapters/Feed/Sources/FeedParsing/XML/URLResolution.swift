import Foundation

/// Resolves relative references (RFC 3986) against `xml:base` and the feed URL.
enum URLResolution {
    /// `reference` made absolute against `base`; unchanged when there is no base or
    /// the reference is not a valid URI (it is kept as the publisher wrote it).
    static func resolve(_ reference: String, against base: URL?) -> String {
        let trimmed = reference.trimming(.whitespacesAndNewlines)
        guard let base, let url = URL(string: trimmed, relativeTo: base) else { return trimmed }
        return url.absoluteString
    }

    /// The base URL an `xml:base` attribute establishes inside a parent base.
    static func resolveBase(_ declared: String, against parent: URL?) -> URL? {
        let trimmed = declared.trimming(.whitespacesAndNewlines)
        guard let parent else { return URL(string: trimmed) ?? nil }
        return URL(string: trimmed, relativeTo: parent)?.absoluteURL ?? parent
    }
}
