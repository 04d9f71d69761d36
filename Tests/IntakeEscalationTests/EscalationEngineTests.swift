import Foundation
import IntakeCore
import IntakeEscalation
import IntakeStore
import IntakeTesting
import Testing

/// The call-first engine, timer and notifiers together on a test clock, against the providers'
/// stand-in (which rejects any request Twilio's or Slack's published API description does not allow).
@Suite(.serialized) struct EscalationEngineTests {
    static let bob = "+14155550102"
    static let sue = "+14155550109"

    func with(_ body: (EscalationHarness) async throws -> Void) async throws {
        try await ProviderStub.withHarness({ try EscalationHarness(stub: $0) }, body)
    }

    @Test func anUrgentComplaintPagesTheOnCallRepByCallSMSAndSlackAtOnceAndSaysWhy() async throws {
        try await with { h in
            let caseID = try await h.complaint("m1", body: "This is the third time. I want to cancel my contract.")
            let alert = try #require(try await h.alerts().first)
            #expect(alert.caseID == caseID && alert.state == .paging && alert.team == "support")
            #expect(alert.reasons.contains { $0.contains("cancel") })
            #expect(alert.nextDueAt == h.clock.now().addingTimeInterval(300))

            // The case says why it is urgent, and who was paged.
            let events = try #require(try await h.store.caseDetail(id: caseID)).events
            let urgency = try #require(events.first { $0.type == .urgencyChanged })
            #expect(urgency.data["urgent"] == "true" && (urgency.data["reasons"] ?? "").contains("keyword"))
            // The message was judged in the transaction that stored it: its decision follows it in the log.
            let received = try #require(events.first { $0.type == .messageReceived })
            #expect(JudgedOnIngest.marks(received) && urgency.seq == received.seq + 1)

            try await h.deliver()
            let pages = try await h.pages()
            #expect(pages.allSatisfy { $0.valid }, "\(pages.filter { !$0.valid }.map(\.error))")
            #expect(Set(pages.map(\.operation)) == ["CreateCall", "CreateMessage", "chat_postMessage"])
            #expect(pages.count == 3)
            #expect(pages.filter { $0.operation != "chat_postMessage" }.allSatisfy { $0.to == Self.bob })
            #expect(pages.first { $0.operation == "chat_postMessage" }?.to == "U0BOB0001")
            let sms = try #require(pages.first { $0.operation == "CreateMessage" }).text
            #expect(sms.hasPrefix("Call Dana Reyes now: +14155550177 (C-\(caseID))"))
            #expect(sms.contains("I want to cancel my contract") && sms.contains("ACK \(alert.code)"))
            #expect(sms.contains("apologize") && sms.contains("https://intake.example.com/v1/cases/C-\(caseID)"))

            // Every attempt is logged on the alert with the provider's id.
            let attempts = try await h.store.alertAttempts(alertID: alert.id)
            #expect(attempts.count == 3 && attempts.allSatisfy { $0.result == "sent" && $0.providerID != nil && $0.person == "bob" })
        }
    }

    @Test func anUrgentMessageCommitsWithItsAlertAndFirstPagesBeforeAnyConsumerRuns() async throws {
        try await with { h in
            let outcome = try await h.store.ingest([.message(h.message("m1", body: "I want a refund or I cancel."))])
            guard case .stored(let receipt) = outcome.first, let caseID = receipt.caseID else { throw HarnessError("not stored: \(outcome)") }
            // Nothing read the log yet, and the alert is there with its three pages waiting in the outbox.
            #expect(try await h.store.consumerPosition("escalation") == 0)
            let alert = try #require(try await h.alerts().first)
            #expect(alert.caseID == caseID && alert.state == .paging)
            let pending = try await h.store.deliveries(state: .pending, limit: 10)
            #expect(pending.count == 3 && pending.allSatisfy { $0.key.hasPrefix("alert-\(alert.id)/") })
            // The consumer then finds nothing left to judge: no second alert, no second page.
            try await h.drain()
            try await h.deliver()
            #expect(try await h.alerts().count == 1)
            #expect(try await h.pages().count == 3)
        }
    }

