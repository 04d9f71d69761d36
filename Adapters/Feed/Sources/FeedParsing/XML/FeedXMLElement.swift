import Foundation

/// One element of a parsed document, copied out of libxml2 into plain Swift values.
///
/// Only what the feed readers need is kept: the namespace URI and local name, the
/// attributes, the children (elements and character data) and the effective
/// `xml:base` after inheritance and resolution against the feed URL.
struct FeedXMLElement: Sendable {
    var namespace: String?
    var name: String
    var attributes: [FeedXMLAttribute]
    var children: [FeedXMLChild]
    /// The effective base URL for this element (`xml:base`, inherited and resolved).
    var base: URL?
    /// Namespace URIs declared on this element (`xmlns`, `xmlns:prefix`).
    var declaredNamespaces: [String] = []

    /// Whether this element is `name` in one of `namespaces` (`nil` matches no namespace).
    func `is`(_ name: String, in namespaces: Set<String?>) -> Bool {
        self.name == name && namespaces.contains(namespace)
    }

    /// Child elements in document order.
    var elements: [FeedXMLElement] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// Child elements called `name` in one of `namespaces`.
    func elements(_ name: String, in namespaces: Set<String?>) -> [FeedXMLElement] {
        elements.filter { $0.is(name, in: namespaces) }
    }

    /// The first child element called `name` in one of `namespaces`.
    func first(_ name: String, in namespaces: Set<String?>) -> FeedXMLElement? {
        for case .element(let element) in children where element.is(name, in: namespaces) {
            return element
        }
        return nil
    }

    /// The last child element called `name`: feeds that repeat a single-valued element
    /// mean the later one (feedparser lets later values overwrite earlier ones).
    func last(_ name: String, in namespaces: Set<String?>) -> FeedXMLElement? {
        elements(name, in: namespaces).last
    }

    /// Character data of the direct children only (text and CDATA), untrimmed.
    var directText: String {
        var result = ""
        for case .text(let text) in children { result += text }
        return result
    }

    /// Character data of the whole subtree, concatenated from text and CDATA nodes.
    /// Built from our own copy of the nodes, never libxml2's `xmlNodeGetContent`.
    var deepText: String {
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
