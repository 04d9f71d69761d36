import Foundation

/// Reads Atom 1.0 (RFC 4287) and Atom 0.3 documents.
///
/// Atom 0.3 differs in element names (`tagline`, `issued`, `modified`, `created`,
/// `url` for a person's web address) and in its content model (`type` is a MIME type,
/// `mode` says xml, escaped or base64); both are handled here, keyed on `format`.
enum AtomReader {
    static func read(root: FeedXMLElement, format: FeedFormat) -> ParsedFeed {
        let namespace = root.namespace
        let reader = switch (format, namespace) {
        case (.atom10, Namespace.atom10): atom10
        case (.atom03, Namespace.atom03): atom03
        default: Vocabulary(format: format, namespaces: [namespace])
        }
        var feed = ParsedFeed(format: format)
        feed.title = reader.text(of: root.last(of: reader.titleKeys))
        feed.subtitle = reader.text(of: root.last(of: [reader.key("subtitle"), reader.key("tagline")]))
        feed.link = AtomLinks.alternate(in: root, namespaces: reader.namespaces)
        feed.id = root.last(of: reader.idKeys)?.trimmedText
        feed.updated = root.date(of: reader.updatedKeys)
        feed.published = root.date(of: [reader.key("published"), reader.key("issued")])
        feed.authors = reader.people(in: root)
        feed.entries = root.elements("entry", in: reader.namespaces).map(reader.entry(from:))
        return feed
    }

    private static let atom10 = Vocabulary(format: .atom10, namespaces: [Namespace.atom10])
    private static let atom03 = Vocabulary(format: .atom03, namespaces: [Namespace.atom03])

    /// Element names and text rules of one Atom version.
    private struct Vocabulary {
        let format: FeedFormat
        /// The root's namespace: Atom 1.0, 0.3, a pre-0.3 draft's, or none.
        let namespaces: Set<String?>
        /// Element keys, built once per document rather than once per entry.
        let idKeys, titleKeys, publishedKeys, updatedKeys, createdKeys, summaryKeys, categoryKeys: [ElementKey]
        let uriKeys, nameKeys, emailKeys: [ElementKey]

        init(format: FeedFormat, namespaces: Set<String?>) {
            self.format = format
            self.namespaces = namespaces
            idKeys = [(name: "id", namespaces: namespaces)]
            titleKeys = [(name: "title", namespaces: namespaces)]
            publishedKeys = [("published", namespaces), ("issued", namespaces), ("issued", Namespace.dublinCoreTermsSet)]
            updatedKeys = [("updated", namespaces), ("modified", namespaces), ("date", Namespace.dublinCoreSet)]
            createdKeys = [("created", namespaces), ("created", Namespace.dublinCoreTermsSet)]
            summaryKeys = [(name: "summary", namespaces: namespaces)]
            categoryKeys = [("category", namespaces), ("subject", Namespace.dublinCoreSet)]
            uriKeys = [("uri", namespaces), ("url", namespaces), ("homepage", namespaces)]
            nameKeys = [(name: "name", namespaces: namespaces)]
            emailKeys = [(name: "email", namespaces: namespaces)]
        }

        func key(_ name: String) -> ElementKey { (name, namespaces) }

        func text(of element: FeedXMLElement?) -> String? {
            guard let element else { return nil }
            let kind = format == .atom03 ? TextConstruct.atom03Kind(of: element) : TextConstruct.atom10Kind(of: element)
            return TextConstruct.plainText(of: element, as: kind)
        }

        func entry(from element: FeedXMLElement) -> FeedEntry {
            var entry = FeedEntry()
            entry.id = element.last(of: idKeys)?.trimmedText
            entry.title = text(of: element.last(of: titleKeys))
            entry.link = AtomLinks.alternate(in: element, namespaces: namespaces)
            entry.authors = people(in: element)
            entry.published = element.date(of: publishedKeys)
            entry.updated = element.date(of: updatedKeys)
            entry.created = element.date(of: createdKeys)
            entry.contentText = text(of: element.first("content", in: namespaces))
            entry.summaryText = text(of: element.last(of: summaryKeys))
            entry.categories = element.all(of: categoryKeys).compactMap { category in
                let term = category.attribute("term") ?? category.attribute("label") ?? category.deepText
                let trimmed = term.trimming(.whitespacesAndNewlines)
                return trimmed.isEmpty ? nil : trimmed
            }
            return entry
        }

        func people(in element: FeedXMLElement) -> [FeedPerson] {
            element.elements("author", in: namespaces).compactMap { author in
                let uri = author.last(of: uriKeys).flatMap { uriElement in
                    uriElement.trimmedText.map { uriElement.resolve($0) }
                }
                let person = FeedPerson(
                    name: author.last(of: nameKeys)?.trimmedText,
                    email: author.last(of: emailKeys)?.trimmedText,
                    uri: uri)
                return person.isEmpty ? nil : person
            }
        }
    }
}
