import Foundation
@testable import IMAPAdapter
import IntakeCore
import Testing

@Suite struct ConfigTests {
    private func build(_ entries: [(String, ConfigValue)], env: [String: String] = ["IMAP_PASSWORD": "hunter2-secret"]) -> (IMAPAdapter, [String]) {
        let sink = ConfigSection.ProblemSink()
        let section = ConfigSection(path: "adapters[1]", value: .map(entries.map { (key: $0.0, value: $0.1) }), environment: env, sink: sink)
        let adapter = IMAPAdapter(name: "support", config: section)
        section.finish()
        return (adapter, sink.all.map(\.description))
    }

    @Test func defaults() {
        let (adapter, problems) = build([("host", .scalar("imap.example.com")), ("user", .scalar("desk")), ("password", .scalar("${IMAP_PASSWORD}"))])
        #expect(problems.isEmpty, "\(problems)")
        let config = adapter.configuration
        #expect(config.server.tls == .imaps && config.server.port == 993 && config.server.verifyCertificates)
        #expect(config.mailboxes == ["INBOX"] && config.pollInterval == .seconds(15) && config.afterStore == .seen)
        #expect(config.limits.maxBytes == 25 * 1024 * 1024)
        if case .password(let value) = config.server.credential { #expect(value == "hunter2-secret") } else { Issue.record("no password") }
    }

    @Test func everyKey() {
        let (adapter, problems) = build([
            ("host", .scalar("imap.example.com")), ("port", .scalar("1143")), ("tls", .scalar("starttls")),
            ("ca_file", .scalar("/etc/ssl/certs/ca-certificates.crt")), ("user", .scalar("desk")),
            ("oauth2_token", .scalar("${TOKEN}")), ("mailboxes", .list([.scalar("INBOX"), .scalar("Complaints")])),
            ("poll_interval", .scalar("30s")), ("after_store", .scalar("move:Processed")), ("max_bytes", .scalar("1048576")),
            ("default_region", .scalar("gb")), ("own_addresses", .list([.scalar("Support@Example.com")])),
        ], env: ["TOKEN": "ya29.token"])
        #expect(problems.isEmpty, "\(problems)")
        let config = adapter.configuration
        #expect(config.server.tls == .starttls && config.server.port == 1143 && config.mailboxes == ["INBOX", "Complaints"])
        #expect(config.afterStore == .move("Processed") && config.limits.maxBytes == 1_048_576 && config.pollInterval == .seconds(30))
        #expect(config.defaultRegion == "GB" && config.ownAddresses == ["support@example.com"])
        if case .bearer(let token) = config.server.credential { #expect(token == "ya29.token") } else { Issue.record("no bearer") }
    }

    @Test func problemsAreListedByKeyAndNeverEchoASecret() {
        let (_, problems) = build([
            ("tls", .scalar("none")), ("password", .scalar("plain-text-secret-value")), ("after_store", .scalar("archive")),
            ("verify_certificates", .scalar("false")), ("mailboxes", .list([])), ("colour", .scalar("blue")),
        ])
        for expected in ["adapters[1].host: required", "adapters[1].user: required", "adapters[1].tls: none sends the password",
                         "adapters[1].password: must be a ${ENV_VAR} reference", "adapters[1].after_store: must be seen, leave or move:<folder>",
                         "adapters[1].verify_certificates: false accepts any certificate", "adapters[1].mailboxes: must name at least one",
                         "adapters[1].colour: unknown key"] {
            #expect(problems.contains { $0.hasPrefix(expected) }, "missing \(expected) in \(problems)")
        }
        #expect(!problems.joined().contains("plain-text-secret-value"))
    }

    @Test func aMailboxNameThatCouldEndTheCommandIsRefused() {
        let (_, problems) = build([
            ("host", .scalar("h")), ("user", .scalar("u")), ("password", .scalar("${P}")),
            ("mailboxes", .list([.scalar("INBOX"), .scalar("Evil\r\nG1 DELETE INBOX"), .scalar("Réclamations")])),
        ], env: ["P": "x"])
        #expect(problems.contains { $0.hasPrefix("adapters[1].mailboxes: entry 1 must be printable ASCII") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("adapters[1].mailboxes: entry 2 must be printable ASCII") }, "\(problems)")
    }

    @Test func plaintextNeedsAllowInsecure() {
        let (adapter, problems) = build([("host", .scalar("127.0.0.1")), ("tls", .scalar("none")), ("allow_insecure", .scalar("true")),
                                         ("user", .scalar("u")), ("password", .scalar("${IMAP_PASSWORD}"))])
        #expect(problems.isEmpty && adapter.configuration.server.port == 143)
        let (_, missing) = build([("host", .scalar("h")), ("user", .scalar("u"))])
        #expect(missing.contains { $0.hasPrefix("adapters[1].password: required") })
    }
}

@Suite struct ProtocolTests {
    @Test func readsStatusAndFetchLines() {
        let status = IMAPResponse.status(["* STATUS INBOX (UIDNEXT 4 UIDVALIDITY 1795430633)"])
        #expect(status == .init(uidValidity: 1_795_430_633, uidNext: 4))
        let lines = [
            "* 1 FETCH (UID 1 RFC822.SIZE 117 FLAGS ())",
            "* 2 FETCH (UID 2 RFC822.SIZE 44 FLAGS (\\Recent \\Seen))",
            "* 3 FETCH (FLAGS (\\Answered) UID 9 MODSEQ (12) RFC822.SIZE 5)",
            "* 4 EXISTS",
        ]
        #expect(IMAPResponse.entries(lines) == [.init(uid: 1, size: 117, seen: false), .init(uid: 2, size: 44, seen: true), .init(uid: 9, size: 5, seen: false)])
    }

    @Test func readsLiteralsAcrossChunksAndDropsOversizeOnes() throws {
        let body = "From: a@example.com\r\nSubject: hi\r\n\r\nline one\r\n"
        let stream = Data("""
            * 3 FETCH (FLAGS (\\Seen))\r
            * 4 FETCH (UID 14 BODY[] {\(body.utf8.count)}\r
            \(body))\r
            * 5 FETCH (BODY[] {12}\r
            0123456789AB UID 15)\r
            * 6 FETCH (UID 16 BODY[] {0+}\r
            )\r
            G7 OK Fetch completed.\r

            """.utf8)
        // Byte by byte: every literal and line is cut at every place.
        var reader = IMAPResponseReader(literalLimit: 11)
        var responses: [IMAPServerResponse] = []
        for byte in stream {
            withUnsafeBytes(of: byte) { reader.append($0) }
            while let response = try reader.next() { responses.append(response) }
        }
        #expect(responses.count == 5)
        #expect(responses[0].text == "* 3 FETCH (FLAGS (\\Seen))" && responses[0].literals.isEmpty)
        #expect(IMAPResponse.fetchedLiteral(responses[0], item: "BODY[]") == nil, "a flags update is not a fetched mail")
        let first = try #require(IMAPResponse.fetchedLiteral(responses[1], item: "BODY[]"))
        #expect(first.0 == 14 && first.1 == .dropped(size: body.utf8.count), "over the 11-byte limit: read past, not kept")
        let second = try #require(IMAPResponse.fetchedLiteral(responses[2], item: "BODY[]"))
        #expect(second.0 == 15, "the UID may come after the literal")
        #expect(second.1 == .dropped(size: 12))
        let empty = try #require(IMAPResponse.fetchedLiteral(responses[3], item: "BODY[]"))
        #expect(empty.0 == 16 && empty.1 == .bytes(Data()), "a LITERAL+ marker of zero bytes")
        #expect(responses[4].lines == ["G7 OK Fetch completed."])

        var roomy = IMAPResponseReader(literalLimit: 1024)
        stream.withUnsafeBytes { roomy.append($0) }
        _ = try roomy.next()
        let kept = try #require(try roomy.next().flatMap { IMAPResponse.fetchedLiteral($0, item: "BODY[]") })
        #expect(kept.1 == .bytes(Data(body.utf8)), "the literal is kept byte for byte, CRLFs included")
    }

    @Test func freeTextEndingInBracesIsNotALiteral() throws {
        var reader = IMAPResponseReader(literalLimit: 100)
        Data("* OK [ALERT] quota for Complaints {2024}\r\nG4 NO [TRYCREATE] no mailbox Complaints {2024}\r\n".utf8)
            .withUnsafeBytes { reader.append($0) }
        #expect(try reader.next()?.lines == ["* OK [ALERT] quota for Complaints {2024}"])
        #expect(try reader.next()?.lines == ["G4 NO [TRYCREATE] no mailbox Complaints {2024}"])
        #expect(IMAPResponse.selectedUIDValidity("* OK [UIDVALIDITY 1795430633] UIDs valid") == 1_795_430_633)
        #expect(IMAPResponse.selectedUIDValidity("* OK [UIDNEXT 4] Predicted next UID") == nil)
    }

    @Test func aLineWithoutEndFromABrokenServerIsAnError() {
        var reader = IMAPResponseReader(literalLimit: 10, lineLimit: 64)
        Data(repeating: UInt8(ascii: "x"), count: 100).withUnsafeBytes { reader.append($0) }
        #expect(throws: IMAPError.self) { try reader.next() }
    }

    @Test func buildsUIDSetsQuotedNamesAndURLs() {
        #expect(IMAPResponse.uidSet([7, 1, 2, 3, 9, 10]) == "1:3,7,9:10")
        #expect(IMAPResponse.quoted(#"Sp"ec\ial"#) == #""Sp\"ec\\ial""#)
        let server = IMAPServer(host: "imap.example.com", port: 993, tls: .imaps, user: "u", credential: .password("p"))
        #expect(server.url == "imaps://imap.example.com:993/")
        #expect(IMAPServer(host: "::1", port: 143, tls: .starttls, user: "u", credential: .password("p")).url == "imap://[::1]:143/")
        let secret = IMAPServer(host: "h", port: 1, tls: .imaps, user: "u", credential: .bearer("tok-123"))
        #expect(secret.scrub("AUTH failed for tok-123") == "AUTH failed for <redacted>")
    }

    @Test func cursorsRoundTripAndAResetStartsAtOne() {
        #expect(MailboxCursor("1795430633:42") == MailboxCursor(uidValidity: 1_795_430_633, lastUID: 42))
        #expect(MailboxCursor("garbage") == nil && MailboxCursor(nil) == nil)
        #expect(MailboxCursor.lastUID(MailboxCursor(uidValidity: 5, lastUID: 42), uidValidity: 5) == 42)
        #expect(MailboxCursor.lastUID(MailboxCursor(uidValidity: 5, lastUID: 42), uidValidity: 6) == 0)
        #expect(MailboxCursor.key(adapter: "support", mailbox: "INBOX") == "support/INBOX")
    }
}
