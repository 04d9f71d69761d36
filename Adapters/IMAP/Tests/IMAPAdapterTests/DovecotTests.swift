import Foundation
@testable import IMAPAdapter
import IntakeCore
import IntakeStore
import IntakeTesting
import Testing

/// The adapter against a real Dovecot, through the core's polling service and the SQLite store.
@Suite(.serialized) struct DovecotTests {
    @Test func aHundredMailsOverImapsAreStoredOnceAndFlaggedSeen() async throws {
        let server = try DovecotServer(tls: true)
        for index in 1...100 { try server.deliver(TestMail.make(index, from: "Customer \(index) <c\(index)@example.com>")) }
        let harness = try IntakeHarness(adapter: .forTest(server, tls: .imaps, caFile: server.certificateFile))
        try await harness.run { () async throws in
            #expect(try await harness.drain() == 100)
            #expect(try await harness.service.pollOnce() == 0)
            #expect(try await harness.messageEvents().count == 100)
            #expect(try await harness.cases().count == 100)
            let validity = try #require(try server.uidValidity())
            #expect(try await harness.cursor() == "\(validity):100")
        }
        let flags = try server.flags()
        #expect(flags.count == 100 && flags.values.allSatisfy { $0.contains("\\Seen") })
    }

    @Test func mailReadInBetweenIsStillTakenOverStartTLS() async throws {
        let server = try DovecotServer(tls: true)
        for index in 1...3 { try server.deliver(TestMail.make(index)) }
        // Someone reads mail 2 in their mail client before the gateway polls.
        try server.setSeen(uid: 2)
        let harness = try IntakeHarness(adapter: .forTest(server, tls: .starttls, caFile: server.certificateFile))
        try await harness.run { () async throws in
            #expect(try await harness.drain() == 3)
            #expect(try await harness.messageEvents().count == 3)
        }
    }

    @Test func aUIDValidityResetResyncsWithoutDuplicates() async throws {
        let server = try DovecotServer()
        for index in 1...4 { try server.deliver(TestMail.make(index)) }
        try server.deliver(TestMail.make(5, subject: "No id here", withoutMessageID: true))
        let harness = try IntakeHarness(adapter: .forTest(server))
        try await harness.run { () async throws in
            #expect(try await harness.drain() == 5)
            let before = try #require(try server.uidValidity())
            try await Task.sleep(for: .milliseconds(1100))  // dovecot derives a new UIDVALIDITY from the clock
            try server.resetUIDValidity()
            for index in 6...7 { try server.deliver(TestMail.make(index)) }
            let after = try #require(try server.uidValidity())
            #expect(after != before, "the reset must give a new UIDVALIDITY for this test to mean anything")
            // The resync takes all 7 again (UIDs 1...7 under the new UIDVALIDITY); the 5 known ones are duplicates.
            #expect(try await harness.drain() == 7)
            #expect(try await harness.messageEvents().count == 7)
            #expect(try await harness.cases().count == 7)
            #expect(try await harness.cursor() == "\(after):7")
        }
    }

    @Test func aServerRestartMidPollFailsClearlyThenRecovers() async throws {
        let server = try DovecotServer()
        // 40 mails of 400 KB: more than the socket buffers hold, so the server goes while the batch streams.
        let filler = String(repeating: "The kettle still leaks after the third visit. ", count: 9_000)
        for index in 1...40 { try server.deliver(TestMail.make(index, body: filler)) }
        var adapter = IMAPAdapter.forTest(server)
        let stopped = StopOnce()
        adapter.afterEachFetch = { count in
            stopped.count = count
            if count == 10 { stopped.run { try? server.stop() } }
        }
        let validity = try #require(try server.uidValidity())
        let harness = try IntakeHarness(adapter: adapter)
        try await harness.run { () async throws in
            // The poll keeps the unbroken run of mails that arrived before the server went; acknowledging them fails.
            let first = try await #require(throws: IMAPError.self) { try await harness.service.pollOnce() }
            #expect(first.isConnectionFailure, "\(first)")
            let kept = try await harness.messageEvents().count
            #expect(kept >= 10 && kept < 40, "stored \(kept) of 40: the batch should have broken off midway")
            #expect(try await harness.cursor() == "\(validity):\(kept)")
            // While it is down: a clear error naming the server, without the password.
            let error = try await #require(throws: IMAPError.self) { try await harness.service.pollOnce() }
            #expect(error.isConnectionFailure)
            #expect(error.description.contains("127.0.0.1:\(server.port)"))
            #expect(!error.description.contains(server.password))
            try server.start()
            #expect(try await harness.drain() == 40 - kept)
            #expect(try await harness.messageEvents().count == 40)
            #expect(try await harness.cursor() == "\(validity):40")
        }
    }

