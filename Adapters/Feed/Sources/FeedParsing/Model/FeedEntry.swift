import Foundation

/// One item (RSS) or entry (Atom), with text already converted from HTML to plain text.
public struct FeedEntry: Sendable, Hashable {
    /// RSS `guid`, Atom `id`, else RSS 1.0 `rdf:about`; kept exactly as published.
    public var id: String?
    public var title: String?
    /// The entry's web page, resolved against `xml:base` and the feed URL.
    public var link: String?
    public var authors: [FeedPerson]
    /// RSS `pubDate`, `dcterms:issued`; Atom `published` (1.0) or `issued` (0.3).
    public var published: Date?
    /// `dc:date`, `dcterms:modified`; Atom `updated` (1.0) or `modified` (0.3).
    public var updated: Date?
    /// `dcterms:created`; Atom 0.3 `created`.
    public var created: Date?
    /// The full body (`content:encoded`, `xhtml:body`, Atom `content`) as readable text.
    public var contentText: String?
    /// The summary (RSS `description`, Atom `summary`) as readable text.
    public var summaryText: String?
    /// Category terms (`category`, `dc:subject`, Atom `category/@term`) in document order.
    public var categories: [String]

    public init(
        id: String? = nil, title: String? = nil, link: String? = nil, authors: [FeedPerson] = [],
        published: Date? = nil, updated: Date? = nil, created: Date? = nil,
        contentText: String? = nil, summaryText: String? = nil, categories: [String] = []
    ) {
        self.id = id
        self.title = title
        self.link = link
        self.authors = authors
        self.published = published
        self.updated = updated
        self.created = created
        self.contentText = contentText
        self.summaryText = summaryText
        self.categories = categories
    }

    /// The first author, if any.
    public var author: FeedPerson? { authors.first }

    /// The most meaningful date: published, else created, else updated.
    public var date: Date? { published ?? created ?? updated }
}
