/// One leaf MIME part as the body-selection rules see it (no bytes, just its labels).
struct MimeLeaf: Sendable, Hashable {
    /// Position in the reader's list of GMime leaf objects.
    var index: Int
    /// Lower-case `type/subtype`.
    var mimeType: String
    /// Lower-case Content-Disposition value (`inline`, `attachment`), nil when absent.
    var disposition: String?
    var filename: String?
    var contentID: String?

    var isText: Bool { mimeType == "text/plain" }
    var isHTML: Bool { mimeType == "text/html" }
    /// Media that RFC 8621 lets a client show inline in the body.
    var isInlineMedia: Bool {
        mimeType.hasPrefix("image/") || mimeType.hasPrefix("audio/") || mimeType.hasPrefix("video/")
    }
}

/// The MIME structure of a mail as a Swift tree (leaves point back at GMime objects by index).
indirect enum MimeNode: Sendable, Hashable {
    case multipart(subtype: String, children: [MimeNode])
    case leaf(MimeLeaf)
}
