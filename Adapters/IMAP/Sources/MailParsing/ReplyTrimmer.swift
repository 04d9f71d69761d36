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
        // Split as UTF-8 (no grapheme breaking): line ends are plain LF after normalizing.
        let lines = TextDecoding.normalizeLineEnds(text).utf8
            .split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
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

    /// Index of the first line from which everything is history or signature. Each line is trimmed
    /// and lower-cased once (this runs over every line of every mail).
    static func firstCutLine(_ lines: [String]) -> Int? {
        for (index, raw) in lines.enumerated() {
            if raw == "-- " || raw == "--" { return index }
            // Every rule needs one of these first letters (`sent from`, `---`, `on `, `from:`, `____`...).
            guard let first = raw.utf8.first(where: { $0 != 32 && $0 != 9 }), mayStartCut(first) else { continue }
            let line = raw.trimmingWhitespace
            guard !line.isEmpty else { continue }
            let lower = line.lowercased()
            if isSignOff(lower: lower) || isOriginalMessageRule(lower: lower) { return index }
            let starts = startsAttribution(lower: lower)
            if starts && endsAttribution(lower: lower) { return index }
            // An attribution wrapped by the sender's client: "On <date>, Name <" / "addr> wrote:".
            if starts, index + 1 < lines.count, endsAttribution(lower: lower + " " + lines[index + 1].trimmingWhitespace.lowercased()),
               line.count + lines[index + 1].count < 200 {
                return index
            }
            if isUnderscoreRule(line), index + 1 < lines.count,
               lines[index + 1].trimmingWhitespace.lowercased().hasPrefix("from:") {
                return index
            }
            if lower.hasPrefix("from:"), hasOutlookHeaderBelow(lines, from: index),
               !followsForwardMarker(lines, at: index) {
                return index
            }
        }
        return nil
    }

    /// Whether a line starting with this byte can start a cut (ASCII letters either case; any non-ASCII
    /// byte, as `envoyé` or a non-breaking space, is looked at fully).
    private static func mayStartCut(_ byte: UInt8) -> Bool {
        if byte >= 0x80 { return true }
        switch byte | 0x20 {  // ASCII lower case
        case UInt8(ascii: "s"), UInt8(ascii: "g"), UInt8(ascii: "v"), UInt8(ascii: "e"), UInt8(ascii: "o"), UInt8(ascii: "a"),
             UInt8(ascii: "l"), UInt8(ascii: "f"):
            return true
        default:
            return byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    private static let attributionStarts = ["on ", "am ", "le ", "el ", "op "]
    private static let attributionEnds = ["wrote:", "schrieb:", "a écrit :", "a écrit:", "escribió:", "geschreven:", "schreef:"]
    private static let signOffs = [
        "sent from my ", "sent from outlook", "sent from mail for windows", "sent from yahoo mail",
        "sent from samsung", "get outlook for ios", "get outlook for android", "von meinem iphone gesendet",
        "envoyé de mon iphone", "enviado desde mi iphone",
    ]

    private static func startsAttribution(lower: String) -> Bool {
        lower.count < 200 && attributionStarts.contains { lower.hasPrefix($0) }
    }

    private static func endsAttribution(lower: String) -> Bool {
        attributionEnds.contains { lower.hasSuffix($0) }
    }

    static func isAttribution(_ line: String) -> Bool {
        let lower = line.lowercased()
        return startsAttribution(lower: lower) && endsAttribution(lower: lower)
    }

    static func isSignOff(_ line: String) -> Bool { isSignOff(lower: line.lowercased()) }

    private static func isSignOff(lower: String) -> Bool {
        lower.count < 80 && signOffs.contains { lower.hasPrefix($0) }
    }

    private static func isOriginalMessageRule(lower: String) -> Bool {
        guard lower.hasPrefix("---") else { return false }
        let core = lower.trimmingCharacters(in: "- ")
        return core == "original message" || core == "ursprüngliche nachricht" || core == "message d'origine" || core == "mensaje original"
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
