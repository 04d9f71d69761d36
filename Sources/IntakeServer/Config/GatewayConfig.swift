import Foundation
import IntakeCore
import IntakeEscalation
import IntakeForwarding
import IntakePolicy
import IntakeStore

/// The whole gateway configuration (`Config/intake.yaml`), validated: see `GatewayConfig.load`.
public struct GatewayConfig: Sendable {
    /// The HTTP listener.
    public struct Server: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        /// The URL providers call, for rebuilding signed URLs behind a proxy; nil trusts X-Forwarded-* headers.
        public var publicBaseURL: String?
        public var maxBodyBytes = 1_048_576
    }

    /// Where the case stream is kept.
    public struct Storage: Sendable {
        /// `sqlite` (embedded, one instance) or `postgres` (shared by several instances).
        public var driver = "sqlite"
        /// The SQLite file, relative to the data directory unless absolute.
        public var path = "intake.sqlite"
        /// The PostgreSQL URL (`postgres://user:password@host:port/database`), from a `${ENV_VAR}` reference.
        public var url: String?
        public var durability = "full"
        /// The most requests one group commit takes.
        public var batchMax = 512
    }

    /// Logging.
    public struct Log: Sendable {
        public var level = "info"
        public var format = "text"
    }

    /// A named API token from the environment.
    public struct Token: Sendable {
        public var name: String
        public var role: TokenRole
        public var secret: String
    }

    public var dataDir = "data"
    public var server = Server()
    public var storage = Storage()
    public var log = Log()
    public var tokens: [Token] = []
    public var adapters: [any ChannelAdapter] = []
    /// Where cases are forwarded (trackers, webhooks); empty when the section is absent.
    public var forwarding = ForwardingConfig()
    /// On-call people, schedules, escalation policies and urgency rules; nil when the section is absent
    /// (then no case forces a call).
    public var oncall: OnCallConfig?
    /// How pages reach people: Twilio (voice, SMS), Slack, webhooks.
    public var notify = NotifyConfig()

    /// Reads and validates a configuration; throws `ConfigErrors` listing every problem by key path.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        registry: AdapterRegistry = .standard
    ) throws -> GatewayConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigErrors(problems: [ConfigProblem(path: path, message: "cannot be read: \(error.localizedDescription)")])
        }
        return try parse(yaml: text, environment: environment, registry: registry)
    }

    /// `now` is when schedules are checked for gaps (the next 14 days).
    public static func parse(yaml: String, environment: [String: String], registry: AdapterRegistry = .standard, now: Date = Date()) throws -> GatewayConfig {
        let sink = ConfigSection.ProblemSink()
        let root = ConfigSection(path: "", value: try YAMLTree.parse(yaml), environment: environment, sink: sink)
        let config = read(root, registry: registry, now: now)
        if !sink.all.isEmpty { throw ConfigErrors(problems: sink.all) }
        return config
    }

    private static func notifier(for method: ContactMethod) -> String {
        switch method {
        case .voice, .sms: "twilio"
        case .slack: "slack"
        case .webhook: "webhook"
        }
    }

    private static func read(_ root: ConfigSection, registry: AdapterRegistry, now: Date) -> GatewayConfig {
        var config = GatewayConfig()
        config.dataDir = root.string("data_dir", default: config.dataDir)
        if let server = root.section("server") {
            config.server.host = server.string("host", default: config.server.host)
            config.server.port = server.int("port", default: config.server.port, range: 0...65535)
            config.server.publicBaseURL = server.string("public_base_url")
            if let url = config.server.publicBaseURL, URL(string: url)?.scheme == nil {
                server.problem("public_base_url", "must be an absolute URL like https://intake.example.com")
            }
            config.server.maxBodyBytes = server.int("max_body_bytes", default: config.server.maxBodyBytes, range: 1024...(64 << 20))
            server.finish()
        }
        if let storage = root.section("storage") {
            config.storage.driver = storage.choice("driver", of: ["sqlite", "postgres"], default: "sqlite")
            config.storage.path = storage.string("path", default: config.storage.path)
            if config.storage.driver == "postgres" {
                // The URL carries the password: a secret, never written in the file.
                config.storage.url = storage.secret("url")
                if let url = config.storage.url {
                    do { _ = try PostgresCaseStore.Location(url: url) } catch { storage.problem("url", "\(error)") }
                }
                for key in ["path", "durability"] where storage.has(key) {
                    storage.problem(key, "applies to driver sqlite only")
                }
            } else if storage.has("url") {
                _ = storage.string("url")  // known, only misplaced: one problem, not an unknown key too
                storage.problem("url", "applies to driver postgres only")
            }
            config.storage.durability = storage.choice("durability", of: ["full", "normal"], default: "full")
            config.storage.batchMax = storage.int("batch_max", default: config.storage.batchMax, range: 1...10_000)
            storage.finish()
        }
        if let log = root.section("log") {
            config.log.level = log.choice("level", of: ["trace", "debug", "info", "notice", "warning", "error", "critical"], default: "info")
            config.log.format = log.choice("format", of: ["text", "json"], default: "text")
            log.finish()
        }
        var tokenNames = Set<String>()
        for section in root.sections("tokens") {
            let name = section.string("name", required: true) ?? ""
            let roleText = section.choice("role", of: TokenRole.allCases.map(\.rawValue), default: "")
            if !section.has("role") { section.problem("role", "required") }
            let secret = section.secret("secret")
            if !name.isEmpty, !tokenNames.insert(name).inserted { section.problem("name", "duplicate token name \"\(name)\"") }
            if let secret, secret.count < 16 { section.problem("secret", "must be at least 16 characters") }
            if let role = TokenRole(rawValue: roleText), let secret { config.tokens.append(Token(name: name, role: role, secret: secret)) }
            section.finish()
        }
        config.adapters = registry.adapters(from: root.sections("adapters"))
        if let forwarding = root.section("forwarding") { config.forwarding = ForwardingConfig.read(forwarding) }
        if let notify = root.section("notify") { config.notify = NotifyConfig.read(notify) }
        if let oncall = root.section("oncall") {
            let parsed = OnCallConfig(config: oncall, now: now)
            config.oncall = parsed
            // A method with no notifier configured would fail at 3 a.m.: say so now.
            let available = config.notify.availableMethods
            for (index, person) in parsed.people.enumerated() {
                for method in person.methods where !available.contains(method.rawValue) {
                    oncall.problem("people[\(index)].methods", "\(person.name) is paged by \(method.rawValue), but notify has no \(Self.notifier(for: method)) section")
                }
            }
        }
        if config.storage.driver == "postgres" {
            // Alerts and the outbox are kept only by the SQLite store so far.
            if root.has("oncall") { root.problem("oncall", "call first needs storage driver sqlite; the PostgreSQL store does not keep alerts yet") }
            if root.has("forwarding") { root.problem("forwarding", "forwarding needs storage driver sqlite; the PostgreSQL store has no outbox yet") }
        }
        root.finish()
        return config
    }
}
