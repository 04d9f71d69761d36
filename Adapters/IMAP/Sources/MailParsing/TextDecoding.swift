/// Turns bytes of unknown or unreliable encoding into Swift strings without losing data.
enum TextDecoding {
    /// UTF-8 when the bytes are valid UTF-8, else ISO-8859-1 (every byte maps to one scalar).
    static func utf8OrLatin1<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        if let text = String(validating: bytes, as: UTF8.self) {
            return text
        }
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    /// A NUL-terminated C string from GMime (UTF-8 as a rule, raw 8-bit in broken input).
    static func string(fromC pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        let length = strlenSafe(pointer)
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            utf8OrLatin1(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// Same as `string(fromC:)` but nil for an empty or whitespace-only value.
    static func nonEmpty(fromC pointer: UnsafePointer<CChar>?) -> String? {
        guard let text = string(fromC: pointer)?.trimmingWhitespace, !text.isEmpty else { return nil }
        return text
    }

    /// CRLF (and a CR left alone at the very end) to LF, so text compares and stores the same way.
    static func normalizeLineEnds(_ text: String) -> String {
        guard text.utf8.contains(13) else { return text }
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        var pendingCR = false
        for byte in text.utf8 {
            if pendingCR {
                pendingCR = false
                if byte != 10 { out.append(13) }
            }
            if byte == 13 { pendingCR = true } else { out.append(byte) }
        }
        if pendingCR { out.append(10) }
        return String(decoding: out, as: UTF8.self)
    }

    private static func strlenSafe(_ pointer: UnsafePointer<CChar>) -> Int {
        var length = 0
        while pointer[length] != 0 { length += 1 }
        return length
    }
}

extension String {
    /// The string without leading and trailing whitespace and newlines.
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }
}

extension String {
    /// The string without trailing whitespace and newlines (leading indentation kept).
    var droppingTrailingWhitespace: String {
        let scalars = unicodeScalars
        guard let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[...end])
    }
}
