import Foundation
import IntakeCore

/// A feed's durable position, committed with the messages it covers: the validators for the next
/// conditional GET and the entries already seen, so nothing is stored twice across restarts.
///
/// Stored as compact JSON under `<adapter name>/<feed url>`:
/// `{"bad":"<sha256>","etag":"\"abc\"","modified":"Tue, …","primed":true,"seen":["<key>.<content>.<link>.m", …],"v":1}`.
/// Each seen record holds 64-bit hex prefixes of SHA-256 digests: of the entry's dedup key, of its content
/// (title, text and author) and of its link (`-` when it has none), then `m` if it became a message or `s`
/// if it was recorded as seen only (filtered out, or older than the backfill window on the first poll).
struct FeedCursor: Equatable {
    struct Record: Equatable {
        var key: String
        var content: String
        var link: String?
        var emitted: Bool
    }

    var etag: String?
    var lastModified: String?
    /// SHA-256 of the last body that did not parse and went to quarantine, so the same body goes there once.
    var badBody: String?
    /// Set once a document of the feed parsed: before that, a poll is the first and the backfill window applies.
    var primed = false
    /// Oldest first.
    private(set) var records: [Record] = []
    private var byKey: [String: Int] = [:]
    private var byLink: [String: Int] = [:]
    private var byContent: [String: Int] = [:]

    init() {}

    // MARK: Lookup

    /// How an entry relates to what the feed showed before.
    enum Match: Equatable {
        /// Never seen, by key, link or content.
        case new
        /// Seen with the same content (perhaps under another id or link): nothing to do but remember this key.
        case unchanged(Record)
        /// Seen with other content. `byLink` when the id changed but the link did not.
        case changed(Record, byLink: Bool)
        /// The id is known but names another entry now (other link, other content): a new entry.
        case reusedID
    }

    func match(key: String, link: String?, content: String, hasContent: Bool) -> Match {
        if let index = byKey[key] {
            let record = records[index]
            if record.content == content { return .unchanged(record) }
            // Content seen before under another key (a document listing one id twice, an edit undone): not new.
            if hasContent, let index = byContent[content] { return .unchanged(records[index]) }
            if let link, let old = record.link, old != link { return .reusedID }
            return .changed(record, byLink: false)
        }
        if let link, let index = byLink[link] {
            let record = records[index]
            return record.content == content ? .unchanged(record) : .changed(record, byLink: true)
        }
        // Only real content may vouch for an entry: two empty entries are not the same entry.
        if hasContent, let index = byContent[content] { return .unchanged(records[index]) }
        return .new
    }

    func hasKey(_ key: String) -> Bool { byKey[key] != nil }

    // MARK: Update

    /// Records an entry as seen under its key (replacing what that key recorded before).
    mutating func record(_ record: Record) {
        if let index = byKey[record.key] {
            records[index] = record
            addToIndex(record, at: index)
        } else {
            records.append(record)
            addToIndex(record, at: records.count - 1)
        }
    }

    /// Keeps at most `limit` records, dropping the oldest that the current document does not list.
    mutating func bound(to limit: Int, keeping current: Set<String>) {
        guard records.count > limit else { return }
        var excess = records.count - max(limit, current.count)
        guard excess > 0 else { return }
        records.removeAll { record in
            guard excess > 0, !current.contains(record.key) else { return false }
            excess -= 1
            return true
        }
        reindex()
    }

    private mutating func addToIndex(_ record: Record, at index: Int) {
        byKey[record.key] = index
        if let link = record.link { byLink[link] = index }
        byContent[record.content] = index
    }

    private mutating func reindex() {
        byKey = [:]
        byLink = [:]
        byContent = [:]
        for (index, record) in records.enumerated() { self.addToIndex(record, at: index) }
    }

    static func == (lhs: FeedCursor, rhs: FeedCursor) -> Bool {
        lhs.etag == rhs.etag && lhs.lastModified == rhs.lastModified && lhs.badBody == rhs.badBody && lhs.primed == rhs.primed && lhs.records == rhs.records
    }

    // MARK: Encoding

    private struct Stored: Codable {
        var v: Int
        var etag: String?
        var modified: String?
        var bad: String?
        var primed: Bool?
        var seen: [String]
    }

    func encoded() -> String {
        let seen = records.map { "\($0.key).\($0.content).\($0.link ?? "-").\($0.emitted ? "m" : "s")" }
        let stored = Stored(v: 1, etag: etag, modified: lastModified, bad: badBody, primed: primed ? true : nil, seen: seen)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding five plain fields cannot fail.
        return (try? encoder.encode(stored)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The cursor a committed value holds; nil when it is not one of ours (then the feed starts afresh).
    init?(decoding value: String) {
        guard let stored = try? JSONDecoder().decode(Stored.self, from: Data(value.utf8)), stored.v == 1 else { return nil }
        etag = stored.etag
        lastModified = stored.modified
        badBody = stored.bad
        primed = stored.primed ?? false
        for line in stored.seen {
            let parts = line.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { continue }
            records.append(Record(key: String(parts[0]), content: String(parts[1]), link: parts[2] == "-" ? nil : String(parts[2]), emitted: parts[3] == "m"))
        }
        reindex()
    }

    /// A 64-bit hex prefix of SHA-256: enough to tell 5,000 entries apart (collision odds about 1 in 10^12).
    static func digest(_ text: String) -> String {
        String(RawPayload.hexDigest(Data(text.utf8)).prefix(16))
    }
}
