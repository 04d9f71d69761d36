import Foundation
import IntakeCore
import IntakeStore
import IntakeTesting
import Synchronization
import Testing

/// What only PostgreSQL offers: several gateway instances on one database, each a `PostgresCaseStore` of its own.
@Suite struct PostgresStoreTests {
    @Test func twoInstancesIngestingAtOnceStoreEachMessageOnceAndTheLogHasNoGaps() async throws {
        let url = try await PostgresServer.shared().newDatabase()
        let a = try await PostgresCaseStore.open(.init(url: url))
        let b = try await PostgresCaseStore.open(.init(url: url))
        // 200 each, 50 of them received by both: at the same point of their run, but each adjacent pair of shared
        // ids in the opposite order, so the two instances' transactions cross on the same rows.
        let shared = (0..<50).map { "shared-\($0)" }
        let crossed = stride(from: 0, to: shared.count, by: 2).flatMap { [shared[$0 + 1], shared[$0]] }
        let idsA = Self.interleave(shared, (0..<150).map { "a-\($0)" })
        let idsB = Self.interleave(crossed, (0..<150).map { "b-\($0)" })
        async let ingestedA = Self.ingest(idsA, into: a, groupsOf: 10)
        async let ingestedB = Self.ingest(idsB, into: b, groupsOf: 10)
        let (receiptsA, receiptsB) = try await (ingestedA, ingestedB)

        for id in shared {
            let fromA = try #require(receiptsA[id])
            let fromB = try #require(receiptsB[id])
            #expect(fromA.duplicate != fromB.duplicate, "\(id): one instance stores it, the other reports a duplicate")
            #expect(fromA.messageID == fromB.messageID && fromA.caseID == fromB.caseID, "\(id): both instances name the same message")
        }
        let own = [receiptsA, receiptsB].flatMap { receipts in receipts.filter { !$0.key.hasPrefix("shared-") }.values }
        #expect(own.allSatisfy { !$0.duplicate }, "a message only one instance received is no duplicate")
        let distinct = Set(idsA + idsB).count
        let messageIDs = Set(receiptsA.values.map(\.messageID)).union(receiptsB.values.map(\.messageID))
        #expect(messageIDs.count == distinct)

        let log = try await Self.fullLog(a)
        let received = log.filter { $0.type == .messageReceived }
        #expect(received.count == distinct, "one message.received per distinct message")
        #expect(Set(received.compactMap { event in event.data["message_id"].flatMap { Int64($0) } }) == messageIDs)
        let seqs = log.map(\.seq)
        #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $1 == $0 + 1 }, "the log's sequence numbers have gaps: \(Self.gaps(in: seqs))")
        #expect(try await b.latestSequence() == seqs.last)
        #expect(try await Self.fullLog(b).map(\.seq) == seqs, "both instances read the same log")
        await a.close()
        await b.close()
    }

    @Test func aReaderFollowingTheLogWhileTwoInstancesWriteNeverSkipsAnEvent() async throws {
        let url = try await PostgresServer.shared().newDatabase()
        let a = try await PostgresCaseStore.open(.init(url: url))
        let b = try await PostgresCaseStore.open(.init(url: url))
        let reader = try await PostgresCaseStore.open(.init(url: url))
        let writersDone = DoneFlag()
        defer { writersDone.raise() }  // a writer that throws must not leave the reader polling
        let following = Task { try await Self.follow(reader, until: writersDone) }
        // Small groups: many commits from both instances, each racing the other for its place in the log.
        async let wroteA = Self.ingest((0..<150).map { "a-\($0)" }, into: a, groupsOf: 3)
        async let wroteB = Self.ingest((0..<150).map { "b-\($0)" }, into: b, groupsOf: 3)
        _ = try await (wroteA, wroteB)
        writersDone.raise()
        let read = try await following.value

        let log = try await Self.fullLog(reader).map(\.seq)
        #expect(log.count >= 300, "at least one message.received per message")
        #expect(zip(read, read.dropFirst()).allSatisfy { $0 < $1 }, "the follower read sequence numbers out of order")
        #expect(read.count == log.count && Set(read) == Set(log), "the follower skipped \(Set(log).subtracting(read).sorted()) (an append that committed after a later one)")
        await a.close()
        await b.close()
        await reader.close()
    }

