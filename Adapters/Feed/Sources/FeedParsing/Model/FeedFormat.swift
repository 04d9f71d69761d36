/// The syndication format and version a feed was written in.
public enum FeedFormat: String, Sendable, Hashable, CaseIterable {
    /// RSS 0.90 (RDF root in the Netscape 0.9 namespace).
    case rss090
    /// RSS 0.91 (Netscape and UserLand variants are not told apart).
    case rss091
    case rss092
    case rss093
    case rss094
    /// RSS 2.0 (any `2.x` version attribute).
    case rss20
    /// RSS 1.0 (RDF).
    case rss10
    /// An `<rss>` root without a version attribute, or with one we do not know.
    case rssUnversioned = "rss"
    /// Atom 0.3 (`http://purl.org/atom/ns#`).
    case atom03
    /// Atom 1.0 (RFC 4287).
    case atom10

    /// Whether this is one of the Atom formats.
    public var isAtom: Bool { self == .atom03 || self == .atom10 }
}
