/// Namespace URIs the feed readers recognise.
enum Namespace {
    static let atom10 = "http://www.w3.org/2005/Atom"
    static let atom03 = "http://purl.org/atom/ns#"
    static let rss10 = "http://purl.org/rss/1.0/"
    static let rss090 = "http://my.netscape.com/rdf/simple/0.9/"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let dublinCore = "http://purl.org/dc/elements/1.1/"
    static let dublinCoreTerms = "http://purl.org/dc/terms/"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let xhtml = "http://www.w3.org/1999/xhtml"

    /// Namespaces RSS core elements appear in: none (0.9x, 2.0), RSS 1.0, RSS 0.90,
    /// and the two default namespaces some RSS 2.0 publishers declared.
    static let rssCore: Set<String?> = [
        nil, rss10, rss090, "http://backend.userland.com/rss2", "http://blogs.law.harvard.edu/tech/rss",
    ]

    /// One-namespace sets for element lookups, built once instead of at every call.
    static let atom10Set: Set<String?> = [atom10]
    static let rdfSet: Set<String?> = [rdf]
    static let dublinCoreSet: Set<String?> = [dublinCore]
    static let dublinCoreTermsSet: Set<String?> = [dublinCoreTerms]
    static let contentSet: Set<String?> = [content]
    static let xhtmlSet: Set<String?> = [xhtml]
}
