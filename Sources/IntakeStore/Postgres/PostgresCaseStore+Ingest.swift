import Foundation
import IntakeCore
import PostgresNIO

extension PostgresCaseStore {
    /// Stores a group in one transaction holding the event log's lock, so instances ingesting at once
    /// neither store a message twice nor interleave their sequence numbers.
    public func ingest(_ requests: [IngestRequest]) async throws -> [IngestOutcome] {
        try await loggedTransaction { session in
            var outcomes: [IngestOutcome] = []
            outcomes.reserveCapacity(requests.count)
            for request in requests {
                switch request.item {
                case .message(let message) where message.fragment != nil: outcomes.append(try await Self.ingestFragment(session, message))
                case .message(let message): outcomes.append(.stored(try await Self.ingest(session, message)))
                case .quarantine(let entry): outcomes.append(.quarantined(id: try await Self.quarantine(session, entry)))
                case .nothing: outcomes.append(.skipped)
                }
                if let cursor = request.cursor {
                    try await Self.upsertCursor(session, key: cursor.key, value: cursor.value)
                }
            }
            return outcomes
        }
    }

    /// Stores one message inside the caller's transaction: dedup, contact, case, message, refs, events.
    static func ingest(_ session: PostgresSession, _ message: InboundMessage) async throws -> StoreReceipt {
        if let receipt = try await storedReceipt(session, adapter: message.adapter, externalID: message.externalID) { return receipt }
        let sha = try await storeRaw(session, message.raw)
        let contactID = try await resolveContact(session, message.sender, at: message.receivedAt)
        let placement = try await placeInCase(session, message, contactID: contactID)
        let at = message.receivedAt.timeIntervalSince1970
        let flags = message.flags.map(\.rawValue).sorted().joined(separator: ",")
        let attachments = message.attachments.isEmpty ? nil : String(decoding: try JSONEncoder.column.encode(message.attachments), as: UTF8.self)

        let messageID = try await session.insertReturningID("""
            INSERT INTO messages(adapter, external_id, case_id, contact_id, channel, received_at, sender_name, sender_identities,
                subject, body, thread_refs, own_refs, is_public, attachments, flags, raw_sha256)
            VALUES (\(message.adapter), \(message.externalID), \(placement.caseID), \(contactID), \(message.channel.rawValue), \(at),
                \(message.sender.displayName), \(StringMapCoding.encodeIdentities(message.sender.identities)), \(message.subject),
                \(message.body), \(StringMapCoding.encodeLines(message.threadRefs)), \(StringMapCoding.encodeLines(message.ownRefs)),
                \(message.isPublic), \(attachments), \(flags), \(sha))
            RETURNING id
            """)

        if let caseID = placement.caseID {
            var seen = Set<String>()
            // Case references resolve by id; only the others need a row, and one already pointing here is left alone.
            let refs = (message.ownRefs + message.threadRefs).filter {
                !$0.hasPrefix("case:") && placement.knownRefs[$0] != caseID && seen.insert($0).inserted
            }
            for ref in refs {
                try await session.execute("""
                    INSERT INTO thread_refs(ref, case_id) VALUES (\(ref), \(caseID)) ON CONFLICT(ref) DO UPDATE SET case_id = excluded.case_id
                    """)
            }
            var data = ["message_id": String(messageID), "channel": message.channel.rawValue, "adapter": message.adapter]
            if !message.flags.isEmpty { data["flags"] = flags }
            if message.isPublic { data["public"] = "true" }
            try await appendEvent(session, caseID: caseID, type: .messageReceived, at: at, actor: message.adapter, data: data)
            try await session.execute("""
                UPDATE cases SET message_count = message_count + 1, last_message_at = \(at), updated_at = \(at),
                    is_public = is_public OR \(message.isPublic)
                WHERE id = \(caseID)
                """)
        }
        return StoreReceipt(
            messageID: messageID, caseID: placement.caseID, contactID: contactID, duplicate: false,
            openedCase: placement.opened, reopenedCase: placement.reopened)
    }

    /// The receipt of the message already stored under this adapter and external id, marked duplicate.
    static func storedReceipt(_ session: PostgresSession, adapter: String, externalID: String) async throws -> StoreReceipt? {
        try await session.first("SELECT id, case_id, contact_id FROM messages WHERE adapter = \(adapter) AND external_id = \(externalID)") { row in
            StoreReceipt(messageID: try row.int64("id"), caseID: try row.optionalInt64("case_id"), contactID: try row.int64("contact_id"),
                         duplicate: true, openedCase: false, reopenedCase: false)
        }
    }

