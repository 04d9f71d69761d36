import CGMime
import Foundation

/// The header-derived fields of a mail, read from a parsed GMime message.
struct MailEnvelope: Sendable {
    var messageID: String?
    var inReplyTo: [String] = []
    var references: [String] = []
    var subject: String?
    var from: MailAddress?
    var replyTo: MailAddress?
    var to: [MailAddress] = []
    var cc: [MailAddress] = []
    var date: Date?
    var returnPath: String?
    var headers = MailHeaders()

    init(message: UnsafeMutablePointer<GMimeMessage>, options: OpaquePointer) {
        let object = cgmime_message_as_object(message)!
        headers = Self.headerFields(of: object)
        // GMime keeps Content-* headers on the top MIME part, not in the message's list.
        if let part = g_mime_message_get_mime_part(message) {
            let present = Set(headers.fields.map { $0.name.lowercased() })
            let extra = Self.headerFields(of: part).fields.filter { !present.contains($0.name.lowercased()) }
            headers = MailHeaders(headers.fields + extra)
        }
        messageID = TextDecoding.nonEmpty(fromC: g_mime_message_get_message_id(message))
        subject = TextDecoding.string(fromC: g_mime_message_get_subject(message))
            .map(TextDecoding.normalizeLineEnds)
        from = Self.addresses(g_mime_message_get_from(message)).first
        replyTo = Self.addresses(g_mime_message_get_reply_to(message)).first
        to = Self.addresses(g_mime_message_get_to(message))
        cc = Self.addresses(g_mime_message_get_cc(message))
        if let dateTime = g_mime_message_get_date(message) {
            let seconds = g_date_time_to_unix(dateTime)
            let micros = g_date_time_get_microsecond(dateTime)
            date = Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
        }
        inReplyTo = Self.messageIDs(headers["In-Reply-To"], options: options)
        references = Self.messageIDs(headers["References"], options: options)
        returnPath = headers["Return-Path"].map(Self.returnPathAddress)
    }

    /// `<a@b>` gives `a@b`; `<>` (the null reverse path) gives "".
    static func returnPathAddress(_ value: String) -> String {
        let trimmed = value.trimmingWhitespace
        if let open = trimmed.firstIndex(of: "<"),
           let close = trimmed[open...].firstIndex(of: ">") {
            return String(trimmed[trimmed.index(after: open)..<close]).trimmingWhitespace
        }
        return trimmed
    }

    private static func headerFields(of object: UnsafeMutablePointer<GMimeObject>) -> MailHeaders {
        guard let list = g_mime_object_get_header_list(object) else { return MailHeaders() }
        var fields: [MailHeaders.Field] = []
        let count = Int(g_mime_header_list_get_count(list))
        fields.reserveCapacity(max(count, 0))
        for index in 0..<max(count, 0) {
            guard let header = g_mime_header_list_get_header_at(list, Int32(index)),
                  let name = TextDecoding.string(fromC: g_mime_header_get_name(header)) else { continue }
            // get_value is unfolded and RFC 2047 decoded.
            let value = TextDecoding.string(fromC: g_mime_header_get_value(header)) ?? ""
            fields.append(.init(name: name, value: value.trimmingWhitespace))
        }
        return MailHeaders(fields)
    }

    private static func messageIDs(_ value: String?, options: OpaquePointer) -> [String] {
        guard let value, !value.isEmpty else { return [] }
        guard let references = g_mime_references_parse(options, value) else { return [] }
        defer { g_mime_references_free(references) }
        let count = Int(g_mime_references_length(references))
        return (0..<max(count, 0)).compactMap {
            TextDecoding.nonEmpty(fromC: g_mime_references_get_message_id(references, Int32($0)))
        }
    }

    /// Mailboxes of an address list, group members flattened. The list belongs to the message.
    static func addresses(_ list: UnsafeMutablePointer<InternetAddressList>?) -> [MailAddress] {
        guard let list else { return [] }
        var result: [MailAddress] = []
        collect(list, into: &result, depth: 0)
        return result
    }

    private static func collect(_ list: UnsafeMutablePointer<InternetAddressList>, into result: inout [MailAddress], depth: Int) {
        let count = Int(internet_address_list_length(list))
        for index in 0..<max(count, 0) {
            guard let address = internet_address_list_get_address(list, Int32(index)) else { continue }
            if let mailbox = cgmime_as_mailbox(address) {
                let name = TextDecoding.nonEmpty(fromC: internet_address_get_name(address))
                let addr = TextDecoding.nonEmpty(fromC: internet_address_mailbox_get_addr(mailbox))
                if name == nil, let addr, !addr.contains("@") {
                    // A bare word ("From: Whomever") is a display name, not something to reply to.
                    result.append(MailAddress(name: addr, address: nil))
                } else if name != nil || addr != nil {
                    result.append(MailAddress(name: name, address: addr))
                }
            } else if let group = cgmime_as_group(address), depth < 4,
                      let members = internet_address_group_get_members(group) {
                collect(members, into: &result, depth: depth + 1)
            }
        }
    }
}
