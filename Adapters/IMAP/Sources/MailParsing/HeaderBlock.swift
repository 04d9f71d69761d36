import Foundation

/// Locates the end of a mail's header block (the first empty line) in raw bytes.
enum HeaderBlock {
    /// Offset just past the blank line that ends the headers, or `min(limit, count)` without one.
    static func endOffset(in raw: Data, limit: Int) -> Int {
        let scanEnd = raw.startIndex + min(raw.count, max(limit, 0))
        var index = raw.startIndex
        var atLineStart = true
        while index < scanEnd {
            let byte = raw[index]
            if atLineStart {
                if byte == 0x0A { return index + 1 - raw.startIndex }
                if byte == 0x0D, index + 1 < raw.endIndex, raw[index + 1] == 0x0A {
                    return index + 2 - raw.startIndex
                }
            }
            atLineStart = byte == 0x0A
            index += 1
        }
        return scanEnd - raw.startIndex
    }
}
