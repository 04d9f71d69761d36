import CLibXML2
import Foundation

/// A (local name, namespaces) pair naming one kind of feed element.
typealias ElementKey = (name: String, namespaces: Set<String?>)

extension FeedXMLElement {
    /// The last child matching any of `keys`, in document order: when a feed repeats
    /// or mixes equivalent elements (`issued` then `published`), the later one wins.
    func last(of keys: [ElementKey]) -> FeedXMLElement? {
        lastElementNode { Self.node($0, matchesAnyOf: keys) }.map(child)
    }

    /// All children matching any of `keys`, in document order.
    func all(of keys: [ElementKey]) -> [FeedXMLElement] {
        var result: [FeedXMLElement] = []
        forEachElementNode { if Self.node($0, matchesAnyOf: keys) { result.append(child($0)) } }
        return result
    }

    /// The date in the last child matching `keys` that holds a parsable date.
    func date(of keys: [ElementKey]) -> Date? {
        var current = node.pointee.last
        while let candidate = current {
            if candidate.pointee.type == XML_ELEMENT_NODE, Self.node(candidate, matchesAnyOf: keys),
               let date = FeedDate.parse(child(candidate).deepText) {
                return date
            }
            current = candidate.pointee.prev
        }
        return nil
    }

    private static func node(_ node: xmlNodePtr, matchesAnyOf keys: [ElementKey]) -> Bool {
        keys.contains { Self.node(node, is: $0.name, in: $0.namespaces) }
    }
}
