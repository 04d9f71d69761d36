import FeedParsing
import Foundation
import IntakeCore

/// The raw payload kept for each feed entry: the entry as parsed plus the decisions made when it was polled
/// (its external id, whether it edits an earlier entry), as JSON.
///
/// Why not the feed document itself: the store keeps raw payloads by the SHA-256 of their bytes, so every
/// entry of one document would share one payload (and its metadata), and `normalize` could not tell which
/// entry a message came from. An entry's own JSON is small, unique, and enough for `normalize` to rebuild
/// the message with nothing else (quarantine retry). A document that does not parse is kept whole instead.
struct EntryPayload: Codable, Equatable {
    static let mediaType = "application/vnd.intakegateway.feed-entry+json"
    static let formatTag = "intake.feed-entry/1"

    struct Person: Codable, Equatable {
        var name: String?
        var email: String?
        var uri: String?
    }

    struct Entry: Codable, Equatable {
        var id: String?
        var title: String?
        var link: String?
        var authors: [Person]
        var published: Date?
        var updated: Date?
        var content: String?
        var summary: String?
        var categories: [String]
    }

    var format = formatTag
    /// The feed as configured, and its name in the adapter's configuration.
    var feedURL: String
    var feedName: String
    var feedTitle: String?
    /// The platform of author handles, decided at poll time (configured, or the feed's host).
    var platform: String
    /// The entry's dedup key (`id:…`, `link:…`, `sha256:…`) and the digest of its content.
    var entryKey: String
    var contentDigest: String
    var externalID: String
    /// Set for an edit of an entry that became a message before: the reference that joins its case.
    var edits: String?
    /// SHA-256 of the document the entry was read from.
    var documentSHA256: String
    var entry: Entry

    init(
        feed: FeedSource, feedTitle: String?, entry: FeedEntry, contentDigest: String, externalID: String, edits: String?,
        documentSHA256: String
    ) {
        self.feedURL = feed.url
        self.feedName = feed.name
        self.feedTitle = feedTitle
        self.platform = feed.handlePlatform
        self.entryKey = entry.dedupKey
        self.contentDigest = contentDigest
        self.externalID = externalID
        self.edits = edits
        self.documentSHA256 = documentSHA256
        self.entry = Entry(
            id: entry.id, title: entry.title, link: entry.link,
            authors: entry.authors.map { Person(name: $0.name, email: $0.email, uri: $0.uri) },
            published: entry.published, updated: entry.updated ?? entry.created,
            content: entry.contentText, summary: entry.summaryText, categories: entry.categories)
    }

    private enum CodingKeys: String, CodingKey {
        case format, feedURL = "feed_url", feedName = "feed_name", feedTitle = "feed_title", platform
        case entryKey = "entry_key", contentDigest = "content_digest", externalID = "external_id", edits
        case documentSHA256 = "document_sha256", entry
    }

    func raw() -> RawPayload {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // Strings, dates and arrays of them always encode.
        let bytes = (try? encoder.encode(self)) ?? Data()
        return RawPayload(contentType: Self.mediaType, bytes: bytes, metadata: ["feed_url": feedURL, "entry_key": entryKey])
    }

    static func decode(_ raw: RawPayload) throws -> EntryPayload {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let payload: EntryPayload
        do {
            payload = try decoder.decode(EntryPayload.self, from: raw.bytes)
        } catch {
            throw NormalizationError.unparseable("not a feed entry payload: \(error)")
        }
        guard payload.format == formatTag else { throw NormalizationError.unparseable("unknown feed entry format \(payload.format)") }
        return payload
    }
}
