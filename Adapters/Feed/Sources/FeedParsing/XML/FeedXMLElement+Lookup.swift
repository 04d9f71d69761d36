import Foundation

/// A (local name, namespaces) pair naming one kind of feed element.
typealias ElementKey = (name: String, namespaces: Set<String?>)

extension FeedXMLElement {
    /// The last child matching any of `keys`, in document order: when a feed repeats
    /// or mixes equivalent elements (`issued` then `published`), the later one wins.
    func last(of keys: [ElementKey]) -> FeedXMLElement? {
        elements.last { element in keys.contains { element.is($0.name, in: $0.namespaces) } }
    }

    /// All children matching any of `keys`, in document order.
    func all(of keys: [ElementKey]) -> [FeedXMLElement] {
        elements.filter { element in keys.contains { element.is($0.name, in: $0.namespaces) } }
    }

    /// The date in the last child matching `keys` that holds a parsable date.
    func date(of keys: [ElementKey]) -> Date? {
        for element in all(of: keys).reversed() {
            if let date = FeedDate.parse(element.deepText) { return date }
        }
        return nil
    }
}
