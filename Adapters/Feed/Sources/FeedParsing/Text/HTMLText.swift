/// Converts an HTML fragment, as feeds carry it, into readable plain text.
///
/// Tags are dropped (block elements become line or paragraph breaks), comments,
/// `script` and `style` bodies vanish, character references are decoded, and
/// whitespace (including no-break spaces) is collapsed outside `pre`. This is not a sanitizer for rendering
/// HTML: its output is text and must be escaped again before it is put in a page.
enum HTMLText {
    static func plainText(fromHTML html: String) -> String {
        var scanner = HTMLScanner(html)
        var output = TextAccumulator()
        scanner.run(into: &output)
        return output.finish().trimmedWhitespace
    }

    /// Elements after or before which a paragraph break (blank line) belongs.
    static let paragraphElements: Set<String> = [
        "p", "div", "blockquote", "pre", "ul", "ol", "dl", "table", "h1", "h2", "h3", "h4", "h5", "h6",
        "section", "article", "header", "footer", "aside", "nav", "figure", "address", "hr", "form",
        "fieldset", "main", "details",
    ]

    /// Elements that start a new line.
    static let lineElements: Set<String> = ["br", "li", "tr", "dt", "dd", "caption", "figcaption", "summary"]

    /// Elements whose content is not text for a reader.
    static let invisibleElements: Set<String> = ["script", "style", "head", "title", "template", "noscript"]
}

/// Builds plain text, collapsing whitespace and keeping at most one blank line.
struct TextAccumulator {
    private var text = String.UnicodeScalarView()
    private var pendingSpace = false
    private var pendingBreaks = 0

    mutating func appendText(_ piece: some Sequence<Unicode.Scalar>, preformatted: Bool) {
        for character in piece {
            if preformatted {
                if character == "\n" || character == "\r" { lineBreak() } else { appendVisible(character) }
            } else if character.isFeedWhitespace {
                pendingSpace = true
            } else {
                appendVisible(character)
            }
        }
    }

    mutating func lineBreak() { pendingBreaks = max(pendingBreaks, 1) }
    mutating func paragraphBreak() { pendingBreaks = 2 }

    private mutating func appendVisible(_ character: Unicode.Scalar) {
        if !text.isEmpty {
            if pendingBreaks > 0 {
                while text.last == " " { text.removeLast() }
                text.append("\n")
                if pendingBreaks > 1 { text.append("\n") }
            } else if pendingSpace {
                text.append(" ")
            }
        }
        pendingBreaks = 0
        pendingSpace = false
        text.append(character)
    }

    func finish() -> String { String(text) }
}

/// A single forward pass over HTML source.
private struct HTMLScanner {
    private let source: [Unicode.Scalar]
    private var index = 0
    private var preformattedDepth = 0

    init(_ html: String) { source = Array(html.unicodeScalars) }

    mutating func run(into output: inout TextAccumulator) {
        var textStart = index
        func flushText(upTo end: Int, into output: inout TextAccumulator) {
            if textStart < end { output.appendText(source[textStart..<end], preformatted: preformattedDepth > 0) }
        }
        while index < source.count {
            let character = source[index]
            if character == "<", let tagEnd = markupEnd(at: index) {
                flushText(upTo: index, into: &output)
                handleMarkup(from: index, to: tagEnd, into: &output)
                textStart = index
            } else if character == "&", let (decoded, end) = reference(at: index) {
                flushText(upTo: index, into: &output)
                output.appendText(decoded.unicodeScalars, preformatted: preformattedDepth > 0)
                index = end
                textStart = index
            } else {
                index += 1
            }
        }
        flushText(upTo: index, into: &output)
    }

