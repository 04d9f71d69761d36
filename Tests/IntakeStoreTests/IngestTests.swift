import Foundation
import IntakeCore
import IntakeStore
import Testing

@Suite struct IngestTests {
    @Test(arguments: StoreKind.allCases) func duplicateIsStoredOnceAndAcknowledgedAgain(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let first = try await store.ingest([.message(message("m1"))])[0].receipt!
        let again = try await store.ingest([.message(message("m1"))])[0].receipt!
        #expect(!first.duplicate && first.openedCase)
        #expect(again.duplicate && again.messageID == first.messageID && again.caseID == first.caseID)
        let detail = try await store.caseDetail(id: first.caseID!)
        #expect(detail?.messages.count == 1)
        #expect(detail?.record.messageCount == 1)
        await closeStore(store)
    }

    @Test(arguments: StoreKind.allCases) func duplicatesInsideOneGroupCommitAreStoredOnce(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let outcomes = try await store.ingest([.message(message("m1")), .message(message("m1"))])
        #expect(outcomes[0].receipt?.duplicate == false)
        #expect(outcomes[1].receipt?.duplicate == true)
        #expect(outcomes[1].receipt?.messageID == outcomes[0].receipt?.messageID)
        await closeStore(store)
    }

    @Test(arguments: StoreKind.allCases) func sameIdFromAnotherAdapterIsAnotherMessage(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let a = try await store.ingest([.message(message("m1", adapter: "a"))])[0].receipt!
        let b = try await store.ingest([.message(message("m1", adapter: "b"))])[0].receipt!
        #expect(a.messageID != b.messageID)
        await closeStore(store)
    }

    @Test(arguments: StoreKind.allCases) func knownIdentityJoinsItsContactAndNewIdentitiesAreLinked(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let first = try await store.ingest([.message(message("m1", email: "Ann@Example.com", phone: "+14155550100"))])[0].receipt!
        let bySMS = try await store.ingest([.message(message("m2", email: nil, phone: "+14155550100", channel: .sms))])[0].receipt!
        let other = try await store.ingest([.message(message("m3", email: "bob@example.com"))])[0].receipt!
        #expect(bySMS.contactID == first.contactID)
        #expect(other.contactID != first.contactID)
        let contact = try await store.contact(id: first.contactID)
        #expect(contact?.identities.contains(Identity(kind: .email, value: "ann@example.com")) == true)
        #expect(contact?.phone == "+14155550100")
        await closeStore(store)
    }

    @Test(arguments: StoreKind.allCases) func threadReferencesJoinTheCaseAndUnrelatedMessagesOpenNewOnes(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let opening = try await store.ingest([.message(message("m1", ownRefs: ["<a@mail>"]))])[0].receipt!
        let reply = try await store.ingest([.message(message("m2", threadRefs: ["<a@mail>"], ownRefs: ["<b@mail>"]))])[0].receipt!
        let replyToReply = try await store.ingest([.message(message("m3", threadRefs: ["<b@mail>"]))])[0].receipt!
        let unrelated = try await store.ingest([.message(message("m4"))])[0].receipt!
        #expect(reply.caseID == opening.caseID && !reply.openedCase)
        #expect(replyToReply.caseID == opening.caseID)
        #expect(unrelated.caseID != opening.caseID && unrelated.openedCase)
        await closeStore(store)
    }

    @Test(arguments: StoreKind.allCases) func caseTokenReferenceJoinsTheCaseWhateverTheSender(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let opening = try await store.ingest([.message(message("m1"))])[0].receipt!
        let cc = try await store.ingest([.message(message("m2", email: "colleague@example.com", threadRefs: [CaseReference.threadRef(opening.caseID!)]))])[0].receipt!
        #expect(cc.caseID == opening.caseID)
        await closeStore(store)
    }

