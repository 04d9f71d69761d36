import Foundation
@testable import IMAPAdapter
import IntakeCore
import IntakeStore
import IntakeTesting
import Logging

/// The core's real path for one IMAP adapter: SQLite store, case stream, polling service.
struct IntakeHarness {
    let adapter: IMAPAdapter
    let store: FailingCaseStore
    let stream: CaseStream
    let service: PollingAdapterService
    let health = AdapterHealth()

    init(adapter: IMAPAdapter) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imap-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        self.adapter = adapter
        store = FailingCaseStore(wrapping: try SQLiteCaseStore(path: dir.appendingPathComponent("db.sqlite").path, durability: .normal))
        stream = CaseStream(store: store, logger: Self.logger)
        service = PollingAdapterService(adapter: adapter, stream: stream, store: store, health: health, clock: TestClock(), logger: Self.logger)
    }

    static let logger: Logger = {
        var logger = Logger(label: "imap-tests")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs `body` with the case stream running.
    func run(_ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await stream.run() }
            do {
                try await body()
                stream.stopAccepting()
                try await group.waitForAll()
            } catch {
                stream.stopAccepting()
                throw error
            }
        }
    }

    /// Polls until a poll stores nothing; returns how many items were stored.
    @discardableResult
    func drain(maxPolls: Int = 50) async throws -> Int {
        var total = 0
        for _ in 0..<maxPolls {
            let stored = try await service.pollOnce()
            if stored == 0 { return total }
            total += stored
        }
        return total
    }

    /// Every `message.received` event (one per message stored in a case).
    func messageEvents() async throws -> [CaseEvent] {
        try await store.events(after: 0, limit: 100_000).filter { $0.type == .messageReceived }
    }

    func cases() async throws -> [CaseRecord] { try await store.cases(CaseQuery(limit: 1000)) }

    func cursor(mailbox: String = "INBOX") async throws -> String? {
        try await store.cursor(key: "\(adapter.name)/\(mailbox)")
    }
}

extension IMAPAdapter {
    /// An adapter for a test server: plain IMAP on loopback unless `tls` says otherwise.
    static func forTest(
        _ server: DovecotServer, name: String = "support", tls: IMAPServer.TLSMode = .none, password: String? = nil, credential: IMAPServer.Credential? = nil,
        caFile: String? = nil, afterStore: AfterStore = .seen, limits: Limits = Limits(), mailboxes: [String] = ["INBOX"]
    ) -> IMAPAdapter {
        let port = tls == .imaps ? (server.tlsPort ?? server.port) : server.port
        let imap = IMAPServer(host: "127.0.0.1", port: port, tls: tls, caFile: caFile, user: DovecotServer.user,
                              credential: credential ?? .password(password ?? server.password))
        return IMAPAdapter(name: name, configuration: Configuration(server: imap, mailboxes: mailboxes, afterStore: afterStore, limits: limits),
                           logger: IntakeHarness.logger)
    }
}

/// Builds test mails.
enum TestMail {
    static func make(
        _ index: Int, from: String = "Ann Customer <ann@example.com>", subject: String? = nil, messageID: String? = nil,
        headers: [String] = [], body: String? = nil, withoutMessageID: Bool = false
    ) -> String {
        var lines = [
            "From: \(from)",
            "To: support@example.com",
            "Subject: \(subject ?? "Kettle \(index) broke")",
            "Date: Mon, 2 Mar 2026 10:\(String(format: "%02d", index % 60)):00 +0000",
        ]
        if !withoutMessageID {
            lines.append("Message-ID: <\(messageID ?? "mail-\(index)-\(UUID().uuidString.prefix(8))@example.com")>")
        }
        lines += headers
        lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "", body ?? "My kettle number \(index) stopped working.\n"]
        return lines.joined(separator: "\n")
    }
}
