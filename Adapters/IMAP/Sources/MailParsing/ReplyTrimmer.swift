/// Cuts a reply down to what the sender newly wrote: no quoted history, no signature.
///
/// Rules, applied line by line:
/// - lines starting with `>` are dropped wherever they are (interleaved answers survive);
/// - everything from the first of these is dropped: an attribution (`On ... wrote:`, also
///   wrapped over two lines, and the German/French/Spanish/Dutch forms), an Outlook header block
///   (`-----Original Message-----`, a `____` rule, or `From:` followed by `Sent:`/`Date:`), the
///   signature separator `-- `, and a mobile sign-off (`Sent from my iPhone`, `Get Outlook for iOS`).
/// If nothing is left, the whole text is kept: a case must never lose its only content.
public enum ReplyTrimmer {
    /// `text` without quoted replies and signature; trimmed, at most one blank line in a row.
    public static func newText(of text: String) -> String {
        let lines = TextDecoding.normalizeLineEnds(text)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        let cut = firstCutLine(lines) ?? lines.count
        var kept: [String] = []
        for line in lines[..<cut] where !isQuoted(line) {
            kept.append(line)
        }
        let result = collapseBlankLines(kept).trimmingWhitespace
        return result.isEmpty ? collapseBlankLines(lines).trimmingWhitespace : result
    }

    static func isQuoted(_ line: String) -> Bool {
        line.drop(while: { $0 == " " || $0 == "\t" }).first == ">"
    }

    /// Index of the first line from which everything is history or signature.
    static func firstCutLine(_ lines: [String]) -> Int? {
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingWhitespace
            if raw == "-- " || raw == "--" { return index }
            if isSignOff(line) || isOriginalMessageRule(line) { return index }
            if isAttribution(line) { return index }
            // An attribution wrapped by the sender's client: "On <date>, Name <" / "addr> wrote:".
            if index + 1 < lines.count, startsAttribution(line),
               isAttribution(line + " " + lines[index + 1].trimmingWhitespace) {
                return index
            }
            if isUnderscoreRule(line), index + 1 < lines.count,
               lines[index + 1].trimmingWhitespace.lowercased().hasPrefix("from:") {
                return index
            }
            if line.lowercased().hasPrefix("from:"), hasOutlookHeaderBelow(lines, from: index),
               !followsForwardMarker(lines, at: index) {
                return index
            }
        }
        return nil
    }

    private static let attributionStarts = ["on ", "am ", "le ", "el ", "op "]
    private static let attributionEnds = ["wrote:", "schrieb:", "a écrit :", "a écrit:", "escribió:", "geschreven:", "schreef:"]

    private static func startsAttribution(_ line: String) -> Bool {
        let lower = line.lowercased()
        return attributionStarts.contains { lower.hasPrefix($0) } && line.count < 200
    }

    static func isAttribution(_ line: String) -> Bool {
        guard startsAttribution(line) else { return false }
        let lower = line.lowercased()
        return attributionEnds.contains { lower.hasSuffix($0) }
    }

    static func isSignOff(_ line: String) -> Bool {
        let lower = line.lowercased()
        let prefixes = [
            "sent from my ", "sent from outlook", "sent from mail for windows", "sent from yahoo mail",
            "sent from samsung", "get outlook for ios", "get outlook for android", "von meinem iphone gesendet",
            "envoyé de mon iphone", "enviado desde mi iphone",
        ]
        return lower.count < 80 && prefixes.contains { lower.hasPrefix($0) }
    }

    private static func isOriginalMessageRule(_ line: String) -> Bool {
        let lower = line.lowercased()
        let core = lower.trimmingCharacters(in: "- ")
        return lower.hasPrefix("---") && (core == "original message" || core == "ursprüngliche nachricht"
            || core == "message d'origine" || core == "mensaje original")
    }

    private static func isUnderscoreRule(_ line: String) -> Bool {
        line.count >= 10 && line.allSatisfy { $0 == "_" }
    }

    /// `From:` opens an Outlook block when `Sent:` or `Date:` follows within the next four lines.
    private static func hasOutlookHeaderBelow(_ lines: [String], from index: Int) -> Bool {
        for next in lines.dropFirst(index + 1).prefix(4) {
            let lower = next.trimmingWhitespace.lowercased()
            if lower.hasPrefix("sent:") || lower.hasPrefix("date:") || lower.hasPrefix("gesendet:") { return true }
        }
        return false
    }

    /// A forwarded mail's header block is content the sender chose to send, not history.
    private static func followsForwardMarker(_ lines: [String], at index: Int) -> Bool {
        guard let previous = lines[..<index].last(where: { !$0.trimmingWhitespace.isEmpty }) else { return false }
        let lower = previous.lowercased()
        return lower.contains("forwarded message") || lower.contains("weitergeleitete nachricht")
    }

    private static func collapseBlankLines(_ lines: [String]) -> String {
        var out: [String] = []
        for line in lines {
            let blank = line.trimmingWhitespace.isEmpty
            if blank && (out.last.map { $0.isEmpty } ?? true) { continue }
            out.append(blank ? "" : line)
        }
        return out.joined(separator: "\n")
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var slice = Substring(self)
        while let first = slice.first, chars.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, chars.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