    @Test func aWrongPasswordIsAClearErrorWithoutThePassword() async throws {
        let server = try DovecotServer()
        try server.deliver(TestMail.make(1))
        let wrong = "wrong-" + server.password
        let harness = try IntakeHarness(adapter: .forTest(server, password: wrong))
        try await harness.run { () async throws in
            let error = try await #require(throws: IMAPError.self) { try await harness.service.pollOnce() }
            #expect(error.isLoginRefused)
            #expect(error.description.contains("login to IMAP server 127.0.0.1:\(server.port) as \"ann\" was refused"))
            #expect(!error.description.contains(wrong) && !error.description.contains(server.password))
            #expect(try await harness.cursor() == nil)
        }
    }

    @Test func anOAuth2TokenLogsInWithXOAUTH2AndABadTokenIsRefusedWithoutTheToken() async throws {
        let token = "ya29.good-" + UUID().uuidString
        let server = try DovecotServer(oauth2Token: token)
        for index in 1...3 { try server.deliver(TestMail.make(index)) }

        let bad = "ya29.expired-" + UUID().uuidString
        let refused = try IntakeHarness(adapter: .forTest(server, credential: .bearer(bad)))
        try await refused.run { () async throws in
            let error = try await #require(throws: IMAPError.self) { try await refused.service.pollOnce() }
            #expect(error.isLoginRefused)
            #expect(!error.description.contains(bad) && !error.description.contains(token))
            #expect(try await refused.cursor() == nil)
        }

        let harness = try IntakeHarness(adapter: .forTest(server, credential: .bearer(token)))
        try await harness.run { () async throws in
            #expect(try await harness.service.pollOnce() == 3)
            #expect(try await harness.messageEvents().count == 3)
        }
        // Dovecot's oauth2 passdb checked both tokens with the introspection endpoint; the login was SASL XOAUTH2.
        let checks = try String(contentsOf: server.introspectionLog, encoding: .utf8).split(separator: "\n")
        #expect(checks.contains { $0.contains("\"active\": true") } && checks.contains { $0.contains("\"active\": false") })
        let log = try String(contentsOf: server.root.appendingPathComponent("dovecot.log"), encoding: .utf8)
        #expect(log.contains("user=<ann>, method=XOAUTH2"), "no XOAUTH2 login in the Dovecot log")
    }

    @Test func anUntrustedCertificateIsATLSError() async throws {
        let server = try DovecotServer(tls: true)
        let harness = try IntakeHarness(adapter: .forTest(server, tls: .imaps))  // no ca_file: the self-signed cert is not trusted
        try await harness.run { () async throws in
            let error = try await #require(throws: IMAPError.self) { try await harness.service.pollOnce() }
            #expect(error.isTLSFailure, "\(error)")
            #expect(error.description.hasPrefix("TLS with IMAP server 127.0.0.1:"))
            #expect(!error.description.contains(server.password))
        }
    }

    @Test func anOversizeMailIsQuarantinedWithItsHeader() async throws {
        let server = try DovecotServer()
        let big = String(repeating: "BODY-BYTES-", count: 1000)
        try server.deliver(TestMail.make(1, subject: "Photos of the damage", body: big))
        try server.deliver(TestMail.make(2))
        let harness = try IntakeHarness(adapter: .forTest(server, limits: .init(maxBytes: 4096)))
        try await harness.run { () async throws in
            #expect(try await harness.drain() == 2)
            #expect(try await harness.messageEvents().count == 1)
            let entries = try await harness.store.quarantine(status: .pending, limit: 10)
            let listed = try #require(entries.first)
            #expect(entries.count == 1)
            // A listing carries each payload's size, not its bytes; the entry read by id has them.
            let entry = try #require(try await harness.store.quarantineEntry(id: listed.id))
            #expect(listed.raw.bytes.isEmpty && listed.rawSize == entry.raw.bytes.count && listed.raw.sha256 == entry.raw.sha256)
            #expect(entry.reason.contains("over max_bytes (0.0 MB)") || entry.reason.contains("over max_bytes"))
            #expect(entry.reason.contains("kept with its header only") && entry.reason.contains("Subject: Photos of the damage"))
            // Dovecot numbers maildir files in the order it reads them, so the UID is not known in advance.
            let uid = try #require(entry.raw.metadata["uid"])
            #expect(entry.raw.metadata["truncated"] == "headers" && entry.reason.contains("mailbox INBOX, UID \(uid)"))
            let kept = String(decoding: entry.raw.bytes, as: UTF8.self)
            #expect(kept.contains("Subject: Photos of the damage") && !kept.contains("BODY-BYTES"))
            // Quarantine retry runs normalize on the stored bytes alone: still refused, for the same reason.
            #expect(throws: NormalizationError.self) { try harness.adapter.normalize(entry.raw, receivedAt: Date()) }
        }
    }

