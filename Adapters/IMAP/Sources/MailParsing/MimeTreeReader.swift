import CGMime

/// Reads a parsed GMime part tree into a `MimeNode` tree and remembers each leaf's GMime object.
///
/// The GMime objects belong to the message; they are valid only while the message is alive.
struct MimeTreeReader {
    private(set) var leafObjects: [UnsafeMutablePointer<GMimeObject>] = []
    private(set) var leaves: [MimeLeaf] = []

    /// Deeper nesting than this is treated as an opaque leaf (GMime itself stops at its own limit).
    static let maxDepth = 64

    mutating func read(_ object: UnsafeMutablePointer<GMimeObject>, depth: Int = 0) -> MimeNode {
        let (type, subtype) = Self.mediaType(of: object)
        if depth < Self.maxDepth, let multipart = cgmime_as_multipart(object) {
            var children: [MimeNode] = []
            let count = Int(g_mime_multipart_get_count(multipart))
            for index in 0..<max(count, 0) {
                guard let child = g_mime_multipart_get_part(multipart, Int32(index)) else { continue }
                children.append(read(child, depth: depth + 1))
            }
            return .multipart(subtype: subtype, children: children)
        }
        let leaf = MimeLeaf(
            index: leafObjects.count,
            mimeType: "\(type)/\(subtype)",
            disposition: TextDecoding.nonEmpty(fromC: g_mime_object_get_disposition(object))?.lowercased(),
            filename: Self.filename(of: object),
            contentID: TextDecoding.nonEmpty(fromC: g_mime_object_get_content_id(object))
        )
        leafObjects.append(object)
        leaves.append(leaf)
        return .leaf(leaf)
    }

    static func mediaType(of object: UnsafeMutablePointer<GMimeObject>) -> (String, String) {
        guard let contentType = g_mime_object_get_content_type(object) else { return ("text", "plain") }
        let type = TextDecoding.nonEmpty(fromC: g_mime_content_type_get_media_type(contentType))?.lowercased()
        let subtype = TextDecoding.nonEmpty(fromC: g_mime_content_type_get_media_subtype(contentType))?.lowercased()
        return (type ?? "application", subtype ?? "octet-stream")
    }

    private static func filename(of object: UnsafeMutablePointer<GMimeObject>) -> String? {
        if let part = cgmime_as_part(object) {
            // Disposition filename, else Content-Type name; RFC 2231 and 2047 already decoded.
            return TextDecoding.nonEmpty(fromC: g_mime_part_get_filename(part))
        }
        return TextDecoding.nonEmpty(fromC: g_mime_object_get_content_disposition_parameter(object, "filename"))
            ?? TextDecoding.nonEmpty(fromC: g_mime_object_get_content_type_parameter(object, "name"))
    }
}
