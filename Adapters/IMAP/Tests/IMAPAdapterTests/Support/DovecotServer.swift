import Foundation
import IntakeTesting
import Testing

/// A real Dovecot the tests start themselves: its own config, port, user and maildir under a temp dir.
///
/// Needs the Debian package `dovecot-imapd` (and `openssl` for the TLS certificate). Without them the
/// tests fail with that message rather than pass without a server.
final class DovecotServer: @unchecked Sendable {
    static let user = "ann"

    let root: URL
    let password: String
    /// Plain IMAP (and STARTTLS when `tls`).
    let port: Int
    /// Implicit TLS, when started with `tls`.
    let tlsPort: Int?
    /// The self-signed certificate to trust, when started with `tls`.
    let certificateFile: String?
    /// The OAuth2 access token Dovecot accepts for `user` (SASL XOAUTH2 and OAUTHBEARER), when started with one.
    let oauth2Token: String?
    /// The token introspection endpoint Dovecot's `oauth2` passdb asks, when started with a token.
    private var introspection: Process?
    /// Every introspection request Dovecot made, one JSON object a line.
    var introspectionLog: URL { root.appendingPathComponent("introspection.jsonl") }

    private var configFile: String { root.appendingPathComponent("dovecot.conf").path }
    /// INBOX as a maildir.
    var inbox: URL { root.appendingPathComponent("mail/\(Self.user)") }

    private var delivered = 0

    static let dovecot = "/usr/sbin/dovecot"
    static let doveadm = "/usr/bin/doveadm"