    @Test func autoRepliesAttachToTheirCaseAndNeverOpenOne() async throws {
        let server = try DovecotServer()
        try server.deliver(TestMail.make(1, messageID: "original-1@example.com"))
        let harness = try IntakeHarness(adapter: .forTest(server))
        try await harness.run { () async throws in
            #expect(try await harness.drain() == 1)
            let opened = try #require(try await harness.cases().first)
            try server.deliver(TestMail.make(2, from: "Bob <bob@example.net>", subject: "Out of office: Kettle 1 broke",
                                             headers: ["Auto-Submitted: auto-replied", "In-Reply-To: <original-1@example.com>"]))
            try server.deliver(TestMail.make(3, from: "Carol <carol@example.org>", subject: "Automatic reply",
                                             headers: ["Auto-Submitted: auto-replied"]))
            #expect(try await harness.drain() == 2)
            let cases = try await harness.cases()
            #expect(cases.count == 1)
            let detail = try #require(try await harness.store.caseDetail(id: opened.id))
            #expect(detail.messages.count == 2)
            #expect(detail.messages.last?.message.flags == [.automated])
            #expect(try await harness.store.quarantineCount() == 0)
        }
    }

    @Test func aCCdReplyAndACaseTokenJoinTheCase() async throws {
        let server = try DovecotServer()
        try server.deliver(TestMail.make(1, messageID: "first@example.com"))
        let harness = try IntakeHarness(adapter: .forTest(server))
        try await harness.run { () async throws in
            #expect(try await harness.drain() == 1)
            let opened = try #require(try await harness.cases().first)
            try server.deliver(TestMail.make(2, from: "Dave <dave@partner.example>", subject: "Re: Kettle 1 broke",
                                             headers: ["Cc: ann@example.com", "In-Reply-To: <first@example.com>", "References: <first@example.com>"]))
            try server.deliver(TestMail.make(3, from: "Eve <eve@example.com>", subject: "Re: Kettle [#\(opened.reference)]"))
            #expect(try await harness.drain() == 2)
            #expect(try await harness.cases().count == 1)
            #expect(try await harness.store.caseDetail(id: opened.id)?.messages.count == 3)
        }
    }

    @Test func afterStoreMoveMovesOnlyStoredMail() async throws {
        let server = try DovecotServer()
        try server.createMailbox("Processed")
        for index in 1...3 { try server.deliver(TestMail.make(index)) }
        let harness = try IntakeHarness(adapter: .forTest(server, afterStore: .move("Processed")))
        try await harness.run { () async throws in
            #expect(try await harness.drain() == 3)
        }
        #expect(try server.flags().isEmpty)
        #expect(try server.flags(mailbox: "Processed").count == 3)
    }

    /// Long replies (a listing of 200, MOVE's EXPUNGE lines) in one command each; 300 mails take two
    /// polls of at most 200.
    @Test func aBacklogOfThreeHundredIsStoredOnceAndMoved() async throws {
        let server = try DovecotServer()
        try server.createMailbox("Processed")
        for index in 1...300 { try server.deliver(TestMail.make(index)) }
        let harness = try IntakeHarness(adapter: .forTest(server, afterStore: .move("Processed")))
        try await harness.run { () async throws in
            #expect(try await harness.service.pollOnce() == 200)
            #expect(try await harness.drain() == 100)
            #expect(try await harness.messageEvents().count == 300)
        }
        #expect(try server.flags().isEmpty)
        #expect(try server.flags(mailbox: "Processed").count == 300)
    }