    @Test func earlierComplaintsPageNobodyAndAMessageNotJudgedOnIngestIsJudgedFromTheLog() async throws {
        try await with { h in
            // Stored before call first ever ran (no judge, no consumer position): the engine starts after it.
            h.store.judgeOnIngest(nil)
            _ = try await h.store.ingest([.message(h.message("old", body: "I want to cancel, and a refund.", phone: "+14155550188", email: nil))])
            try await h.drain()
            #expect(try await h.alerts().isEmpty)
            #expect(try await h.store.consumerPosition("escalation") == (try await h.store.latestSequence()))

            // From then on, a message the store did not judge as it stored it is judged from the log.
            let caseID = try await h.complaint("m1", body: "This is the third time. I want to cancel my contract.")
            let alert = try #require(try await h.alerts().first)
            #expect(alert.caseID == caseID && alert.state == .paging)
            let events = try #require(try await h.store.caseDetail(id: caseID)).events
            let received = try #require(events.first { $0.type == .messageReceived })
            let urgency = try #require(events.first { $0.type == .urgencyChanged })
            #expect(!JudgedOnIngest.marks(received))
            // The position moved in the decision's own transaction: past the message, before the decision.
            #expect((received.seq..<urgency.seq).contains(try await h.store.consumerPosition("escalation")))
            try await h.deliver()
            #expect(try await h.pages().count == 3)
        }
    }

    @Test func aComplaintThatIsNotUrgentPagesNobody() async throws {
        try await with { h in
            let caseID = try await h.complaint("m1", body: "The manual has a typo on page 3.")
            try await h.deliver()
            #expect(try await h.alerts().isEmpty)
            #expect(try await h.pages().isEmpty)
            #expect(try #require(try await h.store.caseDetail(id: caseID)).events.allSatisfy { $0.type != .urgencyChanged })
            // The engine, new to this log, started at its end and stored that at once.
            let start = try await h.store.consumerPosition("escalation")
            let end = try await h.store.latestSequence()
            #expect(start > 0 && start == end)
            // Then nothing decided, nothing written: the position waits (a commit per page would double the writer's load).
            try await h.complaint("m2", body: "And on page 4.", thread: "m1")
            #expect(try await h.store.latestSequence() > start)
            #expect(try await h.store.consumerPosition("escalation") == start)
            h.clock.advance(by: .seconds(1))
            try await h.drain()
            #expect(try await h.store.consumerPosition("escalation") == (try await h.store.latestSequence()))
        }
    }

    @Test func nobodyAcknowledgesSoTheSupervisorIsPagedAfterTheTimeoutExactlyOnce() async throws {
        try await with { h in
            try await h.complaint("m1", body: "I will file a lawsuit.")
            try await h.deliver()
            h.clock.advance(by: .seconds(299))
            #expect(try await h.tick() == 0)
            try await h.deliver()
            #expect(try await h.pages().count == 3)

            h.clock.advance(by: .seconds(1))
            #expect(try await h.tick() == 1)
            #expect(try await h.tick() == 0)
            try await h.deliver()
            let pages = try await h.pages()
            let toSue = pages.filter { $0.to == Self.sue }
            #expect(Set(toSue.map(\.operation)) == ["CreateCall", "CreateMessage"] && toSue.count == 2)
            #expect(pages.count == 5 && pages.allSatisfy { $0.valid })

            // Sue does not answer either: nobody is left, the alert is exhausted, and nothing more is sent.
            h.clock.advance(by: .seconds(300))
            #expect(try await h.tick() == 1)
            #expect(try await h.alerts().first?.state == .exhausted)
            h.clock.advance(by: .seconds(3600))
            #expect(try await h.tick() == 0)
            try await h.deliver()
            #expect(try await h.pages().count == 5)
        }
    }

    @Test func anAcknowledgementStopsEveryPageNotYetSentAndEveryLaterStep() async throws {
        try await with { h in
            try await h.complaint("m1", body: "Refund me or I cancel.")
            let alert = try #require(try await h.alerts().first)
            // Acknowledged before the notifiers ran: what was queued is held back, not sent.
            let acked = try await h.store.acknowledge(alertID: alert.id, by: "bob", via: "api", at: h.clock.now())
            #expect(acked.state == .acknowledged && acked.acknowledgedBy == "bob")
            try await h.deliver()
            #expect(try await h.pages().isEmpty)
            let attempts = try await h.store.alertAttempts(alertID: alert.id)
            #expect(attempts.count == 3 && attempts.allSatisfy { $0.result == "skipped" })

            h.clock.advance(by: .seconds(3600))
            #expect(try await h.tick() == 0)
            try await h.deliver()
            #expect(try await h.pages().isEmpty)
            // A second acknowledgement is a conflict, not a second owner.
            await #expect(throws: StoreError.self) { try await h.store.acknowledge(alertID: alert.id, by: "ann", via: "api", at: h.clock.now()) }
        }
    }

