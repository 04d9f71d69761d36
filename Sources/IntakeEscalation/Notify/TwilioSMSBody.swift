import AsyncHTTPClient
import Foundation
import IntakeCore
import IntakeForwarding

/// The words of an SMS page: the alert's title, its first lines, the case link and how to acknowledge
/// (`Reply ACK 4821 to acknowledge.`), in at most Twilio's 1600 characters.
public enum TwilioSMSBody {
    /// Twilio refuses longer bodies (error 21617).
    public static let maxBodyLength = 1600
    /// How many lines of the alert's text a text message carries.
    static let textLines = 6

    /// The text message: title, up to six lines of the alert, the case link, and the ACK instruction,
    /// which is always kept whole; typographic punctuation folded to ASCII; at most 1600 characters.
    public static func body(for page: PageMessage) -> String {
        // A call-again reminder follows an acknowledgement: there is nothing left to acknowledge.
        let ack = page.reminderFor == nil ? "Reply ACK \(page.code) to acknowledge." : ""
        let title = ascii(page.title).trimmedWhitespace()
        var lines = title.isEmpty ? [] : [title]
        let textLines = ascii(page.text).split(whereSeparator: \.isNewline).map { $0.trimmedWhitespace() }
        for line in textLines where !line.isEmpty && line != title && lines.count <= Self.textLines {
            lines.append(NotifyPage.clipped(line, to: 320, ellipsis: "..."))
        }
        if !page.caseLink.isEmpty, !lines.contains(where: { $0.contains(page.caseLink) }) { lines.append(page.caseLink) }
        let head = NotifyPage.clipped(lines.joined(separator: "\n"), to: maxBodyLength - ack.utf16.count - 1, ellipsis: "...")
        return head.isEmpty || ack.isEmpty ? head + ack : head + "\n" + ack
    }

    /// `text` with typographic punctuation as ASCII (one GSM-7 segment holds 160 of those, against 70
    /// UCS-2 characters) and control characters other than line breaks removed. Letters stay as written.
    static func ascii(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\u{2018}", "\u{2019}", "\u{201A}", "\u{201B}", "\u{2032}", "\u{00B4}": out.append("'")
            case "\u{201C}", "\u{201D}", "\u{201E}", "\u{201F}", "\u{2033}", "\u{00AB}", "\u{00BB}": out.append("\"")
            case "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2015}", "\u{2212}": out.append("-")
            case "\u{2022}", "\u{00B7}", "\u{2023}", "\u{2043}": out.append("*")
            case "\u{2026}": out.append(contentsOf: "...".unicodeScalars)
            case "\u{2192}": out.append(contentsOf: "->".unicodeScalars)
            case "\u{00A0}", "\u{2002}", "\u{2003}", "\u{2007}", "\u{2009}", "\u{200A}", "\u{202F}", "\t": out.append(" ")
            case "\u{200B}", "\u{FEFF}": break
            case "\r": break
            case "\n": out.append(scalar)
            default:
                if scalar.properties.generalCategory != .control { out.append(scalar) }
            }
        }
        return String(out)
    }
}
