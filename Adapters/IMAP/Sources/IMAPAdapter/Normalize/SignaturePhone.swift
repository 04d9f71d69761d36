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
        // Lines as UTF-8 slices: most of a mail is passed over, and building a String per line cost more
        // than the rest of normalizing (this runs on every mail).
        for raw in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let bytes = trimmingSpaces(raw)
            if bytes.first == UInt8(ascii: ">") || bytes.starts(with: "-----Original".utf8) { return nil }
            if bytes.last == UInt8(ascii: ":"), String(decoding: bytes, as: UTF8.self).lowercased().hasSuffix("wrote:") { return nil }
            if raw.elementsEqual("-- ".utf8) || raw.elementsEqual("--".utf8) {
                inSignature = true
                continue
            }
            guard inSignature else { continue }
            read += 1
            if read > 12 { return nil }
            let line = String(decoding: bytes, as: UTF8.self)
            guard let colon = line.firstIndex(where: { $0 == ":" || $0 == "." }) else { continue }
            let label = line[..<colon].trimmedWhitespace().lowercased()
            guard labels.contains(label) else { continue }
            let number = line[line.index(after: colon)...].trimmedWhitespace()
            guard let phone = PhoneNumber(number, defaultRegion: defaultRegion ?? ""), !phone.isShortCode else { continue }
            return Identity(kind: .phone, value: phone.e164)
        }
        return nil
    }

    /// `line` without leading and trailing spaces, tabs and carriage returns.
    private static func trimmingSpaces(_ line: Substring.UTF8View) -> Substring.UTF8View {
        var line = line
        let space: (UInt8) -> Bool = { $0 == 32 || $0 == 9 || $0 == 13 }
        while let first = line.first, space(first) { line = line.dropFirst() }
        while let last = line.last, space(last) { line = line.dropLast() }
        return line
    }
}
