import FeedAdapter
import Foundation
import IntakeCore
import IntakeStore
import IntakeTesting
import Logging

/// Builds RSS documents for the tests.
enum FeedFixture {
    struct Item {
        var guid: String?
        var link: String?
        var title: String?
        var text: String?
        var author: String?
        var date: Date?
    }

    /// The time `TestClock` starts at, and entries one hour before it (inside any backfill window).
    static let clockStart = Date(timeIntervalSince1970: 1_800_000_000)
    static let recent = clockStart.addingTimeInterval(-3600)

    static func rss(_ items: [Item], title: String = "Mentions") -> Data {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>\#(escape(title))</title><link>https://example.com/</link>"#
        for item in items {
            xml += "<item>"
            if let guid = item.guid { xml += "<guid isPermaLink=\"false\">\(escape(guid))</guid>" }
            if let link = item.link { xml += "<link>\(escape(link))</link>" }
            if let title = item.title { xml += "<title>\(escape(title))</title>" }
            if let text = item.text { xml += "<description>\(escape(text))</description>" }
            if let author = item.author { xml += "<author>\(escape(author))</author>" }
            if let date = item.date { xml += "<pubDate>\(rfc822(date))</pubDate>" }
            xml += "</item>"
        }
        return Data((xml + "</channel></rss>").utf8)
    }

    static func rfc822(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// A real store, case stream and polling service around one adapter, on a test clock.
final class Harness: Sendable {
    let store: FailingCaseStore
    let stream: CaseStream
    let clock = TestClock()
    let service: PollingAdapterService
    let adapter: FeedAdapter
    private let runner: Task<Void, any Error>

    static let quiet: Logger = {
        var logger = Logger(label: "feed-tests")
        logger.logLevel = .critical
        return logger
    }()

    init(_ adapter: FeedAdapter) throws {
        self.adapter = adapter
        store = FailingCaseStore(wrapping: try SQLiteCaseStore(path: Self.temporaryDatabase()))
        stream = CaseStream(store: store, logger: Self.quiet)
        service = PollingAdapterService(adapter: adapter, stream: stream, store: store, health: AdapterHealth(), clock: clock, logger: Self.quiet)
        runner = Task { [stream] in try await stream.run() }
    }

    static func temporaryDatabase() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("feed-adapter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("db.sqlite").path
    }

    /// Polls without committing: what the adapter would hand the core.
    func poll() async throws -> [PolledItem] {
        try await adapter.poll(PollContext(clock: clock, store: store))
    }

    /// One poll through the core: normalize, commit with cursors, acknowledge.
    @discardableResult
    func pollOnce() async throws -> Int { try await service.pollOnce() }

    /// Advances past every feed's interval and polls through the core.
    @discardableResult
    func pollLater(by duration: Duration = .seconds(3600)) async throws -> Int {
        clock.advance(by: duration)
        return try await pollOnce()
    }

    func messages() async throws -> [StoredMessage] {
        var all: [StoredMessage] = []
        for record in try await store.cases(CaseQuery(limit: 500)) {
            all += try await store.caseDetail(id: record.id)?.messages ?? []
        }
        return all.sorted { $0.id < $1.id }
    }

    func finish() async throws {
        stream.stopAccepting()
        try await runner.value
    }
}
