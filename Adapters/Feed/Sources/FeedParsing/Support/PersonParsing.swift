import Foundation

/// Splits the free-form person strings RSS uses into name and email.
///
/// Handles `email (Name)` (the RSS 2.0 form), `Name <email>`, `Name (email)`, a bare
/// email and a bare name, the way feedparser does: find the address, remove it and
/// the brackets around it, and keep what is left as the name.
enum PersonParsing {
    static func person(from raw: String) -> FeedPerson? {
        let text = raw.trimming(.whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        guard let range = emailRange(in: text) else { return FeedPerson(name: text) }
        var email = String(text[range])
        if email.lowercased().hasPrefix("mailto:") { email.removeFirst(7) }
        var rest = text
        rest.removeSubrange(range)
        for empty in ["()", "<>", "[]"] { rest = rest.replacingOccurrences(of: empty, with: "") }
        rest = rest.trimming(.whitespacesAndNewlines)
        if rest.hasPrefix("(") || rest.hasPrefix("<") { rest.removeFirst() }
        if rest.hasSuffix(")") || rest.hasSuffix(">") { rest.removeLast() }
        rest = rest.trimming(.whitespacesAndNewlines)
        return FeedPerson(name: rest.isEmpty ? nil : rest, email: email)
    }

    /// The first `local@domain.tld` token (optionally `mailto:`-prefixed).
    private static func emailRange(in text: String) -> Range<String.Index>? {
        guard let at = text.firstIndex(of: "@") else { return nil }
        let isLocal: (Character) -> Bool = { $0.isLetter || $0.isNumber || "._%+-'".contains($0) }
        let isDomain: (Character) -> Bool = { $0.isLetter || $0.isNumber || ".-[]".contains($0) }
        var start = at
        while start > text.startIndex, isLocal(text[text.index(before: start)]) { start = text.index(before: start) }
        var end = text.index(after: at)
        while end < text.endIndex, isDomain(text[end]) { end = text.index(after: end) }
        while end > text.index(after: at), text[text.index(before: end)] == "." { end = text.index(before: end) }
        let domain = text[text.index(after: at)..<end]
        guard start < at, domain.contains(".") else { return nil }
        let prefix = text[..<start]
        if prefix.lowercased().hasSuffix("mailto:") { start = text.index(start, offsetBy: -7) }
        return start..<end
    }
}
