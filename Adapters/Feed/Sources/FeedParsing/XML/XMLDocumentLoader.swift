import CLibXML2
import Foundation

/// Parses untrusted bytes with libxml2 and hands the root to a reader as a `FeedXMLElement`.
///
/// Every libxml2 pointer lives and dies inside `withRoot`: the document is freed when the
/// reader returns, so readers must return plain Swift values, never element views.
///
/// Safety rules (see ENGINEERING.md, "XML through libxml2"):
/// - `XML_PARSE_NONET`, never `XML_PARSE_NOENT` or `XML_PARSE_DTDLOAD`: no file or
///   network access through external entities or DTDs, no entity substitution.
/// - A DOCTYPE is accepted only when it declares nothing: a public/system identifier
///   (as Netscape RSS 0.91 feeds carry) or an empty `[]` internal subset. Any
///   declaration in the internal subset (entity, element, attribute list, notation)
///   refuses the document. Entity declarations stop the parser at once through a SAX
///   hook (`cxml_install_entity_guard`), before a single reference is expanded.
/// - Text is read only from text and CDATA nodes (`FeedXMLElement+Text`); references to
///   undeclared entities (allowed by libxml2 when an external DTD is named but not
///   loaded) become the HTML character they name, or nothing.
enum XMLDocumentLoader {
    /// libxml2 wants `xmlInitParser` once before parsers run on several threads; a
    /// static `let` is initialized exactly once, thread-safely.
    private static let libraryReady: Void = xmlInitParser()

    static func withRoot<Result>(
        _ data: Data, baseURL: URL?, _ read: (FeedXMLElement) throws(FeedParseError) -> Result
    ) throws(FeedParseError) -> Result {
        _ = libraryReady
        guard !data.isEmpty else { throw .notWellFormed("document is empty", line: 1, column: 1) }
        guard let context = xmlNewParserCtxt() else { throw .notWellFormed("libxml2 could not allocate a parser", line: 0, column: 0) }
        defer { xmlFreeParserCtxt(context) }

        // COMPACT keeps short text inside its node (fewer allocations); the tree is never modified.
        let options = Int32(bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_COMPACT.rawValue)
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
        return try read(FeedXMLElement(node: root, inheritedBase: baseURL))
    }

    private static func declaresSomething(_ dtd: xmlDtdPtr) -> Bool {
        let d = dtd.pointee
        return d.children != nil || d.entities != nil || d.pentities != nil
            || d.elements != nil || d.attributes != nil || d.notations != nil
    }
}
