import Foundation
import IntakeCore
import IntakeServer
import IntakeTesting
import Testing

/// Several gateway instances on one PostgreSQL database: one case stream, whichever instance a message reached.
@Suite(.serialized) struct PostgresGatewayTests {
    @Test func twoInstancesOnOneDatabaseShareOneCaseStream() async throws {
        let store = try await TestStore.fresh("postgres")
        let a = try await TestGateway.start(store: store)
        let b = try await TestGateway.start(store: store)

        let opening = try await a.post(#"{"external_id":"p-1","sender":{"email":"ann@example.com"},"body":"It broke","conversation":"t1"}"#)
        let reply = try await b.post(#"{"external_id":"p-2","sender":{"email":"ann@example.com"},"body":"Any news?","conversation":"t1"}"#)
        #expect(opening.status == 202 && reply.status == 202)
        #expect(reply.object["case_id"] as? String == opening.object["case_id"] as? String, "a reply through the other instance joins the case")
        #expect(reply.object["contact_id"] as? Int == opening.object["contact_id"] as? Int)
        // A provider retrying against the other instance is acknowledged again and stored once.
        let retry = try await b.post(#"{"external_id":"p-1","sender":{"email":"ann@example.com"},"body":"It broke","conversation":"t1"}"#)
        #expect(retry.object["duplicate"] as? Bool == true && retry.object["message_id"] as? Int == opening.object["message_id"] as? Int)

        let caseID = try #require(opening.object["case_id"] as? String)
        let seenByA = json(try await a.request(.GET, "/v1/cases/\(caseID)").body)
        #expect((seenByA["messages"] as? [Any])?.count == 2)
        // A person's change on one instance is in the log both read.
        let patch = try await b.request(.PATCH, "/v1/cases/\(caseID)", json: #"{"state":"acknowledged","assignee":"sam"}"#)
        #expect(patch.status == 200, "\(patch.body)")
        let events = json(try await a.request(.GET, "/v1/events?after=0").body)["items"] as? [[String: Any]] ?? []
        #expect(events.compactMap { $0["type"] as? String } == ["case.opened", "message.received", "message.received", "case.state_changed", "case.assigned"])
        try await a.stop()
        try await b.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func aPostWhileTheDatabaseIsAwayIsRefusedWith503AndAcceptedOnceItIsBack() async throws {
        let store = try await TestStore.fresh("postgres")
        guard case .postgres(let url) = store else { throw TestFailure("no database URL") }
        let gw = try await TestGateway.start(store: store)
        let server = try await PostgresServer.shared()
        try await server.takeAway(url)
        let notReady = try await gw.request(.GET, "/readyz", token: nil)
        #expect(notReady.status == 503 && notReady.body.contains("the database cannot be reached"), "\(notReady.body)")
        let refused = try await gw.request(.POST, "/v1/messages", json: #"{"external_id":"o-1","sender":{"email":"ann@example.com"},"body":"It broke"}"#)
        #expect(refused.status == 503, "\(refused.body)")
        #expect(refused.headers["Content-Type"].first == "application/problem+json" && refused.headers["Retry-After"].first == "5")
        try await server.giveBack(url)
        // The pool reconnects after a backoff of its own: ready again within seconds, not necessarily at once.
        let givenBack = ContinuousClock.now
        _ = try await eventually(within: .seconds(20), every: .milliseconds(100)) {
            try await gw.request(.GET, "/readyz", token: nil).status == 200 ? true : nil
        }
        print("postgres outage: /readyz answered 200 again \(ContinuousClock.now - givenBack) after the database was given back")
        let accepted = try await gw.post(#"{"external_id":"o-1","sender":{"email":"ann@example.com"},"body":"It broke"}"#)
        #expect(accepted.status == 202 && accepted.object["duplicate"] as? Bool == false, "the refused post was not stored, and is taken now")
        try await gw.stop()
    }

    @Test func theConfigurationSaysWhatThePostgresDriverNeeds() throws {
        func problems(_ yaml: String, _ environment: [String: String] = [:]) -> [String] {
            do {
                _ = try GatewayConfig.parse(yaml: yaml + "\nadapters: [{kind: generic, name: api}]\n", environment: environment)
                return []
            } catch let errors as ConfigErrors {
                return errors.problems.map { "\($0.path): \($0.message)" }
            } catch {
                return ["\(error)"]
            }
        }
        #expect(problems("storage: {driver: postgres}") == ["storage.url: required (as a ${ENV_VAR} reference)"])
        let literal = problems("storage: {driver: postgres, url: \"postgres://intake:hunter2@db/intake\"}")
        #expect(literal == ["storage.url: must be a ${ENV_VAR} reference, not a literal secret"])
        #expect(!literal.joined().contains("hunter2"), "a pasted password is never echoed")
        #expect(problems("storage: {driver: postgres, url: \"${DB}\"}", ["DB": "mysql://x@db/intake"])
                    == ["storage.url: the PostgreSQL URL must look like postgres://user:password@host:port/database"])
        #expect(problems("storage: {driver: postgres, url: \"${DB}\", path: x.sqlite}", ["DB": "postgres://intake:pw@db/intake"])
                    == ["storage.path: applies to driver sqlite only"])
        #expect(problems("storage: {url: \"${DB}\"}", ["DB": "postgres://intake:pw@db/intake"]) == ["storage.url: applies to driver postgres only"])
        #expect(problems("storage: {driver: postgres, url: \"${DB}\"}", ["DB": "postgres://intake:pw@db.example.com:6432/intake"]).isEmpty)
    }
}
