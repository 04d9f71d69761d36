import Foundation
import IntakeCore

/// Turns an entry payload into the inbound message of the case stream: a public social mention.
struct FeedMessageBuilder {
    let adapter: String

    /// The reference an entry's message owns, and that an edit of it threads to.
    static func ref(adapter: String, key: String) -> String { "feed:\(adapter):\(key)" }

    func message(from payload: EntryPayload, raw: RawPayload, receivedAt: Date) -> InboundMessage {
        let entry = payload.entry
        var ownRefs = [Self.ref(adapter: adapter, key: payload.entryKey)]
        // Every entry with a link also owns its link: an edit found by link (its id changed) threads to it.
        if let link = entry.link, payload.entryKey != "link:" + link { ownRefs.append(Self.ref(adapter: adapter, key: "link:" + link)) }
        let text = [entry.content, entry.summary].compactMap { $0?.trimmedWhitespace() }.first { !$0.isEmpty }
        let author = entry.authors.first
        return InboundMessage(
            adapter: adapter, channel: .social, externalID: payload.externalID, receivedAt: receivedAt,
            sender: Sender(identities: identities(payload), displayName: author?.name.flatMap { $0.isEmpty ? nil : $0 }),
            subject: entry.title.flatMap { $0.isEmpty ? nil : $0 },
            body: text ?? entry.title ?? entry.link ?? "",
            threadRefs: payload.edits.map { [$0] } ?? [], ownRefs: ownRefs, isPublic: true,
            flags: payload.edits == nil ? [] : [.edited], raw: raw)
    }

    /// The author's handle on the platform, and their email when the feed gives one.
    func identities(_ payload: EntryPayload) -> [Identity] {
        var found: [Identity] = []
        let author = payload.entry.authors.first
        if let handle = AuthorHandle.find(author: author, entryLink: payload.entry.link) {
            found.append(.handle(platform: payload.platform, handle))
        }
        if let email = author?.email.flatMap(Identity.email) { found.append(email) }
        return found
    }
}

/// Finds an author's handle in what feeds give: a profile URI, a `/u/name` or `@name` author name, or a
/// fediverse post link (`https://host/@user/123`).
enum AuthorHandle {
    static func find(author: EntryPayload.Person?, entryLink: String?) -> String? {
        if let uri = author?.uri, let handle = fromProfileURL(uri) { return handle }
        if let name = author?.name?.trimmingCharacters(in: .whitespaces), let handle = fromName(name) { return handle }
        if let link = entryLink, let handle = fediverse(link) { return handle }
        return nil
    }

    /// `u/name` for Reddit-style names, `@name` (or `@name@host`) as written.
    static func fromName(_ name: String) -> String? {
        guard !name.contains(" ") else { return nil }
        for prefix in ["/u/", "u/"] where name.lowercased().hasPrefix(prefix) && name.count > prefix.count {
            return "u/" + name.dropFirst(prefix.count)
        }
        if name.hasPrefix("@"), name.count > 1 { return name }
        return nil
    }

    static func fromProfileURL(_ text: String) -> String? {
        if let handle = fediverse(text) { return handle }
        guard let url = URL(string: text), let host = url.host?.lowercased() else { return nil }
        let parts = url.path.split(separator: "/")
        if host.hasSuffix("reddit.com"), parts.count >= 2, parts[0] == "user" || parts[0] == "u" { return "u/\(parts[1])" }
        guard !parts.isEmpty else { return nil }
        // Any other profile page identifies its owner by itself.
        let bare = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
        return ([bare] + parts.map(String.init)).joined(separator: "/")
    }

    /// `https://host/@user/…` → `@user@host`; `https://host/@user@other/…` → `@user@other`.
    static func fediverse(_ text: String) -> String? {
        guard let url = URL(string: text), let host = url.host?.lowercased() else { return nil }
        guard let first = url.path.split(separator: "/").first, first.hasPrefix("@"), first.count > 1 else { return nil }
        let user = first.dropFirst()
        return user.contains("@") ? "@" + user : "@\(user)@\(host)"
    }
}
