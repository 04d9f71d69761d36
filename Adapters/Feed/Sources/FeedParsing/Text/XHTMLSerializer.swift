/// Serializes inline XHTML (Atom `type="xhtml"`, `xhtml:body`) back to HTML source,
/// so that one converter (`HTMLText`) turns every kind of markup into text.
enum XHTMLSerializer {
    static func html(ofChildrenOf element: FeedXMLElement) -> String {
        var output = ""
        for child in element.children { append(child, to: &output) }
        return output
    }

    private static func append(_ child: FeedXMLChild, to output: inout String) {
        switch child {
        case .text(let text):
            output += escape(text, quote: false)
        case .element(let element):
            output += "<" + element.name
            for attribute in element.attributes where attribute.namespace == nil {
                output += " \(attribute.name)=\"\(escape(attribute.value, quote: true))\""
            }
            output += ">"
            for grandchild in element.children { append(grandchild, to: &output) }
            output += "</\(element.name)>"
        }
    }

    private static func escape(_ text: String, quote: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where quote: result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
