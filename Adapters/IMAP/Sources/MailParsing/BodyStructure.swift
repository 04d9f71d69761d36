/// Splits a MIME tree into text body, HTML body and attachments, following RFC 8621 section 4.1.4.
struct BodyStructure: Sendable, Hashable {
    var textBody: [MimeLeaf] = []
    var htmlBody: [MimeLeaf] = []
    var attachments: [MimeLeaf] = []

    init(_ root: MimeNode) {
        switch root {
        case .leaf:
            // A single-part mail is read as the only part of a "mixed" container.
            walk([root], multipartType: "mixed", inAlternative: false, textOn: true, htmlOn: true)
        case .multipart(let subtype, let children):
            walk(children, multipartType: subtype, inAlternative: subtype == "alternative",
                 textOn: true, htmlOn: true)
        }
    }

    /// The parts to read as the body: text parts, and HTML where no text alternative exists.
    var readableParts: [MimeLeaf] { textBody.filter { $0.isText || $0.isHTML } }

    // A transcription of the RFC's parseStructure. The RFC shares the two arrays by reference
    // and switches one off for the rest of a level by setting its local variable to null;
    // `textOn`/`htmlOn` play that role here.
    private mutating func walk(
        _ parts: [MimeNode], multipartType: String, inAlternative: Bool, textOn: Bool, htmlOn: Bool
    ) {
        var textOn = textOn
        var htmlOn = htmlOn
        let textLength = textOn ? textBody.count : -1
        let htmlLength = htmlOn ? htmlBody.count : -1

        for (position, node) in parts.enumerated() {
            switch node {
            case .multipart(let subtype, let children):
                walk(children, multipartType: subtype,
                     inAlternative: inAlternative || subtype == "alternative",
                     textOn: textOn, htmlOn: htmlOn)
            case .leaf(let part):
                let isInline = part.disposition != "attachment"
                    && (part.isText || part.isHTML || part.isInlineMedia)
                    && (position == 0
                        || (multipartType != "related" && (part.isInlineMedia || part.filename == nil)))
                guard isInline else {
                    attachments.append(part)
                    continue
                }
                if multipartType == "alternative" {
                    if part.isText { if textOn { textBody.append(part) } }
                    else if part.isHTML { if htmlOn { htmlBody.append(part) } }
                    else { attachments.append(part) }
                    continue
                }
                if inAlternative {
                    if part.isText { htmlOn = false }
                    if part.isHTML { textOn = false }
                }
                if textOn { textBody.append(part) }
                if htmlOn { htmlBody.append(part) }
                if (!textOn || !htmlOn) && part.isInlineMedia {
                    attachments.append(part)
                }
            }
        }

        if multipartType == "alternative" && textOn && htmlOn {
            if textLength == textBody.count && htmlLength != htmlBody.count {
                textBody.append(contentsOf: htmlBody[htmlLength...])
            }
            if htmlLength == htmlBody.count && textLength != textBody.count {
                htmlBody.append(contentsOf: textBody[textLength...])
            }
        }
    }
}
