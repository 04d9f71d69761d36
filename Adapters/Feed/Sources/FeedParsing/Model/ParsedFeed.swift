import Foundation

/// A feed read from one document: channel-level fields and its entries in document order.
public struct ParsedFeed: Sendable, Hashable {
    public var format: FeedFormat
    public var title: String?
    /// The feed's web page (RSS `link`, Atom alternate link), resolved to absolute.
    public var link: String?
    /// RSS channel `description` or Atom `subtitle`/`tagline`, as plain text.
    public var subtitle: String?
    /// Atom feed `id` (RSS has none).
    public var id: String?
    public var updated: Date?
    public var published: Date?
    public var authors: [FeedPerson]
    public var entries: [FeedEntry]

    public init(
        format: FeedFormat, title: String? = nil, link: String? = nil, subtitle: String? = nil, id: String? = nil,
        updated: Date? = nil, published: Date? = nil, authors: [FeedPerson] = [], entries: [FeedEntry] = []
    ) {
        self.format = format
        self.title = title
        self.link = link
        self.subtitle = subtitle
        self.id = id
        self.updated = updated
        self.published = published
        self.authors = authors
        self.entries = entries
    }
}