    /// Finds the contact owning any of the sender's identities, or creates one, and records every identity.
    static func resolveContact(_ session: PostgresSession, _ sender: Sender, at date: Date) async throws -> Int64 {
        var known: (id: Int64, nameless: Bool)?
        var unknown: [Identity] = []
        for identity in sender.identities {
            let found = try await session.first("""
                SELECT i.contact_id, c.display_name IS NULL AS nameless FROM identities i JOIN contacts c ON c.id = i.contact_id
                WHERE i.kind = \(identity.kind.rawValue) AND i.value = \(identity.value)
                """) { (id: try $0.int64("contact_id"), nameless: try $0.bool("nameless")) }
            if let found {
                if known == nil { known = found }
            } else {
                unknown.append(identity)
            }
        }
        let id: Int64
        if let known {
            id = known.id
            if known.nameless, let name = sender.displayName, !name.isEmpty {
                try await session.execute("UPDATE contacts SET display_name = \(name) WHERE id = \(id)")
            }
        } else {
            id = try await session.insertReturningID(
                "INSERT INTO contacts(display_name, created_at) VALUES (\(sender.displayName), \(date.timeIntervalSince1970)) RETURNING id")
        }
        for identity in unknown {
            try await session.execute("""
                INSERT INTO identities(kind, value, contact_id) VALUES (\(identity.kind.rawValue), \(identity.value), \(id))
                ON CONFLICT(kind, value) DO NOTHING
                """)
        }
        return id
    }

    /// Joins the case its thread references point at, reopening a resolved one; otherwise opens a case,
    /// unless the message is automated or a status report, which never opens one.
    static func placeInCase(_ session: PostgresSession, _ message: InboundMessage, contactID: Int64) async throws -> CasePlacement {
        let at = message.receivedAt.timeIntervalSince1970
        let automated = message.flags.contains(.automated) || message.flags.contains(.statusReport)
        let thread = try await matchThread(session, refs: message.threadRefs)
        if let (caseID, state) = thread.best {
            switch state {
            case .resolved where !automated:
                try await session.execute("UPDATE cases SET state = \(CaseState.open.rawValue), updated_at = \(at) WHERE id = \(caseID)")
                try await appendEvent(session, caseID: caseID, type: .stateChanged, at: at, actor: message.adapter,
                                      data: ["from": state.rawValue, "to": CaseState.open.rawValue, "reason": "customer wrote again"])
                return CasePlacement(caseID: caseID, reopened: true, knownRefs: thread.known)
            case .closed where !automated:
                break  // a closed case stays closed: the message opens a new one below
            default:
                return CasePlacement(caseID: caseID, knownRefs: thread.known)
            }
        }
        if automated { return CasePlacement(caseID: nil) }
        let caseID = try await session.insertReturningID("""
            INSERT INTO cases(contact_id, state, channel, subject, assignee, is_public, message_count, created_at, updated_at, last_message_at)
            VALUES (\(contactID), \(CaseState.open.rawValue), \(message.channel.rawValue), \(message.subject), NULL, \(message.isPublic), 0, \(at), \(at), \(at))
            RETURNING id
            """)
        try await appendEvent(session, caseID: caseID, type: .caseOpened, at: at, actor: message.adapter,
                              data: ["channel": message.channel.rawValue, "contact_id": String(contactID)])
        return CasePlacement(caseID: caseID, opened: true, knownRefs: thread.known)
    }

    /// The newest case any of the references points at, with its state, and the case each reference found
    /// in `thread_refs` points at. A case reference (`case:C-12`) names its case directly.
    static func matchThread(_ session: PostgresSession, refs: [String]) async throws -> (best: (Int64, CaseState)?, known: [String: Int64]) {
        guard !refs.isEmpty else { return (nil, [:]) }
        var best: (Int64, CaseState)?
        var known: [String: Int64] = [:]
        let read = { (row: PostgresColumns) in (try row.int64("id"), CaseState(rawValue: try row.text("state")) ?? .open) }
        for ref in refs {
            let found: (Int64, CaseState)?
            if ref.hasPrefix("case:"), let id = CaseReference.parse(String(ref.dropFirst(5))) {
                found = try await session.first("SELECT id, state FROM cases WHERE id = \(id)", read)
            } else {
                found = try await session.first("SELECT c.id, c.state FROM thread_refs t JOIN cases c ON c.id = t.case_id WHERE t.ref = \(ref)", read)
                if let found { known[ref] = found.0 }
            }
            guard let found else { continue }
            if best == nil || found.0 > best!.0 { best = found }
        }
        return (best, known)
    }

    @discardableResult
    static func appendEvent(_ session: PostgresSession, caseID: Int64, type: CaseEventType, at: Double, actor: String, data: [String: String]) async throws -> Int64 {
        try await session.first("""
            INSERT INTO events(case_id, type, at, actor, data) VALUES (\(caseID), \(type.rawValue), \(at), \(actor), \(StringMapCoding.encode(data)))
            RETURNING seq
            """) { try $0.int64("seq") } ?? 0
    }

    static func quarantine(_ session: PostgresSession, _ entry: QuarantineRequest) async throws -> Int64 {
        let sha = try await storeRaw(session, entry.raw)
        return try await session.insertReturningID("""
            INSERT INTO quarantine(adapter, received_at, reason, raw_sha256, status, attempts, message_id)
            VALUES (\(entry.adapter), \(entry.receivedAt.timeIntervalSince1970), \(entry.reason), \(sha), \(QuarantineStatus.pending.rawValue), 0, NULL)
            RETURNING id
            """)
    }
}
