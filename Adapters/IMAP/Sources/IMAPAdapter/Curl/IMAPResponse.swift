import Foundation

/// Reads the server's untagged responses: STATUS, SEARCH, and FETCH of sizes, flags and mails.
enum IMAPResponse {
    /// What `STATUS mailbox (UIDVALIDITY UIDNEXT)` says.
    struct MailboxStatus: Equatable {
        var uidValidity: UInt32
        var uidNext: UInt32?
    }

    /// One line of `UID FETCH n:* (UID RFC822.SIZE FLAGS)`.
    struct MessageEntry: Equatable {
        var uid: UInt32
        var size: Int
        var seen: Bool
    }

    static func status(_ lines: [String]) -> MailboxStatus? {
        for line in lines where line.hasPrefix("* STATUS ") {
            guard let open = line.lastIndex(of: "("), let close = line.lastIndex(of: ")"), open < close else { continue }
            let words = line[line.index(after: open)..<close].split(separator: " ")
            var values: [String: UInt32] = [:]
            for index in stride(from: 0, to: words.count - 1, by: 2) {
                values[words[index].uppercased()] = UInt32(words[index + 1])
            }
            if let validity = values["UIDVALIDITY"] { return MailboxStatus(uidValidity: validity, uidNext: values["UIDNEXT"]) }
        }
        return nil
    }

    /// The UIDVALIDITY a SELECT reports: `* OK [UIDVALIDITY 1795430633] UIDs valid`.
    static func selectedUIDValidity(_ line: String) -> UInt32? {
        guard line.hasPrefix("* OK [UIDVALIDITY "), let close = line.firstIndex(of: "]") else { return nil }
        return UInt32(line[line.index(line.startIndex, offsetBy: "* OK [UIDVALIDITY ".count)..<close])
    }

    /// The UIDs of `* SEARCH 2 3 4` lines.
    static func searchUIDs(_ lines: [String]) -> [UInt32] {
        lines.filter { $0.hasPrefix("* SEARCH") }.flatMap { $0.dropFirst("* SEARCH".count).split(separator: " ").compactMap { UInt32($0) } }
    }

    /// Entries of `* n FETCH (UID u RFC822.SIZE s FLAGS (...))` lines, in the order given.
    static func entries(_ lines: [String]) -> [MessageEntry] {
        lines.compactMap(entry)
    }

    static func entry(_ line: String) -> MessageEntry? {
        guard line.hasPrefix("* "), let fetch = line.range(of: " FETCH (") else { return nil }
        var scanner = Substring(line[fetch.upperBound...])
        var uid: UInt32?
        var size: Int?
        var seen = false
        while let key = nextAtom(&scanner) {
            switch key.uppercased() {
            case "UID": uid = nextAtom(&scanner).flatMap { UInt32($0) }
            case "RFC822.SIZE": size = nextAtom(&scanner).flatMap { Int($0) }
            case "FLAGS":
                let flags = nextList(&scanner)
                seen = flags.contains { $0.caseInsensitiveCompare("\\Seen") == .orderedSame }
            default:
                // A value we did not ask for (MODSEQ (...), a server extra): skip it.
                scanner = scanner.drop(while: { $0 == " " })
                if scanner.first == "(" { _ = nextList(&scanner) } else { _ = nextAtom(&scanner) }
            }
        }
        guard let uid else { return nil }
        return MessageEntry(uid: uid, size: size ?? 0, seen: seen)
    }

    /// The UID and the `item` literal (`BODY[]`, `BODY[HEADER]`) of one `* n FETCH (...)` response;
    /// nil for any other response (an unsolicited FLAGS update, EXISTS).
    static func fetchedLiteral(_ response: IMAPServerResponse, item: String) -> (UInt32, IMAPServerResponse.Literal)? {
        guard let first = response.lines.first, first.hasPrefix("* "), first.contains(" FETCH (") else { return nil }
        var uid: UInt32?
        var literal: IMAPServerResponse.Literal?
        for (index, line) in response.lines.enumerated() {
            if uid == nil, let range = line.range(of: "UID ", options: .caseInsensitive),
               range.lowerBound == line.startIndex || " (".contains(line[line.index(before: range.lowerBound)]) {
                uid = UInt32(line[range.upperBound...].prefix(while: \.isNumber))
            }
            if index < response.literals.count, let marker = line.range(of: item + " {", options: [.caseInsensitive, .backwards]),
               !line[marker.upperBound...].contains(" ") {
                literal = response.literals[index]
            }
        }
        guard let uid, let literal else { return nil }
        return (uid, literal)
    }

    private static func nextAtom(_ scanner: inout Substring) -> String? {
        scanner = scanner.drop(while: { $0 == " " })
        guard let first = scanner.first, first != ")", first != "(" else { return nil }
        let atom = scanner.prefix(while: { $0 != " " && $0 != ")" && $0 != "(" })
        scanner = scanner.dropFirst(atom.count)
        return atom.isEmpty ? nil : String(atom)
    }

    private static func nextList(_ scanner: inout Substring) -> [String] {
        scanner = scanner.drop(while: { $0 == " " })
        guard scanner.first == "(" else { return [] }
        guard let close = scanner.firstIndex(of: ")") else {
            scanner = ""
            return []
        }
        let inside = scanner[scanner.index(after: scanner.startIndex)..<close]
        scanner = scanner[scanner.index(after: close)...]
        return inside.split(separator: " ").map(String.init)
    }

    /// A mailbox name as an IMAP quoted string, for commands that name it.
    static func quoted(_ mailbox: String) -> String {
        "\"" + mailbox.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// UIDs as a compact IMAP set: `[1, 2, 3, 7]` gives `1:3,7`.
    static func uidSet(_ uids: [UInt32]) -> String {
        let sorted = Array(Set(uids)).sorted()
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index]):\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}
