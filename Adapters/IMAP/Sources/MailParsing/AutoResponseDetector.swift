/// What the auto-response rules look at, gathered from a decoded mail.
struct AutoResponseSignals: Sendable {
    var headers: MailHeaders
    /// Return-Path address; "" for `<>`, nil when absent.
    var returnPath: String?
    var from: MailAddress?
    /// Lower-case top-level MIME type.
    var contentType: String?
    /// Lower-case `report-type` of a multipart/report.
    var reportType: String?
    /// Lower-case MIME types of all leaf parts.
    var partTypes: [String] = []
}

/// Classifies machine-sent mail (RFC 3834 and common practice), strongest signal first.
struct AutoResponseDetector: Sendable {
    /// Our addresses, compared case-insensitively against X-Loop.
    var ownAddresses: [String]

    func detect(_ signals: AutoResponseSignals) -> AutoResponseKind? {
        let headers = signals.headers
        // Our own mail coming back beats everything: answering it would loop for ever.
        let own = ownAddresses.map { $0.trimmingWhitespace.lowercased() }.filter { !$0.isEmpty }
        for loop in headers.all("X-Loop") {
            let value = loop.lowercased()
            if own.contains(where: { value.contains($0) }) { return .loop }
        }

        if signals.contentType == "multipart/report" && signals.reportType == "delivery-status" {
            return .bounce
        }
        if signals.partTypes.contains("message/delivery-status") { return .bounce }
        if signals.returnPath == "" && Self.isMailerDaemon(signals.from) { return .bounce }

        if signals.contentType == "multipart/report" && signals.reportType == "disposition-notification" {
            return .autoReply
        }
        if let submitted = headers["Auto-Submitted"] {
            let keyword = submitted.split(separator: ";").first.map { String($0).trimmingWhitespace.lowercased() }
            if let keyword, !keyword.isEmpty, keyword != "no" { return .autoReply }
        }
        if headers.contains("X-Autoreply") || headers.contains("X-Autorespond") { return .autoReply }

        let precedence = headers.all("Precedence").map { $0.trimmingWhitespace.lowercased() }
        if precedence.contains("auto_reply") { return .autoReply }
        if precedence.contains(where: { ["bulk", "junk", "list"].contains($0) }) { return .bulk }

        // A null reverse path without other signals: DSN-like or an RFC 3834 auto-reply.
        if signals.returnPath == "" { return .autoReply }
        return nil
    }

    private static func isMailerDaemon(_ from: MailAddress?) -> Bool {
        guard let local = from?.address?.split(separator: "@").first?.lowercased() else { return false }
        return local == "mailer-daemon" || local == "postmaster"
    }
}
