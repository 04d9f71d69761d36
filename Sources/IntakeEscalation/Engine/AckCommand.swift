/// Reads an acknowledgement sent back by SMS: `ACK 4821` (any case, spaces around).
public enum AckCommand {
    public static func code(in text: String) -> String? {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        guard words.count == 2, words[0].lowercased() == "ack", words[1].count == 4, words[1].allSatisfy(\.isASCII),
              words[1].allSatisfy(\.isNumber) else { return nil }
        return String(words[1])
    }
}
