import Foundation

/// One element of a parsed document, copied out of libxml2 into plain Swift values.
///
/// Only what the feed readers need is kept: the namespace URI and local name, the
/// attributes, the children (elements and character data) and the effective
/// `xml:base` after inheritance and resolution against the feed URL.
///
/// A class, not a struct: the readers pass elements around and look children up many
/// times per entry, and a reference costs one retain where a copy of a struct with five
/// reference-counted fields costs five. It is immutable once built, hence Sendable.
final class FeedXMLElement: Sendable {
    let namespace: String?
    let name: String
    let attributes: [FeedXMLAttribute]
    let children: [FeedXMLChild]
    /// Child elements in document order (the `.element` cases of `children`).
    let elements: [FeedXMLElement]
    /// The effective base URL for this element (`xml:base`, inherited and resolved).
    let base: URL?
    /// Namespace URIs declared on this element (`xmlns`, `xmlns:prefix`).
    let declaredNamespaces: [String]

    init(
        namespace: String?, name: String, attributes: [FeedXMLAttribute], children: [FeedXMLChild],
        base: URL?, declaredNamespaces: [String] = []
    ) {
        self.namespace = namespace
        self.name = name
        self.attributes = attributes
        self.children = children
        self.elements = children.compactMap { if case .element(let element) = $0 { element } else { nil } }
        self.base = base
        self.declaredNamespaces = declaredNamespaces
    }

    /// Whether this element is `name` in one of `namespaces` (`nil` matches no namespace).
    func `is`(_ name: String, in namespaces: Set<String?>) -> Bool {
        self.name == name && namespaces.contains(namespace)
    }

    /// Child elements called `name` in one of `namespaces`.
    func elements(_ name: String, in namespaces: Set<String?>) -> [FeedXMLElement] {
        elements.filter { $0.is(name, in: namespaces) }
    }

    /// The first child element called `name` in one of `namespaces`.
    func first(_ name: String, in namespaces: Set<String?>) -> FeedXMLElement? {
        elements.first { $0.is(name, in: namespaces) }
    }

    /// The last child element called `name`: feeds that repeat a single-valued element
    /// mean the later one (feedparser lets later values overwrite earlier ones).
    func last(_ name: String, in namespaces: Set<String?>) -> FeedXMLElement? {
        elements.last { $0.is(name, in: namespaces) }
    }

    /// Character data of the direct children only (text and CDATA), untrimmed.
    var directText: String {
        if children.count == 1, case .text(let text) = children[0] { return text }
        var result = ""
        for case .text(let text) in children { result += text }
        return result
    }

    /// Character data of the whole subtree, concatenated from text and CDATA nodes.
    /// Built from our own copy of the nodes, never libxml2's `xmlNodeGetContent`.
    var deepText: String {
        if children.count == 1, case .text(let text) = children[0] { return text }
        var result = ""
        appendDeepText(to: &result)
        return result
    }

    private func appendDeepText(to result: inout String) {
        for child in children {
            switch child {
            case .text(let text): result += text
            case .element(let element): element.appendDeepText(to: &result)
            }
        }
    }

    /// Trimmed direct text, or `nil` when empty.
    var trimmedText: String? {
        let text = directText.trimmedWhitespace  // not Foundation's: it bridges through NSString on Linux
        return text.isEmpty ? nil : text
    }

    /// The value of an attribute with no namespace (or the given namespace).
    func attribute(_ name: String, namespace: String? = nil) -> String? {
        attributes.first { $0.name == name && $0.namespace == namespace }?.value
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
enum FeedXMLChild: Sendable {
    case element(FeedXMLElement)
    case text(String)
}
