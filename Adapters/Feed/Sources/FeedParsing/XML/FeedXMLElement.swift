import CLibXML2
import Foundation

/// One element of a parsed document: a view of a libxml2 node, read in place.
///
/// Nothing is copied out of libxml2 until a reader asks for it (a name, an attribute,
/// the text), so elements the readers never look at cost nothing. A view is only valid
/// inside `XMLDocumentLoader.withRoot`, which owns the document; the readers run there
/// and return plain Swift values.
///
/// Text comes only from text and CDATA nodes (and undeclared entity references, which
/// become the HTML character they name, or nothing), never from libxml2's
/// `xmlNodeGetContent`. `base` is the effective `xml:base` after inheritance and
/// resolution against the feed URL.
struct FeedXMLElement {
    let node: xmlNodePtr
    /// The effective base URL for this element (`xml:base`, inherited and resolved).
    let base: URL?

    /// The view of `node`, whose parent's effective base is `inheritedBase`.
    init(node: xmlNodePtr, inheritedBase: URL?) {
        self.node = node
        if let declared = Self.attributeValue(of: node, named: "base", namespace: Self.xmlNamespace) {
            base = URLResolution.resolveBase(declared, against: inheritedBase)
        } else {
            base = inheritedBase
        }
    }

    private static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    var name: String { String(cString: node.pointee.name) }
    var namespace: String? { node.pointee.ns?.pointee.href.map { String(cString: $0) } }

    /// Namespace URIs declared on this element (`xmlns`, `xmlns:prefix`).
    var declaredNamespaces: [String] {
        var result: [String] = []
        var declaration = node.pointee.nsDef
        while let current = declaration {
            if let href = current.pointee.href { result.append(String(cString: href)) }
            declaration = current.pointee.next
        }
        return result
    }

    /// Whether this element is `name` in one of `namespaces` (`nil` matches no namespace).
    func `is`(_ name: String, in namespaces: Set<String?>) -> Bool {
        Self.node(node, is: name, in: namespaces)
    }

    static func node(_ node: xmlNodePtr, is name: String, in namespaces: Set<String?>) -> Bool {
        XMLNames.equals(node.pointee.name, name) && XMLNames.namespace(node.pointee.ns, isIn: namespaces)
    }

    /// Whether this element's namespace is `uri`.
    func hasNamespace(_ uri: String?) -> Bool { XMLNames.namespace(node.pointee.ns, is: uri) }

    /// The child element view of `child`.
    func child(_ child: xmlNodePtr) -> FeedXMLElement { FeedXMLElement(node: child, inheritedBase: base) }

    /// Calls `body` with each child element node in document order.
    func forEachElementNode(_ body: (xmlNodePtr) -> Void) {
        var current = node.pointee.children
        while let child = current {
            if child.pointee.type == XML_ELEMENT_NODE { body(child) }
            current = child.pointee.next
        }
    }

    /// The first child element node for which `matches` holds.
    func firstElementNode(where matches: (xmlNodePtr) -> Bool) -> xmlNodePtr? {
        var current = node.pointee.children
        while let child = current {
            if child.pointee.type == XML_ELEMENT_NODE, matches(child) { return child }
            current = child.pointee.next
        }
        return nil
    }

    /// The last child element node for which `matches` holds.
    func lastElementNode(where matches: (xmlNodePtr) -> Bool) -> xmlNodePtr? {
        var current = node.pointee.last
        while let child = current {
            if child.pointee.type == XML_ELEMENT_NODE, matches(child) { return child }
            current = child.pointee.prev
        }
        return nil
    }

    /// Child elements in document order.
    var elements: [FeedXMLElement] {
        var result: [FeedXMLElement] = []
        forEachElementNode { result.append(child($0)) }
        return result
    }

    /// Whether this element has child elements.
    var hasElements: Bool { firstElementNode { _ in true } != nil }

    /// Child elements called `name` in one of `namespaces`.
    func elements(_ name: String, in namespaces: Set<String?>) -> [FeedXMLElement] {
        var result: [FeedXMLElement] = []
        forEachElementNode { if Self.node($0, is: name, in: namespaces) { result.append(child($0)) } }
        return result
    }

    /// The first child element called `name` in one of `namespaces`.
    func first(_ name: String, in namespaces: Set<String?>) -> FeedXMLElement? {
        firstElementNode { Self.node($0, is: name, in: namespaces) }.map(child)
    }

    /// The last child element called `name`: feeds that repeat a single-valued element
    /// mean the later one (feedparser lets later values overwrite earlier ones).
    func last(_ name: String, in namespaces: Set<String?>) -> FeedXMLElement? {
        lastElementNode { Self.node($0, is: name, in: namespaces) }.map(child)
    }

    /// The value of an attribute with no namespace (or the given namespace).
    func attribute(_ name: String, namespace: String? = nil) -> String? {
        Self.attributeValue(of: node, named: name, namespace: namespace)
    }

    /// Resolves a possibly relative reference against this element's base.
    func resolve(_ reference: String) -> String {
        URLResolution.resolve(reference, against: base)
    }
}

/// One attribute of an `FeedXMLElement`.
struct FeedXMLAttribute: Sendable {
    var namespace: String?
    var name: String
    var value: String
}

/// A child of an `FeedXMLElement`: an element or a run of character data.
enum FeedXMLChild {
    case element(FeedXMLElement)
    case text(String)
}