    @Test func aCommitOnOneInstanceWakesReadersOnTheOther() async throws {
        let url = try await PostgresServer.shared().newDatabase()
        let a = try await PostgresCaseStore.open(.init(url: url))
        let b = try await PostgresCaseStore.open(.init(url: url))
        let signal = CommitSignal()
        try await b.signalEventCommits(to: signal)

        // Whatever the store fires as it starts listening, it must then stay quiet until something commits:
        // a store that fires on a timer would pass the checks below without hearing the other instance.
        _ = await EventLogObserverTests.wakes(signal.subscribe(), within: .milliseconds(300))
        #expect(!(await EventLogObserverTests.wakes(signal.subscribe(), within: .milliseconds(300))), "woken with nothing committed")

        var wake = signal.subscribe()
        let stored = try #require(try await a.ingest([.message(message("m1"))])[0].receipt)
        #expect(await EventLogObserverTests.wakes(wake, within: .seconds(5)), "instance b was not woken within 5 s of an ingest on a")

        wake = signal.subscribe()
        _ = try await a.updateCase(id: try #require(stored.caseID), patch: CasePatch(state: .acknowledged), actor: "sam", at: Date())
        #expect(await EventLogObserverTests.wakes(wake, within: .seconds(5)), "instance b was not woken within 5 s of a case update on a")
        await a.close()
        await b.close()
    }

    @Test func messagesSurviveReopeningTheStore() async throws {
        let url = try await PostgresServer.shared().newDatabase()
        let first = try await PostgresCaseStore.open(.init(url: url))
        let opening = try #require(try await first.ingest([.message(message("m1", ownRefs: ["<a@mail>"]))])[0].receipt)
        _ = try await first.ingest([.message(message("m2", body: "Still broken", threadRefs: ["<a@mail>"]))])
        try await first.setCursor(key: "inbox", value: "1:2")
        let events = try await first.events(after: 0, limit: 100)
        await first.close()

        // Opening brings the schema up to date; opening an up-to-date database again changes nothing.
        let reopened = try await PostgresCaseStore.open(.init(url: url))
        let again = try await PostgresCaseStore.open(.init(url: url))
        let caseID = try #require(opening.caseID)
        let detail = try #require(try await reopened.caseDetail(id: caseID))
        #expect(detail.messages.map(\.message.body).sorted() == ["It broke again", "Still broken"])
        let raw = try #require(detail.messages.first { $0.message.externalID == "m1" }?.message.raw)
        #expect(raw.sha256 == RawPayload.hexDigest(Data("raw m1".utf8)))
        #expect(try await reopened.rawPayload(messageID: opening.messageID)?.bytes == Data("raw m1".utf8))
        #expect(try await again.events(after: 0, limit: 100) == events)
        #expect(try await again.cursor(key: "inbox") == "1:2")
        let resent = try #require(try await again.ingest([.message(message("m1"))])[0].receipt)
        #expect(resent.duplicate && resent.messageID == opening.messageID, "deduplication outlives a restart")
        await reopened.close()
        await again.close()
    }

    @Test func instancesStartingAtOnceOnAnEmptyDatabaseAllOpenIt() async throws {
        let url = try await PostgresServer.shared().newDatabase()
        let stores = try await withThrowingTaskGroup(of: PostgresCaseStore.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresCaseStore.open(.init(url: url)) } }
            return try await group.reduce(into: [PostgresCaseStore]()) { $0.append($1) }
        }
        for (index, store) in stores.enumerated() {
            _ = try await store.ingest([.message(message("m\(index)", email: "p\(index)@example.com"))])
        }
        for store in stores {
            #expect(try await store.cases(CaseQuery()).count == stores.count, "every instance sees every instance's cases")
        }
        for store in stores { await store.close() }
    }
}

extension PostgresStoreTests {
    /// Ingests `ids` through `store`, `size` to a transaction, and returns each id's receipt.
    static func ingest(_ ids: [String], into store: some CaseStore, groupsOf size: Int) async throws -> [String: StoreReceipt] {
        var receipts: [String: StoreReceipt] = [:]
        for start in stride(from: 0, to: ids.count, by: size) {
            let group = Array(ids[start..<min(start + size, ids.count)])
            let outcomes = try await store.ingest(group.map { IngestRequest.message(inbound($0)) })
            for (id, outcome) in zip(group, outcomes) {
                receipts[id] = try #require(outcome.receipt, "\(id) was not stored: \(outcome)")
            }
        }
        return receipts
    }

    /// The message with external id `id` (`a-7`, `shared-7`): senders repeat every 20 numbers, so instances
    /// also meet on contacts.
    static func inbound(_ id: String) -> InboundMessage {
        let number = id.split(separator: "-").last.flatMap { Int($0) } ?? 0
        return message(id, email: "p\(number % 20)@example.com")
    }

