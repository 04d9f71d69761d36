/// Keywords matched as whole words, case-insensitively: `cancel` finds "Cancel!" but not "cancelled".
///
/// A keyword of several words (`third time`) matches those words in a row, whatever spacing or
/// punctuation stands between them. Words are runs of letters and digits, so `can't` is `can` `t`
/// in both the keyword and the text, and still matches.
public struct KeywordList: Sendable, Equatable {
    /// The keywords as configured, in order: reasons quote them as written.
    public let keywords: [String]
    private let tokenized: [[Substring]]

    public init(_ keywords: [String]) {
        self.keywords = keywords
        self.tokenized = keywords.map { Self.words(of: $0.lowercased()) }
    }

    /// The configured keywords found in `text`, in configuration order, each once.
    public func matches(in text: String) -> [String] {
        let words = Self.words(of: text.lowercased())
        return zip(keywords, tokenized).compactMap { keyword, tokens in
            Self.contains(words, run: tokens) ? keyword : nil
        }
    }

    /// Whether `keyword` has at least one word to match (an all-punctuation keyword never matches).
    public static func isMatchable(_ keyword: String) -> Bool { !words(of: keyword).isEmpty }

    private static func words(of text: String) -> [Substring] {
        text.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
    }

    private static func contains(_ words: [Substring], run: [Substring]) -> Bool {
        guard !run.isEmpty, words.count >= run.count else { return false }
        for start in 0...(words.count - run.count) where words[start] == run[0] {
            if words[start..<(start + run.count)].elementsEqual(run) { return true }
        }
        return false
    }
}
