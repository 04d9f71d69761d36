import FeedAdapter
import Foundation
import IntakeCore
import IntakeStore
import IntakeTesting
import Synchronization
import Testing

/// The adapter conformance kit, against a real feed server and SQLite store, and the cursor contract.
@Suite struct ConformanceTests {
    // The time limit turns a hang in the kit's graceful-shutdown step into a failure.
    @Test(.timeLimit(.minutes(1))) func passesThePollingConformanceKit() async throws {
        let server = try LocalFeedServer()
        let posted = PostedItems()
        // A private feed token in the URL must not leak into any error.
        let path = "/tag.rss?token=s3cret-feed-token"
        server.set(path, .init(body: FeedFixture.rss([])))
        let feed = FeedSource(url: server.url(path), name: "tag", platform: "mastodon")
        let adapter = FeedAdapter(name: "mentions", configuration: FeedAdapterConfiguration(feeds: [feed], allowInsecureHTTP: true))
        let store = FailingCaseStore(wrapping: try SQLiteCaseStore(path: Harness.temporaryDatabase()))
        try await AdapterConformance.polling(adapter, store: store, cursorKey: adapter.cursorKey(for: feed), secrets: ["s3cret-feed-token"]) { count in
            let items = posted.add(count)
            server.update(path) { $0.body = FeedFixture.rss(items) }
        } deliverMalformed: {
            server.update(path) { $0.body = Data("<rss><channel><item><title>unclosed".utf8) }
        }
        #expect(try await store.cursor(key: "mentions/\(server.url(path))") != nil)
        #expect(!adapter.feedStatus().contains { $0.url.contains("s3cret") })
    }

    @Test func theCursorMovesOnlyAfterCommitAndAFailedStoreRefetches() async throws {
        let server = try LocalFeedServer()
        server.set("/feed", .init(
            body: FeedFixture.rss([.init(guid: "1", title: "Kettle", text: "broke", date: FeedFixture.recent)]), etag: "\"e1\""))
        let feed = FeedSource(url: server.url("/feed"))
        let harness = try Harness(FeedAdapter(name: "mentions", configuration: FeedAdapterConfiguration(feeds: [feed], allowInsecureHTTP: true)))
        let key = harness.adapter.cursorKey(for: feed)

        // Polling alone hands out items with their cursor, but nothing is committed.
        let items = try await harness.poll()
        #expect(items.count == 1 && items[0].cursor?.key == key && items[0].cursor?.value.contains("\\\"e1\\\"") == true)
        #expect(try await harness.store.cursor(key: key) == nil)

        // A store failure: the poll throws, the cursor stays, and the feed is fetched again at once (without validators).
        await harness.adapter.didFail(items, error: CancellationError())
        harness.store.setFailing(true)
        await #expect(throws: StoreError.self) { try await harness.pollOnce() }
        #expect(try await harness.store.cursor(key: key) == nil)
        harness.store.setFailing(false)
        #expect(try await harness.pollOnce() == 1)
        #expect(server.requests(to: "/feed").allSatisfy { $0.headers["if-none-match"] == nil })
        #expect(try await harness.store.cursor(key: key)?.contains("\\\"e1\\\"") == true)
        #expect(try await harness.messages().count == 1)
        try await harness.finish()
    }

    @Test func aFeedIsNotFetchedBeforeItsInterval() async throws {
        let server = try LocalFeedServer()
        server.set("/feed", .init(body: FeedFixture.rss([])))
        let feed = FeedSource(url: server.url("/feed"), interval: .seconds(600))
        let harness = try Harness(FeedAdapter(name: "m", configuration: FeedAdapterConfiguration(feeds: [feed], allowInsecureHTTP: true)))
        try await harness.pollOnce()
        harness.clock.advance(by: .seconds(599))
        try await harness.pollOnce()
        #expect(server.requests(to: "/feed").count == 1)
        harness.clock.advance(by: .seconds(1))
        try await harness.pollOnce()
        #expect(server.requests(to: "/feed").count == 2)
        #expect(harness.adapter.pollInterval == .seconds(30))
        try await harness.finish()
    }
}

/// Entries the conformance kit asked for, newest first as feeds list them.
final class PostedItems: Sendable {
    private let items = Mutex<[FeedFixture.Item]>([])

    func add(_ count: Int) -> [FeedFixture.Item] {
        items.withLock { items in
            for _ in 0..<count {
                let number = items.count + 1
                items.insert(.init(guid: "https://social.example/@user\(number)/\(number)", link: "https://social.example/@user\(number)/\(number)",
                                   title: "Mention \(number)", text: "The kettle broke (\(number))", date: FeedFixture.recent), at: 0)
            }
            return items
        }
    }
}
