import FeedAdapter
import Foundation
import IntakeCore
import IntakeStore
import IntakeTesting
import Logging
import ServiceLifecycle
import Testing

@Suite struct ProbeTests {
    @Test func probe() async throws {
        let server = try LocalFeedServer()
        let posted = PostedItems()
        server.set("/tag.rss", .init(body: FeedFixture.rss([])))
        let feed = FeedSource(url: server.url("/tag.rss"), name: "tag", platform: "mastodon")
        let adapter = FeedAdapter(name: "mentions", configuration: FeedAdapterConfiguration(feeds: [feed], allowInsecureHTTP: true))
        let store = FailingCaseStore(wrapping: try SQLiteCaseStore(path: Harness.temporaryDatabase()))
        let stream = CaseStream(store: store, logger: Harness.quiet)
        let clock = TestClock()
        let service = PollingAdapterService(adapter: adapter, stream: stream, store: store, health: AdapterHealth(), clock: clock, logger: Harness.quiet)
        let runner = Task { try await stream.run() }
        server.update("/tag.rss") { $0.body = FeedFixture.rss(posted.add(2)) }
        store.setFailing(true)
        do { try await service.pollOnce(); print("PROBE no throw") } catch { print("PROBE threw \(type(of: error)) \(error)") }
        store.setFailing(false)
        print("PROBE stored", try await service.pollOnce())
        print("PROBE again", try await service.pollOnce())
        stream.stopAccepting()
        try await runner.value
        print("PROBE stream done")
        let group = ServiceGroup(services: [service], logger: Harness.quiet)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while clock.sleeperCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
            print("PROBE sleeping")
            await group.triggerGracefulShutdown()
            print("PROBE triggered")
            try await Task.sleep(for: .seconds(2))
            print("PROBE still running after 2s: cancelling")
            tasks.cancelAll()
            try await tasks.waitForAll()
        }
        print("PROBE group done")
    }
}
