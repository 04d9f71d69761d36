import Foundation
import IntakeCore
import IntakeStore
import IntakeTesting

/// A fresh SQLite store in a temporary directory.
func makeStore() throws -> SQLiteCaseStore {
    try SQLiteCaseStore(path: temporaryStorePath())
}

/// The `CaseStore` implementations the store contract tests run against.
enum StoreKind: String, CaseIterable, Sendable {
    case sqlite, postgres
}

/// A fresh, empty store of `kind`: SQLite in a temporary directory, PostgreSQL in a new database on the shared test server.
func makeStore(_ kind: StoreKind) async throws -> any CaseStore {
    switch kind {
    case .sqlite: return try makeStore()
    case .postgres: return try await PostgresCaseStore.open(.init(url: PostgresServer.shared().newDatabase()))
    }
}

/// Closes `store`'s connections when it has any (PostgreSQL); a test ends with it.
func closeStore(_ store: any CaseStore) async {
    await (store as? PostgresCaseStore)?.close()
}

/// The path of a database file (not created yet) in a new temporary directory.
func temporaryStorePath() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("intake-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("intake.sqlite").path
}

/// A message with sensible defaults.
func message(
    _ id: String, email: String? = "ann@example.com", phone: String? = nil, body: String = "It broke again",
    subject: String? = "Broken kettle", threadRefs: [String] = [], ownRefs: [String] = [], flags: Set<MessageFlag> = [],
    adapter: String = "test", channel: ChannelKind = .email, at: Date = Date(timeIntervalSince1970: 1_800_000_000)
) -> InboundMessage {
    var identities: [Identity] = []
    if let email { identities.append(Identity.email(email)!) }
    if let phone { identities.append(Identity(kind: .phone, value: phone)) }
    return InboundMessage(
        adapter: adapter, channel: channel, externalID: id, receivedAt: at, sender: Sender(identities: identities, displayName: "Ann"),
        subject: subject, body: body, threadRefs: threadRefs, ownRefs: ownRefs, flags: flags,
        raw: RawPayload(contentType: "text/plain", bytes: Data("raw \(id)".utf8)))
}

extension IngestOutcome {
    var receipt: StoreReceipt? {
        if case .stored(let receipt) = self { return receipt }
        return nil
    }

    var isBuffered: Bool {
        if case .buffered = self { return true }
        return false
    }
}
