/// A forgiving HTML tokenizer for mail bodies: tags drive the writer's breaks, text and
/// entities go through; script, style and similar raw-text elements are dropped whole.
struct HTMLScanner {
    private let input: [Unicode.Scalar]
    private var position = 0
    private var listCounters: [Int?] = []  // nil for <ul>, the next number for <ol>

    init(_ input: [Unicode.Scalar]) { self.input = input }

    private static let droppedElements: Set<String> = ["script", "style", "title", "noscript", "template", "xml"]
    private static let paragraphElements: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "pre", "dl", "figure", "address",
    ]
    private static let blockElements: Set<String> = [
        "div", "tr", "section", "article", "header", "footer", "nav", "aside", "main", "center",
        "form", "fieldset", "dt", "dd", "hr", "tbody", "thead", "tfoot", "caption", "body", "html",
    ]

    mutating func run(into writer: inout PlainTextWriter) {
        while position < input.count {
            let scalar = input[position]
            if scalar == "<" {
                if !readMarkup(into: &writer) {
                    writer.text(scalar)
                    position += 1
                }
            } else if scalar == "&" {
                writer.text(readEntity())
            } else {
                writer.text(scalar)
                position += 1
            }
        }
    }

    /// Reads `<...>` at `position`; false when it is not markup (a lone `<` in text).
    private mutating func readMarkup(into writer: inout PlainTextWriter) -> Bool {
        if matches("<!--", at: position) {
            position = find("-->", from: position + 4).map { $0 + 3 } ?? input.count
            return true
        }
        let next = position + 1 < input.count ? input[position + 1] : " "
        if next == "!" || next == "?" {
            position = find(">", from: position).map { $0 + 1 } ?? input.count
            return true
        }
        let closing = next == "/"
        var cursor = position + (closing ? 2 : 1)
        guard cursor < input.count, input[cursor].properties.isAlphabetic else { return false }
        var name = ""
        while cursor < input.count, input[cursor].properties.isAlphabetic || ("0"..."9").contains(input[cursor])
                || input[cursor] == "-" || input[cursor] == ":" {
            name.unicodeScalars.append(input[cursor])
            cursor += 1
        }
        name = name.lowercased()
        // Skip attributes, honouring quotes so `>` inside a value does not end the tag.
        var quote: Unicode.Scalar?
        while cursor < input.count {
            let scalar = input[cursor]
            if let open = quote {
                if scalar == open { quote = nil }
            } else if scalar == "\"" || scalar == "'" {
                quote = scalar
            } else if scalar == ">" {
                break
            }
            cursor += 1
        }
        position = min(cursor + 1, input.count)
        if !closing, Self.droppedElements.contains(name) {
            // Raw text up to the closing tag; without one, only the tag itself is dropped.
            if let end = findClosingTag(name, from: position) { position = end }
            return true
        }
        apply(name, closing: closing, to: &writer)
        return true
    }

    private mutating func apply(_ name: String, closing: Bool, to writer: inout PlainTextWriter) {
        switch name {
        case "br":
            writer.lineBreak()
        case "li":
            writer.blockBreak()
            guard !closing else { return }
            let indent = String(repeating: "  ", count: max(listCounters.count - 1, 0))
            if let number = listCounters.last ?? nil {
                listCounters[listCounters.count - 1] = number + 1
                writer.text("\(indent)\(number). ")
            } else {
                writer.text("\(indent)- ")
            }
        case "ul", "ol":
            if closing {
                if !listCounters.isEmpty { listCounters.removeLast() }
                if listCounters.isEmpty { writer.paragraphBreak() } else { writer.blockBreak() }
            } else {
                if listCounters.isEmpty { writer.paragraphBreak() } else { writer.blockBreak() }
                listCounters.append(name == "ol" ? 1 : nil)
            }
        case "blockquote":
            writer.paragraphBreak()
            writer.quoteDepth = max(writer.quoteDepth + (closing ? -1 : 1), 0)
        case "pre":
            writer.paragraphBreak()
            writer.preDepth = max(writer.preDepth + (closing ? -1 : 1), 0)
        case "td", "th":
            if !closing { writer.text(" ") }
        default:
            if Self.paragraphElements.contains(name) {
                writer.paragraphBreak()
            } else if Self.blockElements.contains(name) {
                writer.blockBreak()
            }
        }
    }

    /// Decodes `&name;`, `&#123;` or `&#x7B;` at `position`; a bare `&` stays as it is.
    private mutating func readEntity() -> String {
        var cursor = position + 1
        var name = ""
        while cursor < input.count, name.unicodeScalars.count < 32,
              input[cursor].properties.isAlphabetic || ("0"..."9").contains(input[cursor]) || input[cursor] == "#" {
            name.unicodeScalars.append(input[cursor])
            cursor += 1
        }
        let terminated = cursor < input.count && input[cursor] == ";"
        var value: UInt32?
        if name.hasPrefix("#x") || name.hasPrefix("#X") {
            value = UInt32(name.dropFirst(2), radix: 16)
        } else if name.hasPrefix("#") {
            value = UInt32(name.dropFirst(), radix: 10)
        } else if terminated || HTMLEntities.legacyWithoutSemicolon.contains(name) {
            value = HTMLEntities.named[name]
        }
        guard let value, !name.isEmpty else {
            position += 1
            return "&"
        }
        position = terminated ? cursor + 1 : cursor
        guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
        return String(scalar)
    }

    private func matches(_ literal: String, at index: Int) -> Bool {
        var cursor = index
        for scalar in literal.unicodeScalars {
            guard cursor < input.count, input[cursor] == scalar else { return false }
            cursor += 1
        }
        return true
    }

    private func find(_ literal: String, from index: Int) -> Int? {
        guard let first = literal.unicodeScalars.first else { return nil }
        var cursor = index
        while cursor < input.count {
            if input[cursor] == first, matches(literal, at: cursor) { return cursor }
            cursor += 1
        }
        return nil
    }

    /// Position just after `</name ...>` (case-insensitive), or nil.
    private func findClosingTag(_ name: String, from index: Int) -> Int? {
        var cursor = index
        while let open = find("</", from: cursor) {
            var end = open + 2
            var candidate = ""
            while end < input.count, candidate.unicodeScalars.count <= name.unicodeScalars.count,
                  input[end].properties.isAlphabetic || ("0"..."9").contains(input[end]) {
                candidate.unicodeScalars.append(input[end])
                end += 1
            }
            if candidate.lowercased() == name {
                return find(">", from: end).map { $0 + 1 } ?? input.count
            }
            cursor = open + 2
        }
        return nil
    }
}
