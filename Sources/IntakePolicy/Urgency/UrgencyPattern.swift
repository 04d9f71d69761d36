import Foundation

/// A regular expression that makes a message urgent when it matches, case-insensitively.
public struct UrgencyPattern: Sendable {
    /// The pattern as configured, for reasons and messages.
    public let source: String
    // NSRegularExpression rather than Regex: it is immutable and Sendable, so rules can be shared across tasks.
    private let regex: NSRegularExpression

    /// Compiles `source`; throws ``InvalidPattern`` with the reason when it is not a valid regular expression.
    public init(_ source: String) throws(InvalidPattern) {
        self.source = source
        do {
            self.regex = try NSRegularExpression(pattern: source, options: [.caseInsensitive])
        } catch {
            // Foundation says only "the value is invalid"; Swift's own parser says what is wrong.
            var reason = "invalid syntax"
            do { _ = try Regex(source) } catch { reason = "\(error)" }
            throw InvalidPattern(reason: reason)
        }
    }

    /// The first text the pattern matches in `text`.
    public func firstMatch(in text: String) -> String? {
        guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range, in: text)
        else { return nil }
        return String(text[range])
    }

    /// Why a pattern does not compile.
    public struct InvalidPattern: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }
}
