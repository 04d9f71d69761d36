import CLibXML2

/// Character data and attributes of an `FeedXMLElement`, read from the libxml2 nodes.
extension FeedXMLElement {
    /// The text a character-data child stands for: the content of a text or CDATA node,
    /// the HTML character an undeclared entity reference names (or nothing); `nil` for
    /// elements, comments and processing instructions.
    static func text(of node: xmlNodePtr) -> String? {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            return node.pointee.content.map { String(cString: $0) }
        case XML_ENTITY_REF_NODE:
            return node.pointee.name.flatMap { HTMLEntities.character(named: String(cString: $0)) }
        default:
            return nil
        }
    }

    /// Character data of the direct children only (text and CDATA), untrimmed.
    var directText: String {
        var result = ""
        var current = node.pointee.children
        while let child = current {
            if let text = Self.text(of: child) { result += text }
            current = child.pointee.next
        }
        return result
    }

    /// Character data of the whole subtree, concatenated from text and CDATA nodes.
    var deepText: String {
        var result = ""
        Self.appendDeepText(of: node, to: &result)
        return result
    }

    private static func appendDeepText(of node: xmlNodePtr, to result: inout String) {
        var current = node.pointee.children
        while let child = current {
            if child.pointee.type == XML_ELEMENT_NODE {
                appendDeepText(of: child, to: &result)
            } else if let text = text(of: child) {
                result += text
            }
            current = child.pointee.next
        }
    }

    /// Trimmed direct text, or `nil` when empty.
    var trimmedText: String? {
        let text = directText.trimmedWhitespace  // not Foundation's: it bridges through NSString on Linux
        return text.isEmpty ? nil : text
    }

    /// Children in document order: elements, and runs of character data (adjacent text,
    /// CDATA and entity references merged into one).
    var children: [FeedXMLChild] {
        var result: [FeedXMLChild] = []
        var current = node.pointee.children
        while let node = current {
            if node.pointee.type == XML_ELEMENT_NODE {
                result.append(.element(child(node)))
            } else if let text = Self.text(of: node) {
                if case .text(let previous) = result.last {
                    result[result.count - 1] = .text(previous + text)
                } else {
                    result.append(.text(text))
                }
            }
            current = node.pointee.next
        }
        return result
    }

    /// All attributes in document order.
    var attributes: [FeedXMLAttribute] {
        var result: [FeedXMLAttribute] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            result.append(FeedXMLAttribute(
                namespace: current.pointee.ns?.pointee.href.map { String(cString: $0) },
                name: String(cString: current.pointee.name), value: Self.value(of: current)))
            attribute = current.pointee.next
        }
        return result
    }

    /// The value of the first attribute of `node` called `name` in `namespace` (`nil`: none).
    static func attributeValue(of node: xmlNodePtr, named name: String, namespace: String?) -> String? {
        var attribute = node.pointee.properties
        while let current = attribute {
            if XMLNames.equals(current.pointee.name, name), XMLNames.namespace(current.pointee.ns, is: namespace) {
                return value(of: current)
            }
            attribute = current.pointee.next
        }
        return nil
    }

    /// An attribute's value from its text children and undeclared entity references.
    private static func value(of attribute: xmlAttrPtr) -> String {
        var value = ""
        var part = attribute.pointee.children
        while let piece = part {
            if piece.pointee.type == XML_TEXT_NODE, let content = piece.pointee.content {
                value += String(cString: content)
            } else if piece.pointee.type == XML_ENTITY_REF_NODE, let name = piece.pointee.name {
                value += HTMLEntities.character(named: String(cString: name)) ?? ""
            }
            part = piece.pointee.next
        }
        return value
    }
}
