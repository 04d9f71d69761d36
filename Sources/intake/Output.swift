import Foundation
import IntakeCore

/// Prints rows as aligned columns, the first row as the header.
func printTable(_ rows: [[String]]) {
    guard let header = rows.first else { return }
    var widths = header.map(\.count)
    for row in rows { for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) } }
    for row in rows {
        print(row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        }.joined(separator: "  "))
    }
    if rows.count == 1 { print("(none)") }
}

func printJSON(_ value: some Encodable) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.dateEncodingStrategy = .iso8601
    if let data = try? encoder.encode(value) { print(String(decoding: data, as: UTF8.self)) }
}

func shortDate(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd HH:mm"
    return formatter.string(from: date) + "Z"
}

/// A case as the CLI prints it in JSON.
struct CaseJSON: Encodable {
    var id: String
    var state: String
    var channel: String
    var contactId: Int64
    var subject: String?
    var assignee: String?
    var isPublic: Bool
    var messageCount: Int
    var createdAt: Date
    var updatedAt: Date

    init(_ record: CaseRecord) {
        id = record.reference
        state = record.state.rawValue
        channel = record.channel.rawValue
        contactId = record.contactID
        subject = record.subject
        assignee = record.assignee
        isPublic = record.isPublic
        messageCount = record.messageCount
        createdAt = record.createdAt
        updatedAt = record.updatedAt
    }
}

/// A case with its contact, messages and events, as the CLI prints it in JSON.
struct CaseDetailJSON: Encodable {
    var `case`: CaseJSON
    var contact: Contact
    var messages: [MessageJSON]
    var events: [CaseEvent]

    init(_ detail: CaseDetail) {
        self.case = CaseJSON(detail.record)
        contact = detail.contact
        messages = detail.messages.map(MessageJSON.init)
        events = detail.events
    }
}

/// A message as the CLI prints it in JSON (the raw payload by address only).
struct MessageJSON: Encodable {
    var id: Int64
    var adapter: String
    var channel: String
    var externalId: String
    var receivedAt: Date
    var sender: Sender
    var subject: String?
    var body: String
    var flags: [String]
    var rawSha256: String

    init(_ stored: StoredMessage) {
        id = stored.id
        adapter = stored.message.adapter
        channel = stored.message.channel.rawValue
        externalId = stored.message.externalID
        receivedAt = stored.message.receivedAt
        sender = stored.message.sender
        subject = stored.message.subject
        body = stored.message.body
        flags = stored.message.flags.map(\.rawValue).sorted()
        rawSha256 = stored.message.raw.sha256
    }
}