    @Test func anAckRacingTheTimeoutEitherWinsOrStopsTheNextStepsPages() async throws {
        try await with { h in
            for round in 0..<10 {
                try await h.complaint("race-\(round)", body: "Cancel everything.", phone: nil, email: "racer\(round)@example.com", name: "Racer \(round)")
                try await h.deliver()
                try await h.stub.reset()
                let alert = try #require(try await h.alerts().first { $0.state == .paging })
                h.clock.advance(by: .seconds(300))
                async let tick = h.tick()
                async let ack = h.store.acknowledge(alertID: alert.id, by: "bob", via: "api", at: h.clock.now())
                let (moved, acked) = try await (tick, ack)
                #expect(acked.state == .acknowledged && moved <= 1)
                try await h.deliver()
                let afterAck = try await h.pages()
                #expect(afterAck.isEmpty, "round \(round): \(afterAck.count) page(s) went out after the ack")
            }
        }
    }

    @Test func anOnCallRepAcknowledgesByReplyingACKWithTheCodeFromTheirPhone() async throws {
        try await with { h in
            let caseID = try await h.complaint("m1", body: "Third time asking: refund!")
            try await h.deliver()
            let alert = try #require(try await h.alerts().first)
            // The wrong code acknowledges nothing.
            let wrong = alert.code == "0000" ? "0001" : "0000"
            try await h.complaint("sms-1", body: "ACK \(wrong)", channel: .sms, phone: Self.bob, email: nil, name: "Bob")
            #expect(try await h.store.alert(id: alert.id)?.state == .paging)

            let replyCase = try await h.complaint("sms-2", body: "ack \(alert.code)", channel: .sms, phone: Self.bob, email: nil, name: "Bob")
            let acked = try #require(try await h.store.alert(id: alert.id))
            #expect(acked.state == .acknowledged && acked.acknowledgedBy == "bob" && acked.acknowledgedVia == "sms")
            // The acknowledgement was a write: its page's position is stored at once, not left for later, so
            // a crash cannot replay the ACK (its code may belong to another alert by then).
            let ackEvent = try #require(try await h.store.caseDetail(id: replyCase)?.events.first { $0.type == .messageReceived })
            #expect(try await h.store.consumerPosition("escalation") >= ackEvent.seq)
            // The reply is not a complaint: its case is closed and it pages nobody.
            #expect(replyCase != caseID)
            #expect(try await h.store.caseDetail(id: replyCase)?.record.state == .closed)
            #expect(try await h.alerts().count == 1)
            h.clock.advance(by: .seconds(600))
            #expect(try await h.tick() == 0)
        }
    }

    @Test func aContactFlaggedAbusiveIsNotForcedOnARepAndTheCaseSaysSo() async throws {
        try await with { h in
            let first = try await h.complaint("m1", body: "Hello, my order is late.")
            let detail = try #require(try await h.store.caseDetail(id: first))
            _ = try await h.store.setAbusive(contactID: detail.contact.id, true)
            let second = try await h.complaint("m2", body: "Refund me now or I sue, you idiots. Lawsuit.")
            try await h.deliver()
            #expect(try await h.alerts().isEmpty)
            #expect(try await h.pages().isEmpty)
            let events = try #require(try await h.store.caseDetail(id: second)).events
            let urgency = try #require(events.last { $0.type == .urgencyChanged })
            #expect(urgency.data["urgent"] == "false" && (urgency.data["reasons"] ?? "").contains("abusive"))
        }
    }