    init(tls: Bool = false, password: String = "pw-" + UUID().uuidString.prefix(12).lowercased(), oauth2Token: String? = nil) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.dovecot), FileManager.default.isExecutableFile(atPath: Self.doveadm) else {
            throw HarnessError("Dovecot is not installed (\(Self.dovecot)); these tests need a real IMAP server: apt-get install -y dovecot-imapd")
        }
        guard getuid() == 0 else { throw HarnessError("the Dovecot test harness runs dovecot standalone and needs root") }
        self.password = password
        self.oauth2Token = oauth2Token
        root = URL(fileURLWithPath: "/tmp").appendingPathComponent("imap-test-\(UUID().uuidString.prefix(8))")
        let fm = FileManager.default
        for dir in ["run", "state", "mail"] {
            try fm.createDirectory(at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
        port = try Self.freePort()
        var tlsLines = "ssl = no"
        if tls {
            let cert = root.appendingPathComponent("cert.pem").path
            let key = root.appendingPathComponent("key.pem").path
            try Self.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                                              "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
            tlsLines = "ssl = yes\nssl_cert = <\(cert)\nssl_key = <\(key)"
            certificateFile = cert
            tlsPort = try Self.freePort()
        } else {
            certificateFile = nil
            tlsPort = nil
        }
        try "\(Self.user):{PLAIN}\(password)::::::\n".write(to: root.appendingPathComponent("passwd"), atomically: true, encoding: .utf8)
        var mechanisms = "plain login"
        var oauth2Lines = ""
        if let oauth2Token {
            let introspectionPort = try startIntrospection(token: oauth2Token)
            let settings = root.appendingPathComponent("dovecot-oauth2.conf.ext").path
            try """
                introspection_mode = post
                introspection_url = http://127.0.0.1:\(introspectionPort)/introspect
                username_attribute = username
                active_attribute = active
                active_value = true
                timeout_msecs = 5000
                """.write(toFile: settings, atomically: true, encoding: .utf8)
            mechanisms += " xoauth2 oauthbearer"
            oauth2Lines = """
                passdb {
                  driver = oauth2
                  mechanisms = xoauth2 oauthbearer
                  args = \(settings)
                }
                """
        }
        let config = """
            base_dir = \(root.path)/run
            state_dir = \(root.path)/state
            log_path = \(root.path)/dovecot.log
            listen = 127.0.0.1
            protocols = imap
            \(tlsLines)
            disable_plaintext_auth = no
            auth_mechanisms = \(mechanisms)
            auth_failure_delay = 0
            mail_location = maildir:\(root.path)/mail/%u
            passdb {
              driver = passwd-file
              mechanisms = plain login
              args = \(root.path)/passwd
            }
            \(oauth2Lines)
            userdb {
              driver = static
              args = uid=65534 gid=65534 home=\(root.path)/mail/%u allow_all_users=yes
            }
            service imap-login {
              chroot =
              inet_listener imap {
                port = \(port)
              }
              inet_listener imaps {
                port = \(tlsPort ?? 0)
              }
            }
            service anvil {
              chroot =
              # No per-IP penalty after a failed login (2, 4, 8, 15 s), which tests of bad logins would wait out.
              unix_listener anvil-auth-penalty {
                mode = 0
              }
            }
            """
        try config.write(toFile: configFile, atomically: true, encoding: .utf8)
        for dir in ["", "/new", "/cur", "/tmp"] {
            try fm.createDirectory(atPath: inbox.path + dir, withIntermediateDirectories: true)
        }
        try Self.run("/bin/chown", ["-R", "65534:65534", root.appendingPathComponent("mail").path])
        try start()
    }

    deinit {
        try? stop()
        introspection?.terminate()
        try? FileManager.default.removeItem(at: root)
    }

    func start() throws {
        // dovecot daemonizes, and its children would inherit this process's descriptors (Foundation's
        // exit-watch socket among them, so the launch would never be seen to end): start it through
        // Python's subprocess, which closes every descriptor above 2 in the child.
        try Self.run("/usr/bin/env", ["python3", "-c", Self.detachedLaunch, Self.dovecot, "-c", configFile], capture: false)
        for _ in 0..<100 {
            if Self.canConnect(port) { return }
            usleep(50_000)
        }
        throw HarnessError("dovecot did not open port \(port): \((try? String(contentsOf: root.appendingPathComponent("dovecot.log"), encoding: .utf8)) ?? "")")
    }

    /// Stops the master (and with it every IMAP session) and waits until it is gone.
    func stop() throws {
        let pidFile = root.appendingPathComponent("run/master.pid").path
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return }
        if Self.isAlive(pid) {
            // Killed outright, sessions included, as a crashed server is (a graceful stop takes seconds,
            // and open IMAP sessions outlive the master for a while).
            let children = Self.children(of: pid)
            kill(pid, SIGKILL)
            for child in children { kill(child, SIGKILL) }
            var waited = 0
            while Self.isAlive(pid) || Self.canConnect(port) {
                if waited > 100 { throw HarnessError("dovecot did not stop") }
                usleep(50_000)
                waited += 1
            }
        }
        // A master nobody reaped stays a zombie with its pid in master.pid; a new master would take
        // that for "already running".
        try? FileManager.default.removeItem(atPath: pidFile)
    }

    private static func children(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { name -> pid_t? in
            guard let pid = pid_t(name), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == parent ? pid : nil
        }
    }

    /// Running, and not a zombie waiting to be reaped.
    private static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return !stat[close...].hasPrefix(") Z")
    }

    /// Puts a mail into INBOX as a maildir file owned by the mail user (CRLF line ends).
    func deliver(_ mail: String) throws {
        let crlf = mail.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        delivered += 1
        let name = "\(Int(Date().timeIntervalSince1970)).M\(String(format: "%06d", delivered)).test"
        let temp = inbox.appendingPathComponent("tmp/\(name)")
        try Data(crlf.utf8).write(to: temp)
        chown(temp.path, 65534, 65534)
        try FileManager.default.moveItem(at: temp, to: inbox.appendingPathComponent("new/\(name)"))
    }

    @discardableResult
    func doveadm(_ arguments: [String]) throws -> String {
        try Self.run(Self.doveadm, ["-c", configFile] + arguments)
    }

    /// UID and flags of every mail in `mailbox`.
    func flags(mailbox: String = "INBOX") throws -> [UInt32: String] {
        let output = try doveadm(["fetch", "-u", Self.user, "uid flags", "mailbox", mailbox])
        var result: [UInt32: String] = [:]
        var uid: UInt32?
        for line in output.split(separator: "\n") {
            if line.hasPrefix("uid: ") { uid = UInt32(line.dropFirst(5)) }
            if line.hasPrefix("flags:"), let current = uid { result[current] = String(line.dropFirst(6)).trimmingCharacters(in: .whitespaces) }
        }
        return result
    }

    func setSeen(uid: UInt32) throws {
        try doveadm(["flags", "add", "-u", Self.user, "\\Seen", "mailbox", "INBOX", "uid", String(uid)])
    }

    func createMailbox(_ name: String) throws {
        try doveadm(["mailbox", "create", "-u", Self.user, name])
    }

    /// Forgets INBOX's UIDs, as a restored or recreated mailbox does: dovecot gives a new UIDVALIDITY.
    func resetUIDValidity() throws {
        try stop()
        for file in try FileManager.default.contentsOfDirectory(atPath: inbox.path)
        where file.hasPrefix("dovecot-uidvalidity") || file.hasPrefix("dovecot-uidlist") || file.hasPrefix("dovecot.index") {
            try FileManager.default.removeItem(atPath: inbox.appendingPathComponent(file).path)
        }
        try start()
    }

    /// The `adapters:` entry of a gateway config polling this server's INBOX every second as `support`,
    /// the password from `IMAP_PASSWORD`; `extra` adds keys (`, after_store: seen`).
    func gatewayAdapterYAML(_ extra: String = "") -> String {
        """
        adapters:
          - {kind: imap, name: support, host: 127.0.0.1, port: \(port), tls: none, allow_insecure: true,
             user: \(Self.user), password: "${IMAP_PASSWORD}", mailboxes: [INBOX], poll_interval: 1s\(extra)}
        """
    }

    func uidValidity() throws -> UInt32? {
        let output = try doveadm(["mailbox", "status", "-u", Self.user, "uidvalidity", "INBOX"])
        return output.split(separator: "=").last.flatMap { UInt32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Starts a token introspection endpoint (RFC 7662 shape) that calls `token` active for `user`;
    /// returns its port.
    private func startIntrospection(token: String) throws -> Int {
        let script = """
            import json, os, sys, threading, time, urllib.parse
            from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
            token, user, log = sys.argv[1], sys.argv[2], sys.argv[3]
            parent = os.getppid()
            def leave_with_parent():  # the test process may end without stopping us
                while os.getppid() == parent:
                    time.sleep(0.5)
                os._exit(0)
            threading.Thread(target=leave_with_parent, daemon=True).start()
            class Handler(BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def do_POST(self):
                    body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                    presented = urllib.parse.parse_qs(body).get("token", [None])[0]
                    with open(log, "a") as f:
                        f.write(json.dumps({"path": self.path, "content_type": self.headers.get("Content-Type"), "active": presented == token}) + "\\n")
                    answer = json.dumps({"active": True, "username": user} if presented == token else {"active": False}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                def log_message(self, *args):
                    pass
            server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, token, Self.user, introspectionLog.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        introspection = process
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw HarnessError("the token introspection endpoint did not start")
        }
        return port
    }

    // MARK: - processes and ports

    private static let detachedLaunch = """
        import subprocess, sys
        sys.exit(subprocess.run(sys.argv[1:], close_fds=True, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode)
        """

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], capture: Bool = true) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = capture ? output : FileHandle.nullDevice
        process.standardError = capture ? output : FileHandle.nullDevice
        try process.run()
        let data = capture ? output.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw HarnessError("\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)")
        }
        return text
    }

    static func freePort() throws -> Int { try LocalPort.free() }

    static func canConnect(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
