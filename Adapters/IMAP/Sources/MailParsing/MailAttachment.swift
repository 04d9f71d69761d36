/// A non-body MIME part of a mail (file, inline image, attached message), described without its bytes.
public struct MailAttachment: Sendable, Hashable {
    /// File name from Content-Disposition or the Content-Type `name`, RFC 2231/2047 decoded.
    public var filename: String?
    /// Lower-case MIME type, e.g. `application/pdf`.
    public var contentType: String
    /// Size in bytes after transfer decoding (base64/quoted-printable).
    public var size: Int
    /// Content-ID without angle brackets, used by `cid:` references in HTML.
    public var contentID: String?
    /// True for `Content-Disposition: inline`, or no disposition but a Content-ID.
    public var isInline: Bool

    public init(filename: String?, contentType: String, size: Int, contentID: String?, isInline: Bool) {
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.contentID = contentID
        self.isInline = isInline
    }
}
