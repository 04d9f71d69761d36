import IntakeCore

/// Finds the sender's phone number in their own signature (`Phone: 020 7946 0018` below `-- `).
///
/// Only the sender's signature counts: a number in quoted history may be our own agent's, and
/// linking it would merge customers into one contact. So the search stops at the first quoted line
/// or attribution, and only labelled lines after the `-- ` separator are read.
enum SignaturePhone {
    private static let labels = ["phone", "tel", "telephone", "mobile", "mob", "cell", "mobil", "telefon", "t", "m", "p"]

    static func find(in text: String, defaultRegion: String?) -> Identity? {
        var inSignature = false
        var read = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix(">") || line.lowercased().hasSuffix("wrote:") || line.hasPrefix("-----Original") { return nil }
            if raw == "-- " || raw == "--" {
                inSignature = true
                continue
            }
            guard inSignature else { continue }
            read += 1
            if read > 12 { return nil }
            guard let colon = line.firstIndex(where: { $0 == ":" || $0 == "." }) else { continue }
            let label = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            guard labels.contains(label) else { continue }
            let number = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard let phone = PhoneNumber(number, defaultRegion: defaultRegion ?? ""), !phone.isShortCode else { continue }
            return Identity(kind: .phone, value: phone.e164)
        }
        return nil
    }
}
