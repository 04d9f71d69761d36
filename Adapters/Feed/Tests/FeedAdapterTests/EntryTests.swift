import FeedAdapter
import Foundation
import IntakeCore
import Testing

/// What entries become: filters, backfill, edits, dedup across changed or reused ids, identities, and raw payloads
/// that rebuild their message alone.
@Suite struct EntryTests {
    typealias Item = FeedFixture.Item

    private func setUp(_ items: [Item], keywords: [String] = [], exclude: [String] = [], platform: String? = nil)
        throws -> (LocalFeedServer, Harness)
    {
        let server = try LocalFeedServer()
        server.set("/feed", .init(body: FeedFixture.rss(items)))
        let feed = FeedSource(url: server.url("/feed"), name: "f", keywords: keywords, exclude: exclude, platform: platform)
        let adapter = FeedAdapter(name: "mentions", configuration: FeedAdapterConfiguration(feeds: [feed], allowInsecureHTTP: true))
        return (server, try Harness(adapter))
    }

    private func serve(_ server: LocalFeedServer, _ items: [Item]) { server.update("/feed") { $0.body = FeedFixture.rss(items) } }

    @Test func keywordsAndExclusionsPickMentions() async throws {
        let items = [
            Item(guid: "1", title: "My ACME kettle broke", text: "third time", date: FeedFixture.recent),
            Item(guid: "2", title: "Nice weather", text: "nothing to see", date: FeedFixture.recent),
            Item(guid: "3", title: "Acme giveaway!", text: "win a kettle", date: FeedFixture.recent),
            Item(guid: "4", title: "Re: toasters", text: "the acme toaster caught fire", date: FeedFixture.recent),
        ]
        let (server, harness) = try setUp(items, keywords: ["acme"], exclude: ["giveaway"])
        try await harness.pollOnce()
        #expect(try await harness.messages().map(\.message.externalID).sorted() == ["id:1", "id:4"])
        // The others were recorded as seen: the same document again yields nothing.
        serve(server, items)
        #expect(try await harness.pollLater() == 0)
        #expect(try await harness.messages().count == 2)
        try await harness.finish()
    }

    @Test func backfillRecordsOldEntriesAsSeenOnTheFirstPollOnly() async throws {
        let old = FeedFixture.clockStart.addingTimeInterval(-48 * 3600)
        let (server, harness) = try setUp([
            Item(guid: "new", title: "new", text: "complaint", date: FeedFixture.recent),
            Item(guid: "old", title: "old", text: "complaint", date: old),
            Item(guid: "undated", title: "undated", text: "complaint"),
        ])
        #expect(try await harness.pollOnce() == 1)
        #expect(try await harness.messages().map(\.message.externalID) == ["id:new"])
        let value = try #require(try await harness.store.cursor(key: "mentions/\(server.url("/feed"))"))
        #expect(value.contains("\"primed\":true") && value.components(separatedBy: ".s\"").count - 1 == 2)

        // Later, an entry dated long ago that was never listed is new: backfill applies to the first poll only.
        serve(server, [
            Item(guid: "late", title: "late", text: "found later", date: old.addingTimeInterval(-24 * 3600)),
            Item(guid: "new", title: "new", text: "complaint", date: FeedFixture.recent),
            Item(guid: "old", title: "old", text: "complaint", date: old),
        ])
        #expect(try await harness.pollLater() == 1)
        #expect(try await harness.messages().map(\.message.externalID) == ["id:new", "id:late"])
        try await harness.finish()
    }

    @Test func anEditedEntryAppendsToItsCase() async throws {
        let (server, harness) = try setUp([Item(guid: "g1", link: "https://social.example/@ann/1", title: "Kettle", text: "It broke", date: FeedFixture.recent)])
        try await harness.pollOnce()
        serve(server, [Item(guid: "g1", link: "https://social.example/@ann/1", title: "Kettle", text: "It broke. Edit: and it leaks", date: FeedFixture.recent)])
        #expect(try await harness.pollLater() == 1)
        let messages = try await harness.messages()
        #expect(messages.count == 2)
        let edit = try #require(messages.last?.message)
        #expect(edit.flags == [.edited])
        #expect(edit.externalID.hasPrefix("id:g1#") && edit.externalID.count == "id:g1#".count + 16)
        #expect(edit.threadRefs == ["feed:mentions:id:g1"])
        #expect(edit.body == "It broke. Edit: and it leaks")
        #expect(messages[0].caseID == messages[1].caseID)
        #expect(try await harness.store.cases(.init()).count == 1)
        // The same edit again is nothing new.
        #expect(try await harness.pollLater() == 0)
        try await harness.finish()
    }

