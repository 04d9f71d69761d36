/// A single forward pass over the UTF-8 bytes of an HTML fragment, for `HTMLText`.
///
/// Positions are byte offsets. Every delimiter the scanner looks for is ASCII, so byte
/// boundaries found this way are scalar boundaries; non-ASCII scalars are decoded only
/// where a letter or whitespace test needs them.
struct HTMLScanner {
    private let source: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var preformattedDepth = 0

    init(_ source: UnsafeBufferPointer<UInt8>) { self.source = source }

    mutating func run(into output: inout TextAccumulator) {
        var textStart = index
        let count = source.count
        while index < count {
            let byte = source[index]
            if byte == 0x3C /* < */, let tagEnd = markupEnd(at: index) {
                if textStart < index { output.appendText(source, textStart..<index, preformatted: preformattedDepth > 0) }
                handleMarkup(from: index, to: tagEnd, into: &output)
                textStart = index
            } else if byte == 0x26 /* & */, let (decoded, end) = reference(at: index) {
                if textStart < index { output.appendText(source, textStart..<index, preformatted: preformattedDepth > 0) }
                output.appendText(decoded, preformatted: preformattedDepth > 0)
                index = end
                textStart = index
            } else {
                index += 1
            }
        }
        if textStart < index { output.appendText(source, textStart..<index, preformatted: preformattedDepth > 0) }
    }

    /// Where the markup starting at `start` ends (exclusive), or `nil` when the `<`
    /// is plain text (`1 < 2`, or an unterminated tag).
    private func markupEnd(at start: Int) -> Int? {
        guard start + 1 < source.count else { return nil }
        let next = source[start + 1]
        if matches("<!--", at: start) { return end(of: "-->", from: start + 4) ?? source.count }
        if matches("<![CDATA[", at: start) { return end(of: "]]>", from: start + 9) }
        // "<!DOCTYPE ...>" and "<?pi ...?>" are markup; "<!'" and the like are text.
        if next == 0x3F || (next == 0x21 && start + 2 < source.count && isLetter(at: start + 2)) {
            return end(of: ">", from: start + 2)
        }
        let nameStart = next == 0x2F ? start + 2 : start + 1
        guard nameStart < source.count, isLetter(at: nameStart) else { return nil }
        var position = nameStart
        var quote: UInt8 = 0
        var previousIsEquals = false  // whether the last non-space character outside quotes is "="
        while position < source.count {
            let byte = source[position]
            if byte >= 0x80 {
                let (scalar, length) = source.scalar(at: position)
                if quote == 0, !scalar.isFeedWhitespace { previousIsEquals = false }
                position += length
                continue
            }
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if (byte == 0x22 || byte == 0x27) && previousIsEquals {
                // Only a quote that opens an attribute value quotes; a stray one
                // (href=http://x/") is part of an unquoted value.
                quote = byte
            } else if byte == 0x3E {
                return position + 1
            }
            if quote == 0, !byte.isASCIIFeedWhitespace { previousIsEquals = byte == 0x3D }
            position += 1
        }
        return nil
    }

    private mutating func handleMarkup(from start: Int, to end: Int, into output: inout TextAccumulator) {
        index = end
        if matches("<![CDATA[", at: start) {
            output.appendText(source, (start + 9)..<max(start + 9, end - 3), preformatted: preformattedDepth > 0)
            return
        }
        let isClosing = source[start + 1] == 0x2F
        guard isClosing || isLetter(at: start + 1) else { return }  // comment, doctype, PI
        let nameStart = start + (isClosing ? 2 : 1)
        var nameEnd = nameStart
        var isASCII = true
        while nameEnd < end {
            let byte = source[nameEnd]
            if byte < 0x80 {
                guard byte.isASCIILetter || byte.isASCIIDigit || byte == 0x3A || byte == 0x2D else { break }
                nameEnd += 1
            } else {
                let (scalar, length) = source.scalar(at: nameEnd)
                guard scalar.isFeedLetter else { break }
                isASCII = false
                nameEnd += length
            }
        }
        let name = tagName(nameStart..<nameEnd, isASCII: isASCII)
        let hasPrefix = UnsafeBufferPointer(rebasing: source[nameStart..<nameEnd]).contains(0x3A)
        let localName = hasPrefix ? name.split(separator: ":").last.map(String.init) ?? name : name
        guard let kind = HTMLText.elementKinds[localName] else { return }
        switch kind {
        case .invisible:
            guard !isClosing else { return }
            let selfClosing = end >= 2 && source[end - 2] == 0x2F
            if !selfClosing { skipElementBody(named: name) }
        case .paragraph:
            if localName == "pre" { preformattedDepth = max(0, preformattedDepth + (isClosing ? -1 : 1)) }
            output.paragraphBreak()
        case .line:
            output.lineBreak()
        case .cell:
            output.appendText(" ", preformatted: false)
        }
    }

