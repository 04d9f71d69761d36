import CLibXML2
import Foundation

/// Parses untrusted bytes with libxml2 and copies the tree into `FeedXMLElement` values.
///
/// Every libxml2 pointer lives and dies inside `load`; callers get Sendable values.
///
/// Safety rules (see ENGINEERING.md, "XML through libxml2"):
/// - `XML_PARSE_NONET`, never `XML_PARSE_NOENT` or `XML_PARSE_DTDLOAD`: no file or
///   network access through external entities or DTDs, no entity substitution.
/// - A DOCTYPE is accepted only when it declares nothing: a public/system identifier
///   (as Netscape RSS 0.91 feeds carry) or an empty `[]` internal subset. Any
///   declaration in the internal subset (entity, element, attribute list, notation)
///   refuses the document. Entity declarations stop the parser at once through a SAX
///   hook (`cxml_install_entity_guard`), before a single reference is expanded.
/// - Text is read only from text and CDATA nodes of our own copy; references to
///   undeclared entities (allowed by libxml2 when an external DTD is named but not
///   loaded) become the HTML character they name, or nothing.
enum XMLDocumentLoader {
    /// libxml2 wants `xmlInitParser` once before parsers run on several threads; a
    /// static `let` is initialized exactly once, thread-safely.
    private static let libraryReady: Void = xmlInitParser()

    static func load(_ data: Data, baseURL: URL?) throws(FeedParseError) -> FeedXMLElement {
        _ = libraryReady
        guard !data.isEmpty else { throw .notWellFormed("document is empty", line: 1, column: 1) }
        guard let context = xmlNewParserCtxt() else { throw .notWellFormed("libxml2 could not allocate a parser", line: 0, column: 0) }
        defer { xmlFreeParserCtxt(context) }

        let options = Int32(bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOERROR.rawValue)
        var entityDeclared: Int32 = 0
        let document: xmlDocPtr? = withUnsafeMutablePointer(to: &entityDeclared) { flag in
            cxml_install_entity_guard(context, flag)
            defer { context.pointee._private = nil }
            return data.withUnsafeBytes { raw in
                raw.withMemoryRebound(to: CChar.self) { bytes in
                    xmlCtxtReadMemory(context, bytes.baseAddress, Int32(bytes.count), nil, nil, options)
                }
            }
        }
        defer { if let document { xmlFreeDoc(document) } }

        let lastError = xmlCtxtGetLastError(context)?.pointee
        if entityDeclared != 0 || lastError?.code == Int32(XML_ERR_USER_STOP.rawValue) {
            throw .dtdRefused("the internal DTD subset declares an entity")
        }
        // Namespace errors (an undeclared prefix) only clear nsWellFormed in libxml2; a
        // namespace-aware reader cannot interpret such a document, so it is refused too.
        guard let document, context.pointee.wellFormed != 0, context.pointee.nsWellFormed != 0 else {
            let message = lastError?.message.map { String(cString: $0) } ?? "parse failed"
            throw .notWellFormed(
                message.trimming(.whitespacesAndNewlines),
                line: Int(lastError?.line ?? 0), column: Int(lastError?.int2 ?? 0))
        }
        if let subset = document.pointee.intSubset, declaresSomething(subset) {
            throw .dtdRefused("the internal DTD subset contains declarations")
        }
        guard let root = xmlDocGetRootElement(document) else {
            throw .notWellFormed("document has no root element", line: 0, column: 0)
        }
        return element(from: root, inheritedBase: baseURL)
    }

    private static func declaresSomething(_ dtd: xmlDtdPtr) -> Bool {
        let d = dtd.pointee
        return d.children != nil || d.entities != nil || d.pentities != nil
            || d.elements != nil || d.attributes != nil || d.notations != nil
    }

    private static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    private static func element(from node: xmlNodePtr, inheritedBase: URL?) -> FeedXMLElement {
        let attributes = attributes(of: node)
        var base = inheritedBase
        if let declared = attributes.first(where: { $0.name == "base" && $0.namespace == xmlNamespace })?.value {
            base = URLResolution.resolveBase(declared, against: inheritedBase)
        }
        var declaredNamespaces: [String] = []
        var declaration = node.pointee.nsDef
        while let current = declaration {
            if let href = current.pointee.href { declaredNamespaces.append(String(cString: href)) }
            declaration = current.pointee.next
        }

        var children: [FeedXMLChild] = []
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                children.append(.element(element(from: current, inheritedBase: base)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { appendText(String(cString: content), to: &children) }
            case XML_ENTITY_REF_NODE:
                if let name = current.pointee.name, let character = HTMLEntities.character(named: String(cString: name)) {
                    appendText(character, to: &children)
                }
            default:
                break  // comments, processing instructions
            }
            child = current.pointee.next
        }
        return FeedXMLElement(
            namespace: node.pointee.ns?.pointee.href.map { String(cString: $0) },
            name: String(cString: node.pointee.name),
            attributes: attributes, children: children, base: base, declaredNamespaces: declaredNamespaces)
    }

    private static func appendText(_ text: String, to children: inout [FeedXMLChild]) {
        if case .text(let previous) = children.last {
            children[children.count - 1] = .text(previous + text)
        } else {
            children.append(.text(text))
        }
    }

    private static func attributes(of node: xmlNodePtr) -> [FeedXMLAttribute] {
        var result: [FeedXMLAttribute] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            var value = ""
            var part = current.pointee.children
            while let piece = part {
                if piece.pointee.type == XML_TEXT_NODE, let content = piece.pointee.content {
                    value += String(cString: content)
                } else if piece.pointee.type == XML_ENTITY_REF_NODE, let name = piece.pointee.name {
                    value += HTMLEntities.character(named: String(cString: name)) ?? ""
                }
                part = piece.pointee.next
            }
            result.append(FeedXMLAttribute(
                namespace: current.pointee.ns?.pointee.href.map { String(cString: $0) },
                name: String(cString: current.pointee.name), value: value))
            attribute = current.pointee.next
        }
        return result
    }
}