    /// `shared` spread through `own`: one shared id before every three of its own.
    static func interleave(_ shared: [String], _ own: [String]) -> [String] {
        var rest = shared[...]
        var result: [String] = []
        for (index, id) in own.enumerated() {
            if index % 3 == 0, let next = rest.popFirst() { result.append(next) }
            result.append(id)
        }
        return result + rest
    }

    /// Reads the log as a consumer does, a page after its cursor, until `writers` are done and a read found
    /// nothing more; returns the sequence numbers in the order read.
    static func follow(_ store: some CaseStore, until writers: DoneFlag) async throws -> [Int64] {
        var cursor: Int64 = 0
        var read: [Int64] = []
        while true {
            let writersWereDone = writers.isRaised  // looked at before the read, so an empty page after it is the end
            let page = try await store.events(after: cursor, limit: 50)
            read += page.map(\.seq)
            if let last = page.last {
                cursor = last.seq
            } else if writersWereDone {
                return read
            } else {
                try await Task.sleep(for: .milliseconds(1))
            }
        }
    }

    /// The whole event log, read from the start a page at a time.
    static func fullLog(_ store: some CaseStore) async throws -> [CaseEvent] {
        var log: [CaseEvent] = []
        while case let page = try await store.events(after: log.last?.seq ?? 0, limit: 1000), !page.isEmpty { log += page }
        return log
    }

    /// The sequence numbers missing between the first and the last of `seqs`.
    static func gaps(in seqs: [Int64]) -> [Int64] {
        guard let first = seqs.first, let last = seqs.last, first <= last else { return [] }
        return Array(Set(first...last).subtracting(seqs)).sorted()
    }
}

/// A one-way flag shared between tasks: raised once the writers are done.
final class DoneFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    func raise() { raised.store(true, ordering: .releasing) }
    var isRaised: Bool { raised.load(ordering: .acquiring) }
}

@Suite struct PostgresLocationTests {
    @Test func aServerThatCannotBeReachedOrRefusesTheLoginIsReportedAtOnceWithoutThePassword() async throws {
        let port = try LocalPort.free()  // nothing listens there
        await #expect {
            _ = try await PostgresCaseStore.open(.init(url: "postgres://intake:hunter2-secret@127.0.0.1:\(port)/intake"))
        } throws: { error in
            let text = "\(error)"
            return (error as? StoreError)?.isUnavailable == true && text.contains("127.0.0.1:\(port)") && !text.contains("hunter2")
        }
        let url = try await PostgresServer.shared().newDatabase()
        let missing = url.replacingOccurrences(of: "/test_", with: "/absent_")
        await #expect {
            _ = try await PostgresCaseStore.open(.init(url: missing))
        } throws: { error in
            "\(error)".contains("does not exist")
        }
    }

    @Test func urlsAreReadAndTheirPasswordNeverShown() throws {
        let location = try PostgresCaseStore.Location(url: "postgres://desk%40acme:p%2Fw@db.internal:6432/intake")
        #expect(location.username == "desk@acme" && location.password == "p/w" && location.port == 6432 && location.database == "intake")
        #expect("\(location)" == "postgres://desk@acme@db.internal:6432/intake")
        #expect(throws: PostgresCaseStore.LocationError.self) { try PostgresCaseStore.Location(url: "postgres://db.internal/intake") }
        #expect(throws: PostgresCaseStore.LocationError.self) { try PostgresCaseStore.Location(url: "postgres://u@db.internal/intake?sslmode=require") }
    }
}

@Suite struct PostgresOutageTests {
    @Test(.timeLimit(.minutes(1)))
    func whileTheDatabaseCannotBeReachedCallsFailAsUnavailableAndWorkAgainOnceItIsBack() async throws {
        let server = try await PostgresServer.shared()
        let url = try await server.newDatabase()
        let store = try await PostgresCaseStore.open(.init(url: url))
        _ = try await store.ingest([.message(message("before"))])

        // Take the database away: its connections are ended and no new one is accepted.
        try await server.takeAway(url)
        let clock = ContinuousClock()
        let started = clock.now
        await #expect {
            _ = try await store.ingest([.message(message("during"))])
        } throws: { error in
            (error as? StoreError)?.isUnreachable == true
        }
        let waited = clock.now - started
        #expect(waited < .seconds(30), "the call gave up after \(waited), not when the wait for a connection ran out")

        try await server.giveBack(url)
        let after = try await store.ingest([.message(message("after"))])
        #expect(after[0].receipt?.duplicate == false)
        #expect(try await store.events(after: 0, limit: 100).filter { $0.type == .messageReceived }.count == 2, "nothing of the failed call was stored")
        await store.close()
    }
}