    @Test func whenEveryPageOfAStepFailsTheNextStepIsPagedAtOnceNotAfterTheTimeout() async throws {
        try await with { h in
            // Twilio refuses both of bob's pages and Slack has no such user: the step failed for good.
            try await h.stub.scenario(provider: "twilio", operation: "CreateCall", responses: [["status": 400, "body": #"{"code":21211,"message":"Invalid 'To' Phone Number"}"#]])
            try await h.stub.scenario(provider: "twilio", operation: "CreateMessage", responses: [["status": 400, "body": #"{"code":21211,"message":"Invalid 'To' Phone Number"}"#]])
            try await h.stub.scenario(provider: "slack", operation: "chat_postMessage", responses: [["status": 200, "body": #"{"ok":false,"error":"channel_not_found"}"#]])
            try await h.complaint("m1", body: "Cancel my account today.")
            try await h.deliver()
            let alert = try #require(try await h.alerts().first)
            let failed = try await h.store.alertAttempts(alertID: alert.id)
            #expect(failed.count == 3 && failed.allSatisfy { $0.result == "failed" }, "\(failed.map { "\($0.method) \($0.result) \($0.detail ?? "")" })")

            // No time passes, yet the timer moves it on: sue is paged now.
            #expect(try await h.tick() == 1)
            try await h.deliver()
            let toSue = try await h.pages().filter { $0.to == Self.sue }
            #expect(toSue.count == 2 && toSue.allSatisfy { $0.valid })
        }
    }

    @Test func aPersonRaisesUrgencyByHandAndLowersItAgain() async throws {
        try await with { h in
            let caseID = try await h.complaint("m1", body: "The fridge is warm.")
            #expect(try await h.alerts().isEmpty)
            _ = try await h.store.appendEvent(caseID: caseID, type: .urgencyChanged, actor: "sam", at: h.clock.now(),
                                              data: ["urgent": "true", "reasons": "food spoiling (by sam)", "source": "manual"])
            try await h.drain()
            let alert = try #require(try await h.alerts().first)
            #expect(alert.reasons == ["food spoiling (by sam)"] && alert.state == .paging)

            // Lowered before the notifiers ran: the alert is cancelled and nothing goes out.
            _ = try await h.store.appendEvent(caseID: caseID, type: .urgencyChanged, actor: "sam", at: h.clock.now(),
                                              data: ["urgent": "false", "reasons": "customer called back (by sam)", "source": "manual"])
            try await h.drain()
            try await h.deliver()
            #expect(try await h.store.alert(id: alert.id)?.state != .paging)
            #expect(try await h.pages().isEmpty)
            // The person's verdict wins over the rules: a later message with a keyword pages nobody.
            #expect(try await h.complaint("m2", body: "Actually, cancel the order.", thread: "m1") == caseID)
            #expect(try await h.alerts().count == 1)
            try await h.deliver()
            #expect(try await h.pages().isEmpty)
        }
    }

    @Test func anEmailComplaintWithNoPhoneSaysSoAndWhereToReply() async throws {
        try await with { h in
            try await h.complaint("m1", body: "Third refund request. Nobody answers.", phone: nil, email: "kim@example.org", name: "Kim Lee")
            try await h.deliver()
            let sms = try #require(try await h.pages().first { $0.operation == "CreateMessage" }).text
            #expect(sms.contains("no phone on file for Kim Lee") && sms.contains("reply by email to kim@example.org"))
        }
    }

    @Test func aPublicMentionIsUrgentWhateverItSays() async throws {
        try await with { h in
            try await h.complaint("m1", body: "Waiting two weeks for @acme to ship my order.", channel: .social, phone: nil, email: nil, name: "@kim", isPublic: true)
            let alert = try #require(try await h.alerts().first)
            #expect(alert.reasons.contains { $0.contains("public") })
        }
    }

    @Test func noAnswerRemindsTheRepToCallAgainLaterUnlessTheCustomerWasReachedMeanwhile() async throws {
        try await with { h in
            let caseID = try await h.complaint("m1", body: "Cancel now, the heating is off.")
            try await h.deliver()
            let alert = try #require(try await h.alerts().first)
            _ = try await h.store.acknowledge(alertID: alert.id, by: "bob", via: "sms", at: h.clock.now())
            try await h.stub.reset()

            let noAnswer = try await h.store.recordOutcome(alertID: alert.id, outcome: "no_answer", by: "bob", at: h.clock.now())
            let due = try await h.escalation.retry.schedule(alert: noAnswer, outcome: "no_answer", person: "bob", at: h.clock.now())
            #expect(due == h.clock.now().addingTimeInterval(900))
            try await h.deliver()
            #expect(try await h.pages().isEmpty, "reminded before the retry delay")
            h.clock.advance(by: .seconds(900))
            try await h.deliver()
            // A text and a Slack message, not another call; it says who to call and on which number.
            let reminders = try await h.pages()
            #expect(reminders.map(\.operation).sorted() == ["CreateMessage", "chat_postMessage"] && reminders.allSatisfy { $0.valid })
            let sms = try #require(reminders.first { $0.operation == "CreateMessage" })
            #expect(sms.to == Self.bob && sms.text.hasPrefix("Call again now (C-\(caseID)): your call at 08:00 UTC was not answered."))
            #expect(sms.text.contains("+14155550177") && !sms.text.contains("ACK \(alert.code)"))

            // Voicemail schedules another; reaching the customer before it is due cancels it.
            try await h.stub.reset()
            let voicemail = try await h.store.recordOutcome(alertID: alert.id, outcome: "voicemail", by: "bob", at: h.clock.now())
            #expect(try await h.escalation.retry.schedule(alert: voicemail, outcome: "voicemail", person: "bob", at: h.clock.now()) != nil)
            _ = try await h.store.recordOutcome(alertID: alert.id, outcome: "reached", by: "bob", at: h.clock.now())
            h.clock.advance(by: .seconds(900))
            try await h.deliver()
            #expect(try await h.pages().isEmpty)
            #expect(try await h.escalation.retry.schedule(alert: voicemail, outcome: "reached", person: "bob", at: h.clock.now()) == nil)
        }
    }

    @Test func aRestartBetweenAPageAndItsTimeoutStillEscalatesOnTimeExactlyOnce() async throws {
        let stub = try await ProviderStub.start()
        defer { stub.stop() }
        let first = try EscalationHarness(stub: stub)
        try await first.complaint("m1", body: "I want to cancel.")
        try await first.deliver()
        try await first.shutdown()  // the process goes away between the page and its timeout

        // Two instances come up over the same database after the timeout; both tick at once.
        let clock = TestClock(now: EscalationHarness.start.addingTimeInterval(301))
        let second = try EscalationHarness(stub: stub, store: first.store, clock: clock)
        let third = try EscalationHarness(stub: stub, store: first.store, clock: clock)
        async let a = second.tick()
        async let b = third.tick()
        let moved = try await a + b
        #expect(moved == 1)
        try await second.deliver()
        try await third.deliver()
        let toSue = try await second.pages().filter { $0.to == Self.sue }
        #expect(toSue.count == 2)
        let keys = try await first.store.deliveries(state: nil, limit: 100).map(\.key)
        #expect(keys.count == Set(keys).count && keys.count == 5)
        try await second.shutdown()
        try await third.shutdown()
    }

    @Test func theVolumeRuleRemembersTheLastWindowAcrossARestart() async throws {
        let stub = try await ProviderStub.start()
        defer { stub.stop() }
        let yaml = EscalationHarness.yaml(stub).replacingOccurrences(
            of: "repeat_contact: {messages: 3, within: 1h}", with: "volume: {more_than: 3, within: 10m}")
        let first = try EscalationHarness(stub: stub, yaml: yaml)
        for index in 1...3 {
            try await first.complaint("v\(index)", body: "Where is my parcel?", phone: "+1415555020\(index)", email: "c\(index)@example.com", name: "C \(index)")
        }
        #expect(try await first.alerts().isEmpty, "three messages are not over the limit")
        // An auto-reply threading into a case is logged, but is not volume, before or after a restart.
        let message = InboundMessage(
            adapter: "api", channel: .email, externalID: "ooo", receivedAt: first.clock.now(),
            sender: Sender(identities: [Identity.email("c1@example.com")!]), subject: "Out of office", body: "Back Monday.",
            threadRefs: ["v1"], flags: [.automated], raw: RawPayload(contentType: "text/plain", bytes: Data("ooo".utf8)))
        _ = try await first.store.ingest([.message(message)])
        try await first.drain()
        #expect(try await first.alerts().isEmpty)
        // Nothing was decided, so the position is stored once it is a second old; the restart below then
        // starts after every message above and reads the window back from the log.
        first.clock.advance(by: .seconds(1))
        try await first.drain()
        #expect(try await first.store.consumerPosition("escalation") == (try await first.store.latestSequence()))
        try await first.shutdown()

        // The gateway restarts a minute later: the fourth message in the window is the one over the limit.
        let clock = TestClock(now: EscalationHarness.start.addingTimeInterval(60))
        let second = try EscalationHarness(stub: stub, store: first.store, clock: clock, yaml: yaml)
        let caseID = try await second.complaint("v4", body: "Where is my parcel?", phone: "+14155550204", email: "c4@example.com", name: "C 4")
        let alerts = try await second.alerts()
        #expect(alerts.count == 1 && alerts.first?.caseID == caseID)
        #expect(alerts.first?.reasons.contains { $0.contains("messages") } == true, "\(alerts.first?.reasons ?? [])")
        try await second.shutdown()
    }
}
