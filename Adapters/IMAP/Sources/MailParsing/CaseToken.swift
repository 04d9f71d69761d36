/// Finds the case reference that intake puts in reply subjects, e.g. `Re: Noise [#C-1234]`.
public enum CaseToken {
    /// The first `[#C-<digits>]` token's inner `C-<digits>`, or nil.
    public static func parse(_ subject: String) -> String? {
        // Hand-rolled scan of `\[#(C-\d+)\]`: no Regex literal, so no availability or
        // Sendable questions, and linear time on hostile subjects.
        let bytes = Array(subject.utf8)
        var start = 0
        while start + 5 <= bytes.count {
            guard let open = bytes[start...].firstIndex(of: UInt8(ascii: "[")) else { return nil }
            var cursor = open + 1
            if cursor + 2 < bytes.count, bytes[cursor] == UInt8(ascii: "#"), bytes[cursor + 1] == UInt8(ascii: "C"),
               bytes[cursor + 2] == UInt8(ascii: "-") {
                cursor += 3
                let digitsStart = cursor
                while cursor < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[cursor]) {
                    cursor += 1
                }
                if cursor > digitsStart, cursor < bytes.count, bytes[cursor] == UInt8(ascii: "]") {
                    return String(decoding: bytes[(open + 2)..<cursor], as: UTF8.self)
                }
            }
            start = open + 1
        }
        return nil
    }
}
