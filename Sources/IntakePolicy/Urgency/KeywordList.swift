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
        let words = Self.asciiLowercasedWords(of: text) ?? Self.words(of: text.lowercased())
        return zip(keywords, tokenized).compactMap { keyword, tokens in
            Self.contains(words, run: tokens) ? keyword : nil
        }
    }

    /// Whether `keyword` has at least one word to match (an all-punctuation keyword never matches).
    public static func isMatchable(_ keyword: String) -> Bool { !words(of: keyword).isEmpty }

    private static func words(of text: String) -> [Substring] {
        text.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
    }

    /// `words(of: text.lowercased())` for a text that is all ASCII, read a byte at a time (splitting on
    /// `Character` properties was most of the urgency rules' time); nil for any other text.
    static func asciiLowercasedWords(of text: String) -> [Substring]? {
        var text = text
        return text.withUTF8 { bytes -> [Substring]? in
            var words: [Substring] = []
            var word: [UInt8] = []
            for byte in bytes {
                switch byte {
                case 0x80...: return nil
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): word.append(byte | 0x20)
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): word.append(byte)
                default:
                    guard !word.isEmpty else { continue }
                    words.append(Substring(decoding: word, as: UTF8.self))
                    word.removeAll(keepingCapacity: true)
                }
            }
            if !word.isEmpty { words.append(Substring(decoding: word, as: UTF8.self)) }
            return words
        }
    }

    private static func contains(_ words: [Substring], run: [Substring]) -> Bool {
        guard !run.isEmpty, words.count >= run.count else { return false }
        for start in 0...(words.count - run.count) where words[start] == run[0] {
            if words[start..<(start + run.count)].elementsEqual(run) { return true }
        }
        return false
    }
}
