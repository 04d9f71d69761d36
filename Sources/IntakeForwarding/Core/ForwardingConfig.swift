import AsyncHTTPClient
import Foundation
import IntakeCore

/// The `forwarding:` section: destinations (trackers and webhooks), routing rules and tags.
///
/// ```yaml
/// forwarding:
///   case_link: https://intake.example.com/v1/cases/{ref}   # optional; else server.public_base_url
///   tags:
///     - {name: returns, keywords: [return, refund, exchange]}
///   destinations:
///     - {kind: jira, name: jira, base_url: https://acme.atlassian.net, email: bot@acme.com, api_token: "${JIRA_API_TOKEN}", project: SUP}
///     - {kind: webhook, name: ops, url: https://ops.example.com/intake, secret: "${OPS_WEBHOOK_SECRET}"}
///   routes:
///     - {to: [ops]}                                       # every case
///     - {match: {urgent: true, channels: [email, sms]}, to: [jira]}
/// ```
public struct ForwardingConfig: Sendable {
    /// One configured destination, ready to be built once the HTTP client exists.
    public struct Destination: Sendable {
        public var name: String
        public var kind: String
        public var maxConcurrency: Int
        public var timeout: Duration
        let make: @Sendable (HTTPClient, Duration, any WallClock) -> any Tracker

        public func tracker(client: HTTPClient, clock: any WallClock) -> any Tracker { make(client, timeout, clock) }
    }

    public static let kinds = ["jira", "zendesk", "github", "linear", "webhook"]

    public var destinations: [Destination] = []
    public var routes: [ForwardingRoute] = []
    public var tags: [TagRule] = []
    /// The link back to a case, with `{ref}` for its reference.
    public var caseLink: String?

    public init() {}

    /// Reads the section, recording every problem by key path.
    public static func read(_ section: ConfigSection) -> ForwardingConfig {
        var config = ForwardingConfig()
        config.caseLink = section.string("case_link")
        if let link = config.caseLink, !link.contains("{ref}") { section.problem("case_link", "must contain {ref}, where the case reference goes") }
        for tag in section.sections("tags") {
            let name = tag.string("name", required: true) ?? ""
            let keywords = tag.strings("keywords")
            if keywords.isEmpty { tag.problem("keywords", "required: the words that give this tag") }
            config.tags.append(TagRule(name: name, keywords: keywords))
            tag.finish()
        }
        var names = Set<String>()
        for entry in section.sections("destinations") {
            guard let destination = readDestination(entry) else { entry.finish(); continue }
            if !names.insert(destination.name).inserted { entry.problem("name", "duplicate destination name \"\(destination.name)\"") }
            config.destinations.append(destination)
            entry.finish()
        }
        for entry in section.sections("routes") {
            config.routes.append(readRoute(entry, known: names))
            entry.finish()
        }
        if !config.destinations.isEmpty, config.routes.isEmpty {
            section.problem("routes", "required: no case goes to a destination without a route (`- {to: [name]}` sends every case)")
        }
        section.finish()
        return config
    }

