import Foundation

/// Parses RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 documents from untrusted bytes.
///
/// ```
/// bytes ─► size cap ─► libxml2 (NONET, no entities, no DTD declarations)
///       ─► FeedXMLElement views of the tree (xml:base resolved) ─► RSSReader / AtomReader ─► ParsedFeed
/// ```
/// No networking: the caller fetches the bytes and passes the URL they came from,
/// which becomes the base for relative links.
public enum FeedParser {
    /// The default size cap: 10 MB.
    public static let defaultMaximumBytes = 10 * 1024 * 1024

    /// Parses one feed document.
    /// - Parameters:
    ///   - data: the document's bytes; a byte-order mark or an encoding declaration
    ///     selects the encoding, else UTF-8.
    ///   - baseURL: where the document was fetched from; relative links resolve
    ///     against it (after any `xml:base`).
    ///   - maximumBytes: larger documents are refused without being parsed.
    public static func parse(
        data: Data, baseURL: URL? = nil, maximumBytes: Int = defaultMaximumBytes
    ) throws(FeedParseError) -> ParsedFeed {
        let limit = min(maximumBytes, Int(Int32.max))
        guard data.count <= limit else { throw .tooLarge(size: data.count, limit: limit) }
        return try XMLDocumentLoader.withRoot(data, baseURL: baseURL) { root throws(FeedParseError) in
            guard let format = format(of: root) else { throw .unsupportedRoot(root.name) }
            if format.isAtom { return AtomReader.read(root: root, format: format) }
            return RSSReader.read(root: root, format: format)
        }
    }

    private static func format(of root: FeedXMLElement) -> FeedFormat? {
        // The root's name decides; its namespace only picks the version. Pre-1.0 drafts
        // (Echo, Pie, Necho, userland.com RSS namespaces) used namespaces of their own.
        if root.name == "rss" {
            let version = root.attribute("version")?.trimming(.whitespaces) ?? ""
            switch version {
            case "0.91": return .rss091
            case "0.92": return .rss092
            case "0.93": return .rss093
            case "0.94": return .rss094
            case _ where version.hasPrefix("2"): return .rss20
            default: return .rssUnversioned
            }
        }
        if root.is("RDF", in: Namespace.rdfSet) {
            let usesRSS090 = root.firstElementNode { XMLNames.namespace($0.pointee.ns, is: Namespace.rss090) } != nil
                || (root.declaredNamespaces.contains(Namespace.rss090) && !root.declaredNamespaces.contains(Namespace.rss10))
            return usesRSS090 ? .rss090 : .rss10
        }
        if root.name == "feed" {
            switch root.namespace {
            case Namespace.atom10: return .atom10
            case Namespace.atom03: return .atom03
            default:
                let version = root.attribute("version")?.trimming(.whitespaces) ?? ""
                return version.hasPrefix("0.") ? .atom03 : .atom10
            }
        }
        return nil
    }
}
