import Foundation
import IntakeCore
import PostgresNIO

extension PostgresCaseStore {
    /// Keeps one part of a multi-part message; when every part is there, stores the joined message
    /// (bodies in order, raw bytes one part a line) and forgets the parts, all in this transaction.
    static func ingestFragment(_ session: PostgresSession, _ message: InboundMessage) async throws -> IngestOutcome {
        guard let fragment = message.fragment else { return .stored(try await ingest(session, [message])[0]) }
        let joinedID = fragment.joinedExternalID
        if let receipt = try await storedReceipt(session, adapter: message.adapter, externalID: joinedID) { return .stored(receipt) }
        // A part sent again (a provider's retry) is kept once, its payload too. Ingest transactions hold the
        // event log's lock, so no other instance stores a part between this check and the insert.
        let kept = try await session.first("""
            SELECT 1 AS kept FROM fragments WHERE adapter = \(message.adapter) AND group_key = \(fragment.group) AND part = \(Int64(fragment.index))
            """) { _ in true } ?? false
        if !kept {
            let rawID = try await storeRaw(session, message.raw)
            try await session.execute("""
                INSERT INTO fragments(adapter, group_key, part, total, body, raw_id, received_at)
                VALUES (\(message.adapter), \(fragment.group), \(Int64(fragment.index)), \(Int64(fragment.total)), \(message.body), \(rawID),
                        \(message.receivedAt.timeIntervalSince1970))
                ON CONFLICT(adapter, group_key, part) DO NOTHING
                """)
        }
        let parts = try await session.all("""
            SELECT body, raw_id, received_at FROM fragments WHERE adapter = \(message.adapter) AND group_key = \(fragment.group) ORDER BY part
            """) { (body: try $0.text("body"), rawID: try $0.int64("raw_id"), at: try $0.double("received_at")) }
        guard parts.count >= fragment.total else { return .buffered(received: parts.count, total: fragment.total) }

        var joined = message
        joined.fragment = nil
        joined.externalID = joinedID
        joined.body = parts.map(\.body).joined()
        joined.receivedAt = Date(timeIntervalSince1970: parts.map(\.at).min() ?? message.receivedAt.timeIntervalSince1970)
        var rawLines = Data()
        for (index, part) in parts.enumerated() {
            if index > 0 { rawLines.append(0x0A) }
            rawLines.append(try await fetchRaw(session, id: part.rawID).bytes)
        }
        joined.raw = RawPayload(contentType: message.raw.contentType, bytes: rawLines,
                                metadata: message.raw.metadata.merging([MessageFragment.rawMetadataKey: String(parts.count)]) { $1 })
        let receipt = try await ingest(session, [joined])[0]
        try await session.execute("DELETE FROM fragments WHERE adapter = \(message.adapter) AND group_key = \(fragment.group)")
        return .stored(receipt)
    }
}