    /// The lowercased tag name in `range` (full Unicode lowercasing for non-ASCII names).
    private func tagName(_ range: Range<Int>, isASCII: Bool) -> String {
        let bytes = UnsafeBufferPointer(rebasing: source[range])
        guard isASCII else { return String(decoding: bytes, as: UTF8.self).lowercased() }
        return String(unsafeUninitializedCapacity: bytes.count) { buffer in
            for (offset, byte) in bytes.enumerated() { buffer[offset] = byte.asciiLowercased }
            return bytes.count
        }
    }

    /// Moves past the matching end tag of a `script`/`style`-like element.
    private mutating func skipElementBody(named name: String) {
        let closing = Array(("</" + name).utf8)
        while index < source.count {
            if source[index] == 0x3C, matches(closing, at: index) {
                index = end(of: ">", from: index + closing.count) ?? source.count
                return
            }
            index += 1
        }
    }

    /// Decodes `&name;`, `&#NN;` or `&#xHH;` at `start`; `nil` leaves the `&` as text.
    /// The body is at most 32 characters (scalars) of letters, digits and `#`.
    private func reference(at start: Int) -> (String, Int)? {
        var position = start + 1
        var characters = 0
        while position < source.count, characters < 32, source[position] != 0x3B {
            let byte = source[position]
            if byte < 0x80 {
                guard byte.isASCIILetter || byte.isASCIIDigit || byte == 0x23 else { return nil }
                position += 1
            } else {
                let (scalar, length) = source.scalar(at: position)
                guard scalar.isFeedLetter else { return nil }
                position += length
            }
            characters += 1
        }
        guard position < source.count, source[position] == 0x3B, position > start + 1 else { return nil }
        let body = String(decoding: UnsafeBufferPointer(rebasing: source[(start + 1)..<position]), as: UTF8.self)
        let decoded = source[start + 1] == 0x23
            ? HTMLEntities.character(numeric: Substring(body)) : HTMLEntities.character(named: body)
        return decoded.map { ($0, position + 1) }
    }

    private func isLetter(at position: Int) -> Bool {
        let byte = source[position]
        return byte < 0x80 ? byte.isASCIILetter : source.scalar(at: position).scalar.isFeedLetter
    }

    /// Whether `literal` (ASCII) is at `position`, ignoring ASCII case.
    private func matches(_ literal: StaticString, at position: Int) -> Bool {
        literal.withUTF8Buffer { matches($0, at: position) }
    }

    private func matches(_ literal: some Collection<UInt8>, at position: Int) -> Bool {
        guard position + literal.count <= source.count else { return false }
        var offset = position
        for byte in literal {
            let found = source[offset]
            guard found == byte || found.asciiLowercased == byte.asciiLowercased else { return false }
            offset += 1
        }
        return true
    }

    /// The position just after the first `terminator` at or after `position`.
    private func end(of terminator: StaticString, from position: Int) -> Int? {
        terminator.withUTF8Buffer { pattern in
            var offset = position
            search: while offset + pattern.count <= source.count {
                for shift in 0..<pattern.count where source[offset + shift] != pattern[shift] {
                    offset += 1
                    continue search
                }
                return offset + pattern.count
            }
            return nil
        }
    }
}
