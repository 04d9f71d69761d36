import Foundation
import IntakeCore

extension IMAPAdapter: ConfigurableAdapter {
    public static let kind = "imap"
    public static let summary = "Polls IMAP mailboxes (libcurl, TLS, password or XOAUTH2) by UID; mail decoded with GMime, flagged or moved only after it is stored."

    public init(name: String, config: ConfigSection) {
        let host = config.string("host", required: true) ?? ""
        let tls = IMAPServer.TLSMode(rawValue: config.choice("tls", of: IMAPServer.TLSMode.allCases.map(\.rawValue), default: "imaps")) ?? .imaps
        let port = config.int("port", default: tls == .imaps ? 993 : 143, range: 1...65535)
        let allowInsecure = config.bool("allow_insecure", default: false)
        let verify = config.bool("verify_certificates", default: true)
        if tls == .none, !allowInsecure {
            config.problem("tls", "none sends the password in clear text; use imaps or starttls, or set allow_insecure: true (a test server only)")
        }
        if !verify, !allowInsecure {
            config.problem("verify_certificates", "false accepts any certificate; use ca_file for a private CA, or set allow_insecure: true (a test server only)")
        }
        let caFile = config.string("ca_file")
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            config.problem("ca_file", "cannot read \(caFile)")
        }
        let user = config.string("user", required: true) ?? ""

        let credential: IMAPServer.Credential
        switch (config.has("password"), config.has("oauth2_token")) {
        case (true, true):
            config.problem("password", "give password or oauth2_token, not both")
            credential = .password(config.secret("password") ?? "")
            _ = config.secret("oauth2_token")
        case (false, true):
            credential = .bearer(config.secret("oauth2_token") ?? "")
        case (true, false):
            credential = .password(config.secret("password") ?? "")
        case (false, false):
            config.problem("password", "required (as a ${ENV_VAR} reference), or oauth2_token for XOAUTH2")
            credential = .password("")
        }

        var mailboxes = config.has("mailboxes") ? config.strings("mailboxes") : ["INBOX"]
        if mailboxes.isEmpty { config.problem("mailboxes", "must name at least one mailbox") }
        if Set(mailboxes).count != mailboxes.count {
            config.problem("mailboxes", "lists a mailbox twice")
            var listed = Set<String>()
            mailboxes = mailboxes.filter { listed.insert($0).inserted }
        }
        for (index, mailbox) in mailboxes.enumerated() where !Self.isWireSafe(mailbox) {
            config.problem("mailboxes", "entry \(index) must be printable ASCII as the server lists it (modified UTF-7 for other letters)")
        }
        let interval = config.duration("poll_interval", default: .seconds(15))
        if interval < .seconds(1) { config.problem("poll_interval", "must be at least 1s") }
        let afterStore = Self.afterStore(config)
        if case .move(let folder) = afterStore, mailboxes.contains(folder) {
            config.problem("after_store", "moves mail into \(folder), which is also polled")
        }
        let maxBytes = config.int("max_bytes", default: 25 * 1024 * 1024, range: 1024...1024 * 1024 * 1024)
        let region = config.string("default_region")
        if let region, region.count != 2 || !region.allSatisfy(\.isLetter) {
            config.problem("default_region", "must be a two-letter region code like US or GB")
        }
        let own = config.strings("own_addresses")
        for (index, address) in own.enumerated() where Identity.email(address) == nil {
            config.problem("own_addresses", "entry \(index) is not an email address: \(address)")
        }

        let server = IMAPServer(host: host, port: port, tls: tls, verifyCertificates: verify, caFile: caFile, user: user, credential: credential)
        self.init(name: name, configuration: Configuration(
            server: server, mailboxes: mailboxes, pollInterval: interval, afterStore: afterStore,
            limits: Limits(maxBytes: maxBytes), defaultRegion: region?.uppercased(), ownAddresses: own.map { $0.lowercased() }))
    }

    /// A mailbox name goes into commands as a quoted string: printable ASCII only (no CR or LF that
    /// could end the command), non-ASCII already in modified UTF-7 as the server lists it.
    static func isWireSafe(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
    }

    /// `seen`, `leave`, or `move:<folder>`.
    private static func afterStore(_ config: ConfigSection) -> AfterStore {
        guard let text = config.string("after_store") else { return .seen }
        switch text {
        case "seen": return .seen
        case "leave": return .leave
        default:
            if text.hasPrefix("move:") {
                let folder = text.dropFirst("move:".count).trimmingCharacters(in: .whitespaces)
                if !folder.isEmpty, isWireSafe(folder) { return .move(folder) }
            }
            config.problem("after_store", "must be seen, leave or move:<folder> (got \"\(text)\")")
            return .seen
        }
    }
}
