import Foundation

/// Picks the alternate link of an Atom element (also used for `atom:link` inside RSS).
enum AtomLinks {
    /// The first `link` whose `rel` is `alternate` (the default when `rel` is absent),
    /// resolved against the link's own `xml:base`. A link without `href` but with text
    /// (seen in the wild) uses the text.
    static func alternate(in element: FeedXMLElement, namespaces: Set<String?>) -> String? {
        for link in element.elements("link", in: namespaces) {
            let rel = (link.attribute("rel") ?? "alternate").trimming(.whitespaces).lowercased()
            guard rel == "alternate" || rel == "http://www.iana.org/assignments/relation/alternate" else { continue }
            if let href = link.attribute("href") ?? link.trimmedText {
                return link.resolve(href)
            }
        }
        return nil
    }
}