    @Test func dedupSurvivesChangedIdsAndTellsReusedIdsApart() async throws {
        let first = Item(guid: "a-1", link: "https://example.com/post/1", title: "Kettle", text: "It broke", author: "ann@example.com (Ann)", date: FeedFixture.recent)
        let (server, harness) = try setUp([first])
        #expect(try await harness.pollOnce() == 1)

        // The feed renumbers its GUIDs: same link, same content.
        var renumbered = first
        renumbered.guid = "b-1"
        serve(server, [renumbered])
        #expect(try await harness.pollLater() == 1)  // only the cursor, learning the new id
        #expect(try await harness.messages().count == 1)
        // Then moves the post too (new GUID and link) without changing what it says.
        var moved = renumbered
        moved.guid = "c-1"
        moved.link = "https://example.com/p/1"
        serve(server, [moved])
        #expect(try await harness.pollLater() == 1)
        #expect(try await harness.messages().count == 1)

        // A GUID reused for another post is a new mention, not an edit.
        let reused = Item(guid: "c-1", link: "https://example.com/p/2", title: "Toaster", text: "Caught fire", author: "bob@example.com (Bob)", date: FeedFixture.recent)
        serve(server, [reused, moved])
        #expect(try await harness.pollLater() == 1)
        let messages = try await harness.messages()
        #expect(messages.count == 2)
        let second = try #require(messages.last?.message)
        #expect(second.flags.isEmpty && second.threadRefs.isEmpty && second.externalID.hasPrefix("id:c-1#"))
        #expect(messages[0].caseID != messages[1].caseID)
        // A document listing the reused GUID twice stays quiet on the next poll.
        #expect(try await harness.pollLater() == 0)

        // An edit found by link (the GUID changed too) threads to the link the first message owns.
        var editedByLink = first
        editedByLink.guid = "d-1"
        editedByLink.text = "It broke, and support never answered"
        serve(server, [editedByLink])
        #expect(try await harness.pollLater() == 1)
        let edit = try #require(try await harness.messages().last?.message)
        #expect(edit.flags == [.edited] && edit.threadRefs == ["feed:mentions:link:https://example.com/post/1"])
        #expect(try await harness.messages().last?.caseID == messages[0].caseID)
        try await harness.finish()
    }

    @Test func theSeenSetIsBoundedButKeepsWhatTheFeedLists() async throws {
        let server = try LocalFeedServer()
        func items(_ range: ClosedRange<Int>) -> [Item] {
            range.reversed().map { Item(guid: "e\($0)", title: "Entry \($0)", text: "text \($0)", date: FeedFixture.recent) }
        }
        server.set("/feed", .init(body: FeedFixture.rss(items(1...5))))
        let feed = FeedSource(url: server.url("/feed"))
        let harness = try Harness(FeedAdapter(name: "m", configuration: FeedAdapterConfiguration(feeds: [feed], allowInsecureHTTP: true, seenLimit: 3)))
        func seen() async throws -> Int {
            let value = try #require(try await harness.store.cursor(key: harness.adapter.cursorKey(for: feed)))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(value.utf8)) as? [String: Any])
            return (object["seen"] as? [String])?.count ?? -1
        }
        #expect(try await harness.pollOnce() == 5)
        #expect(try await seen() == 5)  // never fewer than the document lists
        server.update("/feed") { $0.body = FeedFixture.rss(items(6...7)) }
        #expect(try await harness.pollLater() == 2)
        #expect(try await seen() == 3)
        #expect(try await harness.pollLater() == 0)  // what the feed lists is still known
        #expect(try await harness.messages().count == 7)
        try await harness.finish()
    }

    @Test func authorsBecomeIdentities() async throws {
        let (_, harness) = try setUp([
            Item(guid: "m1", link: "https://mastodon.example/@Ann/109", title: nil, text: "my kettle broke", date: FeedFixture.recent),
            Item(guid: "r1", link: "https://reddit.example/r/kettles/1", title: "Kettle", text: "same", author: "bob@example.com (Bob)", date: FeedFixture.recent),
        ], platform: "mastodon")
        try await harness.pollOnce()
        let messages = try await harness.messages().map(\.message)
        let ann = try #require(messages.first { $0.externalID == "id:m1" })
        #expect(ann.sender.identities == [Identity.handle(platform: "mastodon", "@ann@mastodon.example")])
        #expect(ann.channel == .social && ann.isPublic && ann.subject == nil && ann.body == "my kettle broke")
        #expect(ann.ownRefs == ["feed:mentions:id:m1", "feed:mentions:link:https://mastodon.example/@Ann/109"])
        let bob = try #require(messages.first { $0.externalID == "id:r1" })
        #expect(bob.sender.identities == [Identity(kind: .email, value: "bob@example.com")] && bob.sender.displayName == "Bob")
        try await harness.finish()
    }

    @Test func rawPayloadsRebuildTheirMessageAlone() async throws {
        let (_, harness) = try setUp([
            Item(guid: "1", link: "https://example.com/1", title: "One", text: "first", date: FeedFixture.recent),
            Item(guid: "2", link: "https://example.com/2", title: "Two", text: "second", date: FeedFixture.recent),
        ])
        let items = try await harness.poll()
        #expect(items.count == 2)
        #expect(Set(items.map(\.raw.sha256)).count == 2)  // each entry has bytes of its own
        for item in items {
            let message = try #require(try harness.adapter.normalize(item.raw, receivedAt: item.receivedAt).first)
            // What the store hands back: bytes and content type only (metadata of a shared payload is not trusted).
            let stored = RawPayload(contentType: item.raw.contentType, bytes: item.raw.bytes)
            let again = try #require(try harness.adapter.normalize(stored, receivedAt: item.receivedAt).first)
            #expect(again.externalID == message.externalID && again.body == message.body && again.ownRefs == message.ownRefs)
        }
        let garbage = RawPayload(contentType: items[0].raw.contentType, bytes: Data("{\"nope\":1}".utf8))
        #expect(throws: NormalizationError.self) { _ = try harness.adapter.normalize(garbage, receivedAt: Date()) }
        try await harness.finish()
    }
}
