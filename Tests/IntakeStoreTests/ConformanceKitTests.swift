import Foundation
import IntakeCore
import IntakeStore
import IntakeTesting
import Logging
import Testing

/// The conformance kit fails an adapter that breaks one of its rules: each adapter here is `ListAdapter`
/// with one fault, and the kit must name it.
@Suite struct ConformanceKitTests {
    @Test func anAdapterThatLogsASecretFails() async throws {
        let failure = try await kitFailure(Faulty(fault: .logsSecret("hunter2-token")), secrets: ["hunter2-token"])
        #expect(failure.contains("a secret appears in") && !failure.contains("hunter2-token"), "\(failure)")
    }

    @Test func anAdapterThatDropsWhatItCannotReadFails() async throws {
        let failure = try await kitFailure(Faulty(fault: .dropsUnreadable))
        #expect(failure.contains("must be quarantined"), "\(failure)")
    }

    @Test func anAdapterThatNamesAnItemAnewEachFetchFails() async throws {
        let failure = try await kitFailure(Faulty(fault: .newIDEachFetch))
        #expect(failure.contains("must be stored once"), "\(failure)")
    }

    @Test func anAdapterWhoseMessagesCarryAnotherNameFails() async throws {
        let failure = try await kitFailure(Faulty(fault: .anotherName))
        #expect(failure.contains("must carry its adapter's name \"faulty\""), "\(failure)")
    }

    @Test func theSameAdapterWithoutFaultsPasses() async throws {
        #expect(try await kitFailure(Faulty(fault: nil)) == "")
    }

    /// What the kit said of `adapter`, or "" when it passed.
    func kitFailure(_ adapter: Faulty, secrets: [String] = []) async throws -> String {
        let store = FailingCaseStore(wrapping: try makeStore())
        do {
            try await AdapterConformance.polling(adapter, store: store, cursorKey: adapter.name, secrets: secrets) { count in
                adapter.list.deliver((0..<count).map { _ in "m-\(UUID().uuidString.prefix(8))" })
            } deliverMalformed: {
                adapter.list.deliver(["garbage"])
            }
            return ""
        } catch let failure as ConformanceFailure {
            return failure.description
        }
    }
}

/// `ListAdapter` with one fault.
struct Faulty: PollingAdapter {
    enum Fault: Sendable {
        case logsSecret(String)
        case dropsUnreadable
        case newIDEachFetch
        case anotherName
    }

    let fault: Fault?
    let list = ListAdapter(name: "faulty")
    var name: String { list.name }
    var kind: String { list.kind }
    var channel: ChannelKind { list.channel }
    var pollInterval: Duration { list.pollInterval }

    func poll(_ context: PollContext) async throws -> [PolledItem] {
        if case .logsSecret(let secret) = fault {
            Logger(label: "faulty-adapter").info("polling", metadata: ["url": "https://feeds.example.com/?token=\(secret)"])
        }
        return try await list.poll(context)
    }

    func didCommit(_ items: [PolledItem], outcomes: [IngestOutcome]) async throws {
        try await list.didCommit(items, outcomes: outcomes)
    }

    func normalize(_ raw: RawPayload, receivedAt: Date) throws -> [InboundMessage] {
        switch fault {
        case .dropsUnreadable where String(decoding: raw.bytes, as: UTF8.self) == "garbage":
            return []
        case .newIDEachFetch:
            return try list.normalize(raw, receivedAt: receivedAt).map { message in
                var message = message
                message.externalID += "-" + UUID().uuidString
                return message
            }
        case .anotherName:
            return try list.normalize(raw, receivedAt: receivedAt).map { message in
                var message = message
                message.adapter = "someone-else"
                return message
            }
        default:
            return try list.normalize(raw, receivedAt: receivedAt)
        }
    }
}