    /// Where the markup starting at `start` ends (exclusive), or `nil` when the `<`
    /// is plain text (`1 < 2`, or an unterminated tag).
    private func markupEnd(at start: Int) -> Int? {
        guard start + 1 < source.count else { return nil }
        let next = source[start + 1]
        if matches("<!--", at: start) { return end(of: "-->", from: start + 4) ?? source.count }
        if matches("<![CDATA[", at: start) { return end(of: "]]>", from: start + 9) }
        // "<!DOCTYPE ...>" and "<?pi ...?>" are markup; "<!'" and the like are text.
        if next == "?" || (next == "!" && start + 2 < source.count && isLetter(source[start + 2])) {
            return end(of: ">", from: start + 2)
        }
        let nameStart = next == "/" ? start + 2 : start + 1
        guard nameStart < source.count, isLetter(source[nameStart]) else { return nil }
        var position = nameStart
        var quote: Unicode.Scalar?
        var previous: Unicode.Scalar = " "  // last non-space character outside quotes
        while position < source.count {
            let character = source[position]
            if let open = quote {
                if character == open { quote = nil }
            } else if (character == "\"" || character == "'") && previous == "=" {
                // Only a quote that opens an attribute value quotes; a stray one
                // (href=http://x/") is part of an unquoted value.
                quote = character
            } else if character == ">" {
                return position + 1
            }
            if quote == nil, !character.isFeedWhitespace { previous = character }
            position += 1
        }
        return nil
    }

    private mutating func handleMarkup(from start: Int, to end: Int, into output: inout TextAccumulator) {
        index = end
        if matches("<![CDATA[", at: start) {
            output.appendText(source[(start + 9)..<max(start + 9, end - 3)], preformatted: preformattedDepth > 0)
            return
        }
        let isClosing = source[start + 1] == "/"
        guard isClosing || isLetter(source[start + 1]) else { return }  // comment, doctype, PI
        var nameEnd = start + (isClosing ? 2 : 1)
        while nameEnd < end, isLetter(source[nameEnd]) || isDigit(source[nameEnd]) || source[nameEnd] == ":" || source[nameEnd] == "-" {
            nameEnd += 1
        }
        let name = String(String.UnicodeScalarView(source[(start + (isClosing ? 2 : 1))..<nameEnd])).lowercased()
        let localName = name.split(separator: ":").last.map(String.init) ?? name
        if !isClosing, HTMLText.invisibleElements.contains(localName) {
            let selfClosing = end >= 2 && source[end - 2] == "/"
            if !selfClosing { skipElementBody(named: name) }
            return
        }
        if localName == "pre" {
            preformattedDepth = max(0, preformattedDepth + (isClosing ? -1 : 1))
        }
        if HTMLText.paragraphElements.contains(localName) {
            output.paragraphBreak()
        } else if HTMLText.lineElements.contains(localName) {
            output.lineBreak()
        } else if localName == "td" || localName == "th" || localName == "img" {
            output.appendText(" ".unicodeScalars, preformatted: false)
        }
    }

    /// Moves past the matching end tag of a `script`/`style`-like element.
    private mutating func skipElementBody(named name: String) {
        let closing = "</" + name
        while index < source.count {
            if source[index] == "<", matches(closing, at: index) {
                index = end(of: ">", from: index + closing.count) ?? source.count
                return
            }
            index += 1
        }
    }

    /// Decodes `&name;`, `&#NN;` or `&#xHH;` at `start`; `nil` leaves the `&` as text.
    private func reference(at start: Int) -> (String, Int)? {
        var position = start + 1
        while position < source.count, position - start <= 32, source[position] != ";" {
            let character = source[position]
            guard isLetter(character) || isDigit(character) || character == "#" else { return nil }
            position += 1
        }
        guard position < source.count, source[position] == ";", position > start + 1 else { return nil }
        let body = Substring(String(String.UnicodeScalarView(source[(start + 1)..<position])))
        let decoded = body.first == "#" ? HTMLEntities.character(numeric: body) : HTMLEntities.character(named: String(body))
        return decoded.map { ($0, position + 1) }
    }

    private func matches(_ literal: String, at position: Int) -> Bool {
        var offset = position
        for character in literal.unicodeScalars {
            guard offset < source.count, source[offset] == character || lowercased(source[offset]) == lowercased(character) else { return false }
            offset += 1
        }
        return true
    }

    private func end(of terminator: String, from position: Int) -> Int? {
        let pattern = Array(terminator.unicodeScalars)
        var offset = position
        search: while offset + pattern.count <= source.count {
            for (shift, character) in pattern.enumerated() where source[offset + shift] != character {
                offset += 1
                continue search
            }
            return offset + pattern.count
        }
        return nil
    }

    private func isLetter(_ scalar: Unicode.Scalar) -> Bool { scalar.isFeedLetter }
    private func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
    private func lowercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
    }
}
