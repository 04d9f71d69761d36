/// Turns an HTML mail body into readable plain text.
///
/// Tags, scripts and styles go; entities are decoded; paragraphs, line breaks and list items
/// stay; blockquote lines get a `> ` prefix so `ReplyTrimmer` can cut them like plain quotes.
public enum HTMLText {
    public static func plainText(fromHTML html: String) -> String {
        var scanner = HTMLScanner(Array(html.unicodeScalars))
        var writer = PlainTextWriter()
        scanner.run(into: &writer)
        return writer.finish()
    }
}

/// Builds the plain text: collapses whitespace, manages line and paragraph breaks.
struct PlainTextWriter {
    private var lines: [String] = []
    private var current = String.UnicodeScalarView()
    private var currentHasText = false
    private var pendingSpace = false
    var quoteDepth = 0
    var preDepth = 0

    mutating func text(_ scalar: Unicode.Scalar) {
        if preDepth > 0 {
            if scalar == "\n" { endLine(); return }
            if scalar == "\r" { return }
            startTextIfNeeded()
            current.append(scalar)
            return
        }
        if scalar.properties.isWhitespace && scalar != "\u{A0}" {
            pendingSpace = currentHasText
            return
        }
        startTextIfNeeded()
        if pendingSpace { current.append(" ") }
        pendingSpace = false
        current.append(scalar == "\u{A0}" ? " " : scalar)
    }

    mutating func text(_ string: String) {
        for scalar in string.unicodeScalars { text(scalar) }
    }

    /// Ends the current line (a `<br>`): an empty line stays when nothing was written.
    mutating func lineBreak() {
        endLine()
    }

    /// Makes sure the next text starts on a fresh line, without adding empty lines.
    mutating func blockBreak() {
        if currentHasText { endLine() }
    }

    /// Makes sure one empty line separates what follows from what came before.
    mutating func paragraphBreak() {
        blockBreak()
        if let last = lines.last, !isBlank(last) { lines.append(quotePrefix.trimmingWhitespace) }
    }

    private var quotePrefix: String { String(repeating: "> ", count: quoteDepth) }

    private func isBlank(_ line: String) -> Bool {
        line.allSatisfy { $0 == ">" || $0 == " " }
    }

    private mutating func startTextIfNeeded() {
        if !currentHasText {
            current = String.UnicodeScalarView(quotePrefix.unicodeScalars)
            currentHasText = true
        }
    }

    private mutating func endLine() {
        lines.append(currentHasText ? String(current) : quotePrefix.trimmingWhitespace)
        current = String.UnicodeScalarView()
        currentHasText = false
        pendingSpace = false
    }

    mutating func finish() -> String {
        blockBreak()
        var out: [String] = []
        for line in lines {
            let trimmed = String(line.reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
            if isBlank(trimmed), let last = out.last, isBlank(last) { continue }
            out.append(trimmed)
        }
        while let last = out.last, isBlank(last) { out.removeLast() }
        while let first = out.first, isBlank(first) { out.removeFirst() }
        return out.joined(separator: "\n").trimmingWhitespace
    }
}