    private static func readRoute(_ entry: ConfigSection, known: Set<String>) -> ForwardingRoute {
        var route = ForwardingRoute(to: entry.strings("to"))
        if route.to.isEmpty { entry.problem("to", "required: the destinations this route sends to") }
        for name in route.to where !known.contains(name) { entry.problem("to", "no destination is named \"\(name)\"") }
        if let match = entry.section("match") {
            if match.has("channels") {
                route.channels = match.strings("channels").compactMap { name in
                    guard let kind = ChannelKind(rawValue: name) else {
                        match.problem("channels", "unknown channel \"\(name)\" (known: \(ChannelKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                        return nil
                    }
                    return kind
                }
            }
            if match.has("urgent") { route.urgent = match.bool("urgent", default: false) }
            if match.has("public") { route.isPublic = match.bool("public", default: false) }
            if match.has("tags") { route.tags = match.strings("tags") }
            if match.has("contacts") { route.contacts = match.strings("contacts") }
            match.finish()
        }
        return route
    }

    private static func readDestination(_ entry: ConfigSection) -> Destination? {
        let kind = entry.string("kind", required: true)
        let name = entry.string("name", required: true)
        if let kind, !kinds.contains(kind) {
            entry.problem("kind", "unknown destination kind \"\(kind)\" (known: \(kinds.joined(separator: ", ")))")
        }
        let concurrency = entry.int("max_concurrency", default: 16, range: 1...256)
        let timeout = entry.duration("timeout", default: .seconds(10))
        guard let kind, let name, let make = trackerMaker(kind: kind, entry) else { return nil }
        return Destination(name: name, kind: kind, maxConcurrency: concurrency, timeout: timeout, make: make)
    }

    /// Reads a kind's own keys and returns how to build its tracker; nil when a required key is missing.
    private static func trackerMaker(kind: String, _ entry: ConfigSection) -> (@Sendable (HTTPClient, Duration, any WallClock) -> any Tracker)? {
        switch kind {
        case "jira":
            let base = url(entry, "base_url", required: true)
            let email = entry.string("email", required: true)
            let token = entry.secret("api_token")
            let project = entry.string("project", required: true)
            let settings = JiraTracker.Settings(project: project ?? "", issueType: entry.string("issue_type", default: "Task"),
                                                doneTransition: entry.string("done_transition"), reopenTransition: entry.string("reopen_transition"))
            guard let base, let email, let token, project != nil else { return nil }
            return { client, timeout, _ in
                JiraTracker(http: TrackerHTTP(client: client, baseURL: base, headers: JiraTracker.headers(email: email, token: token),
                                              timeout: timeout, secrets: [token]), settings: settings)
            }
        case "zendesk":
            let base = url(entry, "base_url", required: true)
            let email = entry.string("email", required: true)
            let token = entry.secret("api_token")
            guard let base, let email, let token else { return nil }
            return { client, timeout, _ in
                ZendeskTracker(http: TrackerHTTP(client: client, baseURL: base, headers: ZendeskTracker.headers(email: email, token: token),
                                                 timeout: timeout, secrets: [token]))
            }
        case "github":
            let base = url(entry, "base_url", required: false) ?? "https://api.github.com"
            let repository = entry.string("repository", required: true)
            if let repository, repository.split(separator: "/").count != 2 { entry.problem("repository", "must be owner/name") }
            let token = entry.secret("token")
            let labels = entry.has("labels") ? entry.strings("labels") : ["complaint"]
            guard let repository, let token else { return nil }
            return { client, timeout, _ in
                GitHubTracker(http: TrackerHTTP(client: client, baseURL: base, headers: GitHubTracker.headers(token: token), timeout: timeout,
                                                secrets: [token], throttled: GitHubTracker.throttled), repository: repository, labels: labels)
            }
        case "linear":
            let base = url(entry, "base_url", required: false) ?? "https://api.linear.app"
            let key = entry.secret("api_key")
            let team = entry.string("team_id", required: true)
            let settings = LinearTracker.Settings(teamID: team ?? "", doneStateID: entry.string("done_state_id"),
                                                  reopenStateID: entry.string("reopen_state_id"))
            guard let key, team != nil else { return nil }
            return { client, timeout, _ in
                LinearTracker(http: TrackerHTTP(client: client, baseURL: base, headers: LinearTracker.headers(apiKey: key), timeout: timeout,
                                                secrets: [key]), settings: settings)
            }
        case "webhook":
            let target = url(entry, "url", required: true)
            let secret = entry.secret("secret")
            if let secret, secret.count < 16 { entry.problem("secret", "must be at least 16 characters") }
            guard let target, let secret else { return nil }
            return { client, timeout, clock in
                WebhookTracker(http: TrackerHTTP(client: client, baseURL: "", headers: [], timeout: timeout, secrets: [secret]),
                               url: target, secret: secret, clock: clock)
            }
        default:
            return nil
        }
    }

    private static func url(_ entry: ConfigSection, _ key: String, required: Bool) -> String? {
        guard let text = entry.string(key, required: required) else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            entry.problem(key, "must be an http or https URL")
            return nil
        }
        return text
    }
}
