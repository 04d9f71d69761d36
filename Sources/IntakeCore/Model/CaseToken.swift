/// Finds a case token (`[#C-1234]`) in a subject line, for replies from clients that break thread headers.
public enum CaseToken {
    /// The case id of the first `[#C-n]` token in `text`.
    public static func find(in text: String) -> Int64? {
        var rest = Substring(text)
        while let open = rest.range(of: "[#") {
            let after = rest[open.upperBound...]
            if let close = after.firstIndex(of: "]"), let id = CaseReference.parse(String(after[..<close])),
               after.uppercased().hasPrefix("C-") {
                return id
            }
            rest = after
        }
        return nil
    }

    /// The token to put in outgoing subjects.
    public static func format(_ id: Int64) -> String { "[#\(CaseReference.format(id))]" }
}
