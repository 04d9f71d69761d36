import Foundation

/// How a feed element's character data is to be read.
enum TextKind: Sendable, Equatable {
    /// Plain text: taken as is.
    case text
    /// Escaped HTML: converted to readable text.
    case html
    /// Inline XHTML (or other inline XML) children: serialized, then converted to text.
    case inlineMarkup
    /// Base64 of the given kind of text.
    indirect case base64(TextKind)
    /// Content that is not text (an out-of-line `src`, binary media).
    case none
}

/// Reads the text of a feed element according to its declared kind.
enum TextConstruct {
    /// Plain text of `element`, trimmed; `nil` when empty.
    static func plainText(of element: FeedXMLElement, as kind: TextKind) -> String? {
        let text: String
        switch kind {
        case .none:
            return nil
        case .text:
            text = element.deepText
        case .html:
            text = HTMLText.plainText(fromHTML: element.deepText)
        case .inlineMarkup:
            if !element.hasElements {
                // Declared inline but holding only character data: it is text.
                text = element.directText
            } else {
                // Atom wraps XHTML in one xhtml:div that is not part of the content.
                let children = element.elements
                let isWrapped = children.count == 1 && children[0].is("div", in: Namespace.xhtmlSet)
                let container = isWrapped ? children[0] : element
                text = HTMLText.plainText(fromHTML: XHTMLSerializer.html(ofChildrenOf: container))
            }
        case .base64(let inner):
            let encoded = element.deepText.filter { !$0.isWhitespace }
            guard let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters),
                  let decoded = String(data: data, encoding: .utf8) else { return nil }
            text = inner == .html ? HTMLText.plainText(fromHTML: decoded) : decoded
        }
        let trimmed = text.trimmedWhitespace
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Atom 1.0 `type` attribute (RFC 4287 section 3.1.1 and 4.1.3).
    static func atom10Kind(of element: FeedXMLElement) -> TextKind {
        if element.attribute("src") != nil { return .none }
        let type = (element.attribute("type") ?? "text").trimming(.whitespaces).lowercased()
        switch type {
        case "", "text", "text/plain": return .text
        case "html", "text/html": return .html
        case "xhtml", "application/xhtml+xml": return .inlineMarkup
        default:
            if type.hasSuffix("+xml") || type.hasSuffix("/xml") { return .inlineMarkup }
            if type.hasPrefix("text/") { return .text }
            return .base64(.text)
        }
    }

    /// Atom 0.3 `type` (a MIME type, default text/plain) and `mode` (xml, escaped, base64).
    static func atom03Kind(of element: FeedXMLElement) -> TextKind {
        let type = (element.attribute("type") ?? "text/plain").lowercased()
        let isHTML = type.contains("html")
        switch (element.attribute("mode") ?? "xml").lowercased() {
        case "base64": return .base64(isHTML ? .html : .text)
        case "escaped": return isHTML ? .html : .text
        default:
            if element.hasElements { return .inlineMarkup }
            return type == "text/html" ? .html : .text
        }
    }

    /// RSS titles are plain text unless they look like escaped HTML (a closing tag or
    /// a character reference), the heuristic feedparser uses.
    static func rssTitleKind(of element: FeedXMLElement) -> TextKind {
        looksLikeHTML(element.deepText) ? .html : .text
    }

    static func looksLikeHTML(_ text: String) -> Bool {
        var text = text
        if let ascii = text.withUTF8(asciiLooksLikeHTML) { return ascii }
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            if character == "<", index + 2 < characters.count, characters[index + 1] == "/" {
                let name = characters[(index + 2)...].prefix { $0.isLetter || $0.isNumber }
                if !name.isEmpty, name.first!.isLetter, index + 2 + name.count < characters.count,
                   characters[index + 2 + name.count] == ">" { return true }
            } else if character == "&" {
                var body = characters[(index + 1)...].prefix(33)[...]
                if body.first == "#" { body = body.dropFirst() }
                let name = body.prefix { $0.isLetter || $0.isNumber }
                if !name.isEmpty, name.count < body.count, body[body.startIndex + name.count] == ";" { return true }
            }
        }
        return false
    }

    /// `looksLikeHTML` on ASCII bytes, where every character is one byte (CR LF, the one
    /// two-byte character, never sits inside a match); `nil` when the text is not ASCII.
    private static func asciiLooksLikeHTML(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        var found = false
        for index in 0..<bytes.count {
            let byte = bytes[index]
            if byte >= 0x80 { return nil }
            if found { continue }
            if byte == UInt8(ascii: "<"), index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") {
                var end = index + 2
                while end < bytes.count, bytes[end].isASCIILetter || bytes[end].isASCIIDigit { end += 1 }
                if end > index + 2, bytes[index + 2].isASCIILetter, end < bytes.count, bytes[end] == UInt8(ascii: ">") {
                    found = true
                }
            } else if byte == UInt8(ascii: "&") {
                let bodyEnd = min(bytes.count, index + 1 + 33)
                var start = index + 1
                if start < bodyEnd, bytes[start] == UInt8(ascii: "#") { start += 1 }
                var end = start
                while end < bodyEnd, bytes[end].isASCIILetter || bytes[end].isASCIIDigit { end += 1 }
                if end > start, end < bodyEnd, bytes[end] == UInt8(ascii: ";") { found = true }
            }
        }
        return found
    }
}
