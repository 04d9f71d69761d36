import FeedParsing
import Foundation

/// A feed's keyword and exclusion words, matched case-insensitively in an entry's title, content and summary.
struct EntryFilter: Sendable {
    let keywords: [String]
    let exclude: [String]

    init(_ feed: FeedSource) {
        keywords = feed.keywords.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        exclude = feed.exclude.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Whether the entry is a mention: it names a keyword (or there are none) and no excluded word.
    func accepts(_ entry: FeedEntry) -> Bool {
        if keywords.isEmpty && exclude.isEmpty { return true }
        let text = [entry.title, entry.contentText, entry.summaryText].compactMap { $0 }.joined(separator: "\n")
        func contains(_ word: String) -> Bool { text.range(of: word, options: .caseInsensitive) != nil }
        if !keywords.isEmpty, !keywords.contains(where: contains) { return false }
        return !exclude.contains(where: contains)
    }
}
