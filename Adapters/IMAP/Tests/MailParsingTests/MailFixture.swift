import Foundation
import MailParsing

/// Builds small synthetic mails for tests; `lines` are joined with CRLF like IMAP delivers them.
enum MailFixture {
    static func crlf(_ lines: [String]) -> Data {
        Data(lines.joined(separator: "\r\n").utf8)
    }

    static func lf(_ lines: [String]) -> Data {
        Data(lines.joined(separator: "\n").utf8)
    }

    /// A plain-text mail with `headers` added after the standard ones.
    static func plain(headers: [String] = [], body: String = "Hello", subject: String = "Test") -> Data {
        crlf([
            "From: Alice Example <alice@example.com>",
            "To: support@intake.example",
            "Subject: \(subject)",
            "Message-ID: <m1@example.com>",
            "Date: Tue, 02 Jan 2024 10:00:00 +0100",
        ] + headers + ["Content-Type: text/plain; charset=utf-8", "", body, ""])
    }
}
