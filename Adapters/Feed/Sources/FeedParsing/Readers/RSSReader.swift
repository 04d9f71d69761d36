import Foundation

/// Reads RSS 0.90, 0.91-0.94, 1.0 (RDF) and 2.0 documents.
///
/// RSS versions differ mostly in namespaces and where items sit (inside `channel`
/// for 0.91+/2.0, beside it under `rdf:RDF` for 0.90/1.0), so one reader serves all:
/// core elements are matched in any of `Namespace.rssCore` or the root's own
/// namespace (old drafts used several), and items are collected from both places.
struct RSSReader {
    let core: Set<String?>
    /// Element keys, built once per document rather than once per item.
    private let titleKeys, descriptionKeys, itemAuthorKeys, channelAuthorKeys, categoryKeys: [ElementKey]
    private let updatedKeys, channelUpdatedKeys, publishedKeys, createdKeys, identifierKeys, contentKeys, bodyKeys: [ElementKey]

    init(core: Set<String?>) {
        self.core = core
        let dc = Namespace.dublinCoreSet, dcterms = Namespace.dublinCoreTermsSet
        titleKeys = [("title", core), ("title", dc)]
        descriptionKeys = [("description", core), ("description", dc)]
        channelAuthorKeys = [("managingEditor", core), ("author", core), ("creator", dc), ("author", dc)]
        itemAuthorKeys = [("author", core), ("creator", dc), ("author", dc)]
        categoryKeys = [("category", core), ("subject", dc)]
        channelUpdatedKeys = [("lastBuildDate", core), ("date", dc), ("modified", dcterms)]
        updatedKeys = [("date", dc), ("modified", dcterms)]
        publishedKeys = [("pubDate", core), ("issued", dcterms)]
        createdKeys = [("created", dcterms)]
        identifierKeys = [("identifier", dc)]
        contentKeys = [("encoded", Namespace.contentSet), ("fullitem", core)]
        bodyKeys = [("body", Namespace.xhtmlSet)]
    }

    static func read(root: FeedXMLElement, format: FeedFormat) -> ParsedFeed {
        let namespace = root.namespace
        // The core set is rssCore plus the root's namespace; it usually is in rssCore already.
        let reader = namespace == Namespace.rdf || Namespace.rssCore.contains(namespace)
            ? standard : RSSReader(core: Namespace.rssCore.union([namespace]))
        return reader.read(root: root, format: format)
    }

    /// The reader for documents whose root namespace is one of `Namespace.rssCore` (or RDF).
    private static let standard = RSSReader(core: Namespace.rssCore)

    func read(root: FeedXMLElement, format: FeedFormat) -> ParsedFeed {
        let channel = root.first("channel", in: core)
        var feed = ParsedFeed(format: format)
        if let channel {
            feed.title = channel.last(of: titleKeys)
                .flatMap { TextConstruct.plainText(of: $0, as: TextConstruct.rssTitleKind(of: $0)) }
            if let linkElement = channel.last("link", in: core), let link = linkElement.trimmedText {
                feed.link = linkElement.resolve(link)
            } else {
                feed.link = AtomLinks.alternate(in: channel, namespaces: Namespace.atom10Set)
            }
            feed.subtitle = channel.last(of: descriptionKeys)
                .flatMap { TextConstruct.plainText(of: $0, as: .html) }
            feed.updated = channel.date(of: channelUpdatedKeys)
            feed.published = channel.date(of: publishedKeys)
            feed.authors = people(in: channel, keys: channelAuthorKeys)
        }
        let itemParents = [channel, root].compactMap { $0 }
        feed.entries = itemParents.flatMap { $0.elements("item", in: core) }.map { entry(from: $0) }
        return feed
    }

    func entry(from item: FeedXMLElement) -> FeedEntry {
        var entry = FeedEntry()
        entry.title = item.last(of: titleKeys)
            .flatMap { TextConstruct.plainText(of: $0, as: TextConstruct.rssTitleKind(of: $0)) }

        let guidElement = item.last("guid", in: core)
        let guid = guidElement?.trimmedText
        entry.id = guid ?? item.last(of: identifierKeys)?.trimmedText ?? item.attribute("about", namespace: Namespace.rdf)

        if let linkElement = item.last("link", in: core), let link = linkElement.trimmedText {
            entry.link = linkElement.resolve(link)
        } else if let alternate = AtomLinks.alternate(in: item, namespaces: Namespace.atom10Set) {
            entry.link = alternate
        } else if let guidElement, let guid, isPermaLink(guidElement) {
            entry.link = guidElement.resolve(guid)
        }

        entry.authors = people(in: item, keys: itemAuthorKeys)
        entry.published = item.date(of: publishedKeys)
        entry.updated = item.date(of: updatedKeys)
        entry.created = item.date(of: createdKeys)

        entry.summaryText = item.last(of: descriptionKeys)
            .flatMap { TextConstruct.plainText(of: $0, as: .html) }
        if let encoded = item.last(of: contentKeys) {
            entry.contentText = TextConstruct.plainText(of: encoded, as: .html)
        } else if let body = item.last(of: bodyKeys) {
            entry.contentText = HTMLText.plainText(fromHTML: XHTMLSerializer.html(ofChildrenOf: body))
                .trimming(.whitespacesAndNewlines)
        }

        entry.categories = item.all(of: categoryKeys).compactMap(\.trimmedText)
        return entry
    }

    /// A guid is the item's permalink unless `isPermaLink="false"`.
    private func isPermaLink(_ guid: FeedXMLElement) -> Bool {
        guid.attribute("isPermaLink")?.trimming(.whitespaces).lowercased() != "false"
    }

    private func people(in element: FeedXMLElement, keys: [ElementKey]) -> [FeedPerson] {
        element.all(of: keys).compactMap { PersonParsing.person(from: $0.deepText) }
    }
}
