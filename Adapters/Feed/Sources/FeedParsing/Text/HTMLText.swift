/// Converts an HTML fragment, as feeds carry it, into readable plain text.
///
/// Tags are dropped (block elements become line or paragraph breaks), comments,
/// `script` and `style` bodies vanish, character references are decoded, and
/// whitespace (including no-break spaces) is collapsed outside `pre`. This is not a sanitizer for rendering
/// HTML: its output is text and must be escaped again before it is put in a page.
///
/// The work happens on the UTF-8 bytes of the fragment (`HTMLScanner`, `TextAccumulator`):
/// markup is ASCII, so only non-ASCII text needs decoding into scalars.
enum HTMLText {
    static func plainText(fromHTML html: String) -> String {
        var html = html
        return html.withUTF8 { bytes in
            var scanner = HTMLScanner(bytes)
            var output = TextAccumulator(capacity: bytes.count)
            scanner.run(into: &output)
            return output.finish().trimmedWhitespace
        }
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

    /// What an element does to the text around it.
    enum ElementKind {
        case invisible, paragraph, line
        /// `td`, `th`, `img`: a space.
        case cell
    }

    /// The three sets above and the cell elements, as one lookup by local name.
    static let elementKinds: [String: ElementKind] = {
        var kinds: [String: ElementKind] = ["td": .cell, "th": .cell, "img": .cell]
        for name in invisibleElements { kinds[name] = .invisible }
        for name in paragraphElements { kinds[name] = .paragraph }
        for name in lineElements { kinds[name] = .line }
        return kinds
    }()
}