    @Test func mailStoredButNotYetMovedIsMovedByTheNextPoll() async throws {
        let server = try DovecotServer()
        for index in 1...4 { try server.deliver(TestMail.make(index)) }
        let harness = try IntakeHarness(adapter: .forTest(server, afterStore: .move("Processed")))
        try await harness.run { () async throws in
            // The folder is missing: the mails are stored, moving them fails (as if the gateway died in between).
            await #expect(throws: IMAPError.self) { try await harness.service.pollOnce() }
            #expect(try await harness.messageEvents().count == 4)
            #expect(try server.flags().count == 4)
            try server.createMailbox("Processed")
            #expect(try await harness.drain() == 0)
            #expect(try server.flags().isEmpty, "the next poll applied after_store to what was stored")
            #expect(try server.flags(mailbox: "Processed").count == 4)
            #expect(try await harness.messageEvents().count == 4)
            let acknowledged = try await harness.store.cursor(key: "acknowledged:\(harness.adapter.name)/INBOX")
            let committed = try await harness.cursor()
            #expect(acknowledged != nil && acknowledged == committed)
        }
    }

    @Test func mailStoredBeforeAcknowledgedPositionsWereKeptIsLeftAlone() async throws {
        let server = try DovecotServer()
        for index in 1...3 { try server.deliver(TestMail.make(index)) }
        let validity = try #require(try server.uidValidity())
        let harness = try IntakeHarness(adapter: .forTest(server))
        // As an older gateway left it: mails 1 and 2 stored (a person marked them unread since), no acknowledged position.
        try await harness.store.setCursor(key: "\(harness.adapter.name)/INBOX", value: "\(validity):2")
        try await harness.run { () async throws in
            #expect(try await harness.drain() == 1)
        }
        let flags = try server.flags()
        #expect(flags[1].map { !$0.contains("\\Seen") } == true && flags[2].map { !$0.contains("\\Seen") } == true, "\(flags)")
        #expect(flags[3]?.contains("\\Seen") == true)
    }

    @Test func afterStoreLeaveKeepsUnreadMailUnread() async throws {
        let server = try DovecotServer()
        for index in 1...2 { try server.deliver(TestMail.make(index)) }
        try server.setSeen(uid: 2)
        let harness = try IntakeHarness(adapter: .forTest(server, afterStore: .leave))
        try await harness.run { () async throws in
            #expect(try await harness.drain() == 2)
        }
        let flags = try server.flags()
        #expect(flags[1].map { !$0.contains("\\Seen") } == true, "\(flags)")
        #expect(flags[2]?.contains("\\Seen") == true)
    }

    @Test func aFailedStoreLeavesTheSeenFlagsAsTheyWereAndKeepsTheCursor() async throws {
        let server = try DovecotServer()
        for index in 1...3 { try server.deliver(TestMail.make(index)) }
        try server.setSeen(uid: 3)
        let harness = try IntakeHarness(adapter: .forTest(server))
        try await harness.run { () async throws in
            harness.store.setFailing(true)
            await #expect(throws: StoreError.self) { try await harness.service.pollOnce() }
            #expect(try await harness.cursor() == nil)
            let flags = try server.flags()
            #expect(flags[1].map { !$0.contains("\\Seen") } == true && flags[2].map { !$0.contains("\\Seen") } == true, "\(flags)")
            #expect(flags[3]?.contains("\\Seen") == true, "a mail read before must stay read")
            harness.store.setFailing(false)
            #expect(try await harness.drain() == 3)
        }
    }

    @Test func passesTheConformanceKit() async throws {
        let server = try DovecotServer()
        ConformanceLog.install()  // before the adapter makes its logger, so the kit reads the adapter's lines too
        let adapter = IMAPAdapter.forTest(server, name: "kit")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imap-kit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = FailingCaseStore(wrapping: try SQLiteCaseStore(path: dir.appendingPathComponent("db.sqlite").path))
        let counter = Counter()
        try await AdapterConformance.polling(adapter, store: store, cursorKey: "kit/INBOX", secrets: [server.password]) { count in
            for _ in 0..<count { try server.deliver(TestMail.make(counter.next())) }
        } deliverMalformed: {
            // No sender to answer: kept in quarantine.
            try server.deliver("Subject: who am I\r\nMessage-ID: <anonymous@example.com>\r\n\r\nThe kettle broke.\r\n")
        }
    }
}

/// Runs a closure at most once, from any thread.
final class StopOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    var count = 0
    func run(_ body: () -> Void) {
        lock.lock()
        defer { lock.unlock() }
        guard !done else { return }
        done = true
        body()
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
