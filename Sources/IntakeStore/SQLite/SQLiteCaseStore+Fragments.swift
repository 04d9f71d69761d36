import Foundation
import GRDB
import IntakeCore

extension SQLiteCaseStore {
    /// Keeps one part of a multi-part message; when every part is there, stores the joined message
    /// (bodies in order, raw bytes one part a line) and forgets the parts, all in this transaction.
    static func ingestFragment(_ db: Database, _ message: InboundMessage, judge: (any IngestJudge)?) throws -> IngestOutcome {
        guard let fragment = message.fragment else { return .stored(try ingest(db, message, judge: judge)) }
        let joinedID = fragment.joinedExternalID
        if let receipt = try storedReceipt(db, adapter: message.adapter, externalID: joinedID) { return .stored(receipt) }
        // A part sent again (a provider's retry) is kept once, its payload too.
        let kept = try db.cachedStatement(sql: "SELECT 1 FROM fragments WHERE adapter = ? AND group_key = ? AND part = ?")
            .first(message.adapter, fragment.group, Int64(fragment.index)) { _ in true } ?? false
        if !kept {
            let rawID = try storeRaw(db, message.raw)
            try db.cachedStatement(sql: "INSERT INTO fragments(adapter, group_key, part, total, body, raw_id, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .execute(arguments: [message.adapter, fragment.group, fragment.index, fragment.total, message.body, rawID,
                                     message.receivedAt.timeIntervalSince1970])
        }
        let parts = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT part, body, raw_id, received_at FROM fragments WHERE adapter = ? AND group_key = ? ORDER BY part"),
            arguments: [message.adapter, fragment.group])
        guard parts.count >= fragment.total else { return .buffered(received: parts.count, total: fragment.total) }

        var joined = message
        joined.fragment = nil
        joined.externalID = joinedID
        joined.body = parts.map { $0["body"] as String }.joined()
        joined.receivedAt = Date(timeIntervalSince1970: parts.map { $0["received_at"] as Double }.min() ?? message.receivedAt.timeIntervalSince1970)
        var rawLines = Data()
        for (index, part) in parts.enumerated() {
            if index > 0 { rawLines.append(0x0A) }
            rawLines.append(try fetchRaw(db, id: part["raw_id"]).bytes)
        }
        joined.raw = RawPayload(contentType: message.raw.contentType, bytes: rawLines,
                                metadata: message.raw.metadata.merging([MessageFragment.rawMetadataKey: String(parts.count)]) { $1 })
        let receipt = try ingest(db, joined, judge: judge)
        try db.execute(sql: "DELETE FROM fragments WHERE adapter = ? AND group_key = ?", arguments: [message.adapter, fragment.group])
        return .stored(receipt)
    }
}
