/// Reads an acknowledgement sent back by SMS: `ACK 4821` (any case, spaces around); codes have four
/// digits, six while thousands of alerts page at once.
public enum AckCommand {
    public static func code(in text: String) -> String? {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        guard words.count == 2, words[0].lowercased() == "ack", [4, 6].contains(words[1].count), words[1].allSatisfy(\.isASCII),
              words[1].allSatisfy(\.isNumber) else { return nil }
        return String(words[1])
    }
}
