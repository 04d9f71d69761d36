import CGMime

/// The body of a parsed mail: readable text parts and the attachment list, from the GMime tree.
struct MailBody {
    var textParts: [String] = []
    var attachments: [MailAttachment] = []
    /// Lower-case MIME type of every leaf, for auto-response signals (e.g. message/delivery-status).
    var partTypes: [String] = []

    init() {}

    init(root: UnsafeMutablePointer<GMimeObject>) {
        var reader = MimeTreeReader()
        let tree = reader.read(root)
        let structure = BodyStructure(tree)
        partTypes = reader.leaves.map(\.mimeType)

        var bodyIndexes = Set<Int>()
        for leaf in structure.textBody + structure.htmlBody where leaf.isText || leaf.isHTML {
            bodyIndexes.insert(leaf.index)
        }
        for leaf in structure.readableParts {
            guard let text = PartContent.text(of: reader.leafObjects[leaf.index]) else { continue }
            let readable = leaf.isHTML ? HTMLText.plainText(fromHTML: text) : text
            textParts.append(readable.droppingTrailingWhitespace)
        }
        // Everything that is not body text is listed, inline images included (RFC 8621 keeps
        // those in the body lists too, but a case needs them as files).
        for leaf in reader.leaves where !bodyIndexes.contains(leaf.index) {
            attachments.append(MailAttachment(
                filename: leaf.filename, contentType: leaf.mimeType,
                size: PartContent.decodedSize(of: reader.leafObjects[leaf.index]),
                contentID: leaf.contentID,
                isInline: leaf.disposition == "inline" || (leaf.disposition == nil && leaf.contentID != nil)))
        }
    }
}

/// Minimal Content-Type reading for a header value: `type/subtype` and the `report-type` parameter.
enum ContentTypeValue {
    static func parse(_ value: String) -> (mimeType: String?, reportType: String?) {
        let pieces = value.split(separator: ";", omittingEmptySubsequences: false)
        let mimeType = pieces.first.map { String($0).trimmingWhitespace.lowercased() }
        var reportType: String?
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, String(pair[0]).trimmingWhitespace.lowercased() == "report-type" else { continue }
            var parameter = String(pair[1]).trimmingWhitespace
            if parameter.hasPrefix("\""), parameter.hasSuffix("\""), parameter.count >= 2 {
                parameter = String(parameter.dropFirst().dropLast())
            }
            reportType = parameter.lowercased()
        }
        return (mimeType.flatMap { $0.isEmpty ? nil : $0 }, reportType)
    }
}
