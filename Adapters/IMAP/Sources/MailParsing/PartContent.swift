import CGMime

/// Reads the content of one GMime leaf: its text as a Swift string, or its decoded size.
enum PartContent {
    /// The part's text in UTF-8 with LF line ends; nil when the part has no content.
    static func text(of object: UnsafeMutablePointer<GMimeObject>) -> String? {
        let charset = TextDecoding.nonEmpty(fromC: g_mime_object_get_content_type_parameter(object, "charset"))?
            .lowercased()
        let text: String?
        if let charset, !isUTF8OrASCII(charset), let textPart = cgmime_as_text_part(object) {
            text = convertedText(textPart)
        } else {
            // No charset (GMime would hand back raw bytes), or one that UTF-8 covers: decode the
            // transfer encoding ourselves and read UTF-8, else ISO-8859-1 (mislabelled 8-bit text).
            let declaredUTF8 = charset == "utf-8" || charset == "utf8"
            text = decodedBytes(of: object).map { bytes in
                // Declared UTF-8 with a few bad bytes keeps its good characters (U+FFFD for the rest).
                declaredUTF8 ? String(decoding: bytes, as: UTF8.self) : TextDecoding.utf8OrLatin1(bytes)
            }
        }
        return text.map(TextDecoding.normalizeLineEnds)
    }

    /// Size of the part after transfer decoding, counted without keeping the bytes.
    static func decodedSize(of object: UnsafeMutablePointer<GMimeObject>) -> Int {
        guard let counter = g_mime_stream_null_new() else { return 0 }
        defer { cgmime_unref(counter) }
        if let part = cgmime_as_part(object) {
            guard let content = g_mime_part_get_content(part) else { return 0 }
            _ = g_mime_data_wrapper_write_to_stream(content, counter)
        } else if let messagePart = cgmime_as_message_part(object),
                  let message = g_mime_message_part_get_message(messagePart) {
            _ = g_mime_object_write_to_stream(cgmime_message_as_object(message), nil, counter)
        }
        return Int(cgmime_stream_null_written(counter))
    }

    /// Transfer-decoded bytes of a leaf part (base64 and quoted-printable undone).
    static func decodedBytes(of object: UnsafeMutablePointer<GMimeObject>) -> [UInt8]? {
        guard let part = cgmime_as_part(object), let content = g_mime_part_get_content(part),
              let sink = g_mime_stream_mem_new() else { return nil }
        defer { cgmime_unref(sink) }
        _ = g_mime_data_wrapper_write_to_stream(content, sink)
        guard let array = cgmime_stream_mem_bytes(sink) else { return [] }
        let count = Int(array.pointee.len)
        guard count > 0, let data = array.pointee.data else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: count))
    }

    private static func convertedText(_ textPart: UnsafeMutablePointer<GMimeTextPart>) -> String? {
        // GMime converts the declared charset to UTF-8; an unknown charset comes back unconverted,
        // hence the UTF-8-else-Latin-1 read of the result.
        guard let converted = g_mime_text_part_get_text(textPart) else { return nil }
        defer { cgmime_free(converted) }
        return TextDecoding.string(fromC: converted)
    }

    private static func isUTF8OrASCII(_ charset: String) -> Bool {
        ["utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968"].contains(charset)
    }
}
