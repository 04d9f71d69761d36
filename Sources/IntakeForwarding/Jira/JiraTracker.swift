import AsyncHTTPClient
import Foundation
import IntakeCore

/// Jira Cloud REST v3: an issue per case (ADF description), the case key as a label and an entity
/// property, later messages as comments, resolve and reopen through the workflow's transitions.
public struct JiraTracker: Tracker {
    /// Where and as what issues are made.
    public struct Settings: Sendable {
        public var project: String
        public var issueType = "Task"
        /// The transition a resolved or closed case takes; by default the first into the "done" category.
        public var doneTransition: String?
        /// The transition a reopened case takes; by default the first into the "new" category.
        public var reopenTransition: String?

        public init(project: String, issueType: String = "Task", doneTransition: String? = nil, reopenTransition: String? = nil) {
            self.project = project
            self.issueType = issueType
            self.doneTransition = doneTransition
            self.reopenTransition = reopenTransition
        }
    }

    let http: TrackerHTTP
    let settings: Settings

    public init(http: TrackerHTTP, settings: Settings) {
        self.http = http
        self.settings = settings
    }

    /// Basic auth with an Atlassian account's email and API token.
    public static func headers(email: String, token: String) -> [(String, String)] {
        [("Authorization", "Basic " + Data("\(email):\(token)".utf8).base64EncodedString()), ("Accept", "application/json")]
    }

    public func find(_ draft: TicketDraft) async -> TrackerLookup {
        let query: [String: Any] = ["jql": "labels = \"\(draft.key)\"", "fields": ["summary"], "maxResults": 1]
        switch await http.send(.POST, "/rest/api/3/search/jql", body: .json(query)).accepted(by: http) {
        case .failure(let result): return .failed(result)
        case .success(let answer):
            let issues = (answer.json() as? [String: Any])?["issues"] as? [[String: Any]] ?? []
            return (issues.first?["key"] as? String).map(TrackerLookup.found) ?? .notFound
        }
    }

    public func create(_ draft: TicketDraft) async -> DeliveryResult {
        let text = ([draft.text, ""] + draft.factLines).joined(separator: "\n")
        let fields: [String: Any] = [
            "project": ["key": settings.project],
            "issuetype": ["name": settings.issueType],
            "summary": String(draft.title.prefix(255)),
            "description": AtlassianDocument.from(text),
            "labels": ["intake", draft.key] + draft.tags.map { "intake-\($0)" } + (draft.urgent ? ["urgent"] : []),
        ]
        let body: [String: Any] = ["fields": fields, "properties": [["key": "intake", "value": ["key": draft.key, "case": draft.reference]]]]
        switch await http.send(.POST, "/rest/api/3/issue", body: .json(body)).accepted(by: http) {
        case .failure(let result): return result
        case .success(let answer):
            guard let key = (answer.json() as? [String: Any])?["key"] as? String else {
                return .retry(reason: "Jira answered \(answer.status) without an issue key", status: answer.status, after: nil)
            }
            return .done(remoteID: key)
        }
    }

    public func comment(_ draft: TicketDraft, on ticket: String) async -> DeliveryResult {
        let text = "\(draft.author ?? draft.customer) wrote on \(draft.channel):\n\(draft.text)"
        return await http.send(.POST, "/rest/api/3/issue/\(FormEncoding.escape(ticket))/comment", body: .json(["body": AtlassianDocument.from(text)]))
            .done(by: http)
    }

    public func setStatus(_ draft: TicketDraft, on ticket: String) async -> DeliveryResult {
        let reopening = draft.state == CaseState.open.rawValue
        let wantedName = reopening ? settings.reopenTransition : settings.doneTransition
        let wantedCategory = reopening ? "new" : "done"
        let path = "/rest/api/3/issue/\(FormEncoding.escape(ticket))/transitions"
        let transitions: [[String: Any]]
        switch await http.send(.GET, path).accepted(by: http) {
        case .failure(let result): return result
        case .success(let answer): transitions = (answer.json() as? [String: Any])?["transitions"] as? [[String: Any]] ?? []
        }
        let chosen = transitions.first { transition in
            if let wantedName { return (transition["name"] as? String)?.caseInsensitiveCompare(wantedName) == .orderedSame }
            let category = ((transition["to"] as? [String: Any])?["statusCategory"] as? [String: Any])?["key"] as? String
            return category == wantedCategory
        }
        guard let id = chosen?["id"] as? String else {
            let names = transitions.compactMap { $0["name"] as? String }.joined(separator: ", ")
            // Already in the wanted status, or a workflow without such a transition: nothing to move.
            if wantedName == nil { return .done(remoteID: ticket) }
            return .permanent(reason: "issue \(ticket) has no transition \"\(wantedName ?? wantedCategory)\" (it has: \(names))", status: nil)
        }
        return await http.send(.POST, path, body: .json(["transition": ["id": id]])).done(by: http, remoteID: ticket)
    }
}