    @Test(arguments: StoreKind.allCases) func resolvedCaseReopensAndClosedCaseStaysClosed(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let opening = try await store.ingest([.message(message("m1", ownRefs: ["conv:1"]))])[0].receipt!
        let caseID = opening.caseID!
        _ = try await store.updateCase(id: caseID, patch: CasePatch(state: .resolved), actor: "rep", at: Date())
        let again = try await store.ingest([.message(message("m2", threadRefs: ["conv:1"]))])[0].receipt!
        #expect(again.caseID == caseID && again.reopenedCase)
        #expect(try await store.caseDetail(id: caseID)?.record.state == .open)
        _ = try await store.updateCase(id: caseID, patch: CasePatch(state: .closed), actor: "rep", at: Date())
        let afterClose = try await store.ingest([.message(message("m3", threadRefs: ["conv:1"]))])[0].receipt!
        #expect(afterClose.caseID != caseID && afterClose.openedCase)
        await #expect(throws: StoreError.self) {
            _ = try await store.updateCase(id: caseID, patch: CasePatch(state: .open), actor: "rep", at: Date())
        }
        await closeStore(store)
    }

    @Test(arguments: StoreKind.allCases) func automatedMessagesJoinTheirCaseButNeverOpenOne(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let opening = try await store.ingest([.message(message("m1", ownRefs: ["<a@mail>"]))])[0].receipt!
        _ = try await store.updateCase(id: opening.caseID!, patch: CasePatch(state: .resolved), actor: "rep", at: Date())
        let autoReply = try await store.ingest([.message(message("m2", threadRefs: ["<a@mail>"], flags: [.automated]))])[0].receipt!
        #expect(autoReply.caseID == opening.caseID && !autoReply.reopenedCase)
        #expect(try await store.caseDetail(id: opening.caseID!)?.record.state == .resolved)
        let stray = try await store.ingest([.message(message("m3", flags: [.automated]))])[0].receipt!
        #expect(stray.caseID == nil && !stray.openedCase)
        #expect(try await store.cases(CaseQuery()).count == 1)
        await closeStore(store)
    }

    @Test(arguments: StoreKind.allCases) func eventLogIsSequencedAndReadableAfterACursor(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let opening = try await store.ingest([.message(message("m1", ownRefs: ["x"]))])[0].receipt!
        _ = try await store.ingest([.message(message("m2", threadRefs: ["x"]))])
        _ = try await store.updateCase(id: opening.caseID!, patch: CasePatch(state: .acknowledged, assignee: "sam"), actor: "sam", at: Date())
        let events = try await store.events(after: 0, limit: 100)
        #expect(events.map(\.type) == [.caseOpened, .messageReceived, .messageReceived, .stateChanged, .assigned])
        #expect(events.map(\.seq) == events.map(\.seq).sorted() && Set(events.map(\.seq)).count == events.count)
        let tail = try await store.events(after: events[2].seq, limit: 100)
        #expect(tail.map(\.type) == [.stateChanged, .assigned])
        #expect(try await store.latestSequence() == events.last!.seq)
        try await store.setConsumerPosition("escalation", events[1].seq)
        #expect(try await store.consumerPosition("escalation") == events[1].seq)
        await closeStore(store)
    }

    @Test(arguments: StoreKind.allCases) func cursorCommitsWithItsMessageAndQuarantineKeepsRawBytes(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let raw = RawPayload(contentType: "message/rfc822", bytes: Data([0, 1, 2, 255]))
        let outcomes = try await store.ingest([
            .message(message("m1"), cursor: AdapterCursor(key: "inbox", value: "1:10")),
            .quarantine(QuarantineRequest(adapter: "test", receivedAt: Date(), reason: "no headers", raw: raw), cursor: AdapterCursor(key: "inbox", value: "1:11")),
        ])
        #expect(try await store.cursor(key: "inbox") == "1:11")
        guard case .quarantined(let id) = outcomes[1] else {
            Issue.record("expected a quarantine outcome")
            await closeStore(store)
            return
        }
        let entry = try await store.quarantineEntry(id: id)
        #expect(entry?.raw.bytes == raw.bytes && entry?.reason == "no headers" && entry?.status == .pending)
        #expect(try await store.quarantineCount() == 1)
        try await store.recordRetry(quarantineID: id, reason: nil, messageID: outcomes[0].receipt!.messageID)
        #expect(try await store.quarantineEntry(id: id)?.status == .released)
        #expect(try await store.quarantineCount() == 0)
        await closeStore(store)
    }

    @Test(arguments: StoreKind.allCases) func rawPayloadIsKeptByteForByteWithItsDigest(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let stored = try await store.ingest([.message(message("m1"))])[0].receipt!
        let detail = try await store.caseDetail(id: stored.caseID!)!
        // A case's messages name their payload by its digest; the bytes come from the store by message.
        let raw = detail.messages[0].message.raw
        #expect(raw.bytes.isEmpty && raw.sha256 == RawPayload.hexDigest(Data("raw m1".utf8)) && raw.contentType == "text/plain")
        let bytes = try #require(try await store.rawPayload(messageID: stored.messageID))
        #expect(bytes.bytes == Data("raw m1".utf8) && bytes.sha256 == raw.sha256 && bytes.contentType == "text/plain")
        #expect(try await store.rawPayload(messageID: stored.messageID + 1000) == nil)
        await closeStore(store)
    }

    @Test(arguments: StoreKind.allCases) func caseQueriesFilterAndPage(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        for index in 0..<5 { _ = try await store.ingest([.message(message("e\(index)", email: "p\(index)@example.com"))]) }
        _ = try await store.ingest([.message(message("s1", email: nil, phone: "+14155550100", channel: .sms))])
        #expect(try await store.cases(CaseQuery(channel: .sms)).count == 1)
        let page = try await store.cases(CaseQuery(limit: 4))
        #expect(page.count == 4 && page.first!.id > page.last!.id)
        let next = try await store.cases(CaseQuery(before: page.last!.id, limit: 4))
        #expect(next.count == 2)
        #expect(try await store.cases(CaseQuery(states: [.closed])).isEmpty)
        await closeStore(store)
    }

    @Test(arguments: StoreKind.allCases) func partsOfOneMessageAreJoinedInOrderOnceAllArrived(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        func part(_ index: Int, _ body: String) -> IngestRequest {
            var part = message("part-\(index)", phone: "+14155550100", body: body, channel: .sms)
            part.fragment = MessageFragment(group: "g1", index: index, total: 3)
            return .message(part)
        }
        // Out of order, over two groups, the middle part sent twice.
        let first = try await store.ingest([part(3, "at once."), part(1, "Please call me ")])
        #expect(first.map(\.isBuffered) == [true, true])
        let last = try await store.ingest([part(2, "back "), part(2, "back ")])
        let joined = try #require(last[0].receipt)
        #expect(!joined.duplicate && joined.openedCase)
        #expect(last[1].receipt?.duplicate == true && last[1].receipt?.messageID == joined.messageID, "a part repeated after the join names the joined message")
        let detail = try #require(try await store.caseDetail(id: joined.caseID!))
        #expect(detail.messages.map(\.message.body) == ["Please call me back at once."])
        #expect(detail.messages[0].message.externalID == "joined:g1")
        let raw = try await store.rawPayload(messageID: joined.messageID)
        #expect(raw.map { String(decoding: $0.bytes, as: UTF8.self) } == "raw part-1\nraw part-2\nraw part-3")
        await closeStore(store)
    }
}
