import AsyncHTTPClient
import Foundation
import IntakeCore
import IntakeForwarding

/// The TwiML of a voice page: reads the alert out and takes a keypress (1 = acknowledge and call the
/// customer) at the alert's voice action URL, in at most Twilio's 4000 characters.
public enum TwilioVoiceTwiML {
    /// Twilio's limit on the `Twiml` parameter.
    public static let maxTwimlLength = 4000

    /// The call: the alert's speech and the ACK prompt inside a one-digit `<Gather>` that posts to the
    /// alert's voice action URL; without a key, the caller hears that the next person is paged.
    /// Every text is XML-escaped; the speech is shortened when the whole would pass 4000 characters.
    public static func twiml(for page: PageMessage) -> String {
        func document(_ speech: String) -> String {
            "<Response><Gather numDigits=\"1\" action=\"\(xmlEscaped(page.voiceActionURL))\" method=\"POST\" timeout=\"10\">"
                + "<Say>\(xmlEscaped(speech))</Say><Say>Press 1 to acknowledge and take this call.</Say></Gather>"
                + "<Say>No key pressed. We will page the next person.</Say></Response>"
        }
        let speech = page.speech.trimmedWhitespace()
        let whole = document(speech)
        guard whole.utf16.count > maxTwimlLength else { return whole }
        // Escaping can lengthen the speech (`&` is five characters): cut it until the escaped whole fits.
        var limit = speech.utf16.count - (whole.utf16.count - maxTwimlLength)
        while limit > 0 {
            let shorter = document(NotifyPage.clipped(speech, to: limit, ellipsis: "..."))
            if shorter.utf16.count <= maxTwimlLength { return shorter }
            limit -= max(1, shorter.utf16.count - maxTwimlLength)
        }
        return document("")
    }

    /// `text` safe in XML content and attribute values: the five markup characters as entities, and
    /// the control characters XML 1.0 forbids (which would make Twilio reject the document) dropped.
    public static func xmlEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(" ")
            default:
                let value = scalar.value
                let allowed = value >= 0x20 && !(0xFFFE...0xFFFF).contains(value)
                if allowed { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
