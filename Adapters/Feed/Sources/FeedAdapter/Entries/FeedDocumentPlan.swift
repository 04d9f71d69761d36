import FeedParsing
import Foundation
import IntakeCore

/// Decides, for one parsed document, which entries become messages and what the cursor holds after each.
///
/// Entries are matched against the committed cursor by dedup key, then link, then content:
/// - unchanged (even under a new id or link): nothing, the new key is remembered;
/// - changed content of an entry that became a message: an edit (`#<content digest>` appended to the
///   external id, flagged `.edited`, threaded to the earlier message's reference);
/// - a known id naming another entry (other link and content): a new message (`#<content digest>`);
/// - new: a message if the filters accept it and, on the feed's first poll, it is within the backfill window;
///   otherwise it is recorded as seen only.
struct FeedDocumentPlan {
    let adapter: String
    let feed: FeedSource
    let seenLimit: Int

    struct Output {
        /// One payload per message, with the cursor value to commit with it.
        var messages: [(payload: EntryPayload, cursor: String)]
        /// The cursor after the whole document.
        var finalCursor: String
    }

    func plan(document: ParsedFeed, body: Data, response: FeedResponse, committed: FeedCursor?, now: Date) -> Output {
        var working = committed ?? FeedCursor()
        let firstPoll = !working.primed
        let cutoff = now.addingTimeInterval(-feed.backfill.timeInterval)
        let filter = EntryFilter(feed)
        let documentSHA = RawPayload.hexDigest(body)
        var base = working  // what is recorded as seen only; messages are added one by one below
        var emitted: [(EntryPayload, FeedCursor.Record)] = []
        var current = Set<String>()

        // Feeds list newest first: handle oldest first, so cases open in the order things were said.
        for entry in document.entries.reversed() {
            let key = FeedCursor.digest(entry.dedupKey)
            let link = entry.link.map(FeedCursor.digest)
            let material = Self.contentMaterial(entry)
            let content = FeedCursor.digest(material.text)
            current.insert(key)
            let seenOnly = FeedCursor.Record(key: key, content: content, link: link, emitted: false)
            let isOld = entry.date.map { $0 < cutoff } ?? firstPoll
            var externalID = entry.dedupKey
            var edits: String?
            let wanted: Bool
            switch working.match(key: key, link: link, content: content, hasContent: material.hasContent) {
            case .unchanged(let known):
                if !working.hasKey(key) {
                    // The same entry under a new id: remember the id, as the entry it is.
                    let alias = FeedCursor.Record(key: key, content: content, link: link, emitted: known.emitted)
                    working.record(alias)
                    base.record(alias)
                }
                continue
            case .new:
                wanted = filter.accepts(entry) && !(firstPoll && isOld)
            case .reusedID:
                externalID += "#" + content
                wanted = filter.accepts(entry) && !(firstPoll && isOld)
            case .changed(let earlier, let byLink):
                externalID += "#" + content
                if earlier.emitted {
                    // An edit of a mention appends to its case whatever the filters say now.
                    edits = FeedMessageBuilder.ref(adapter: adapter, key: byLink ? "link:" + (entry.link ?? "") : entry.dedupKey)
                    wanted = true
                } else {
                    wanted = filter.accepts(entry) && !isOld
                }
            }
            if wanted {
                var record = seenOnly
                record.emitted = true
                working.record(record)
                emitted.append((EntryPayload(
                    feed: feed, feedTitle: document.title, entry: entry, contentDigest: content, externalID: externalID,
                    edits: edits, documentSHA256: documentSHA), record))
            } else {
                working.record(seenOnly)
                base.record(seenOnly)
            }
        }

        base.primed = true
        base.etag = response.etag
        base.lastModified = response.lastModified
        base.bound(to: seenLimit, keeping: current)
        var messages: [(payload: EntryPayload, cursor: String)] = []
        for (payload, record) in emitted {
            base.record(record)
            base.bound(to: seenLimit, keeping: current)
            messages.append((payload, base.encoded()))
        }
        return Output(messages: messages, finalCursor: base.encoded())
    }

    /// What an entry says and who said it: its identity when ids and links change.
    static func contentMaterial(_ entry: FeedEntry) -> (text: String, hasContent: Bool) {
        let title = entry.title?.trimmedWhitespace() ?? ""
        let body = (entry.contentText ?? entry.summaryText)?.trimmedWhitespace() ?? ""
        let author = entry.author.map { [$0.name ?? "", $0.email ?? "", $0.uri ?? ""].joined(separator: "|") } ?? ""
        return (title + "\u{0}" + body + "\u{0}" + author, !(title.isEmpty && body.isEmpty))
    }
}
