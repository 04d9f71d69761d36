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
        for empty in ["()", "<>", "[]"] { rest = removingAll(empty, from: rest) }
        rest = rest.trimming(.whitespacesAndNewlines)
        if rest.hasPrefix("(") || rest.hasPrefix("<") { rest.removeFirst() }
        if rest.hasSuffix(")") || rest.hasSuffix(">") { rest.removeLast() }
        rest = rest.trimming(.whitespacesAndNewlines)
        return FeedPerson(name: rest.isEmpty ? nil : rest, email: email)
    }

    /// The first `local@domain.tld` token (optionally `mailto:`-prefixed).
    private static func emailRange(in text: String) -> Range<String.Index>? {
        guard let at = text.firstIndex(of: "@") else { return nil }
        let isLocal: (Character) -> Bool = {
            switch $0 {
            case ".", "_", "%", "+", "-", "'": true
            default: $0.isLetter || $0.isNumber
            }
        }
        let isDomain: (Character) -> Bool = {
            switch $0 {
            case ".", "-", "[", "]": true
            default: $0.isLetter || $0.isNumber
            }
        }
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

    /// `text.replacingOccurrences(of: pattern, with: "")`; ASCII text is done on its bytes
    /// (the same left-to-right, non-overlapping removal) instead of through NSString.
    private static func removingAll(_ pattern: String, from text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return text.replacingOccurrences(of: pattern, with: "") }
        let needle = Array(pattern.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if index + needle.count <= bytes.count, bytes[index..<(index + needle.count)].elementsEqual(needle) {
                index += needle.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result.count == bytes.count ? text : String(decoding: result, as: UTF8.self)
    }
}
