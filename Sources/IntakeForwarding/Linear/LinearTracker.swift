import AsyncHTTPClient
import Crypto
import Foundation
import IntakeCore

/// Linear (GraphQL): `issueCreate` with an id derived from the case key, then an attachment whose URL
/// carries the key (looked up before any create); `commentCreate` for later messages; `issueUpdate`
/// to the configured workflow states on resolve and reopen.
public struct LinearTracker: Tracker {
    /// The team issues go to and the states a resolved or reopened case moves its issue to.
    public struct Settings: Sendable {
        public var teamID: String
        public var doneStateID: String?
        public var reopenStateID: String?

        public init(teamID: String, doneStateID: String? = nil, reopenStateID: String? = nil) {
            self.teamID = teamID
            self.doneStateID = doneStateID
            self.reopenStateID = reopenStateID
        }
    }

    let http: TrackerHTTP
    let settings: Settings

    public init(http: TrackerHTTP, settings: Settings) {
        self.http = http
        self.settings = settings
    }

    /// Linear takes a personal API key as the whole Authorization header.
    public static func headers(apiKey: String) -> [(String, String)] { [("Authorization", apiKey)] }

    /// The attachment URL that marks an issue as this case's: the link back, with the key.
    static func attachmentURL(_ draft: TicketDraft) -> String { "\(draft.link)#\(draft.key)" }

    /// A UUID made from the key, so a second create after a lost answer is refused, not duplicated.
    static func issueID(_ key: String) -> String {
        var bytes = Array(SHA256.hash(data: Data("intake-linear:\(key)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x40
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    public func find(_ draft: TicketDraft) async -> TrackerLookup {
        let query = """
            query IntakeFind($url: String!) {
              issues(filter: {attachments: {some: {url: {eq: $url}}}}, first: 1) { nodes { id identifier } }
            }
            """
        switch await graphQL(query, ["url": Self.attachmentURL(draft)]) {
        case .failure(let result): return .failed(result)
        case .success(let data):
            let nodes = (data["issues"] as? [String: Any])?["nodes"] as? [[String: Any]] ?? []
            return (nodes.first?["id"] as? String).map(TrackerLookup.found) ?? .notFound
        }
    }

    public func create(_ draft: TicketDraft) async -> DeliveryResult {
        let id = Self.issueID(draft.key)
        let create = """
            mutation IntakeCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { id identifier url } } }
            """
        let input: [String: Any] = [
            "id": id, "teamId": settings.teamID, "title": draft.title,
            "description": ([draft.text, ""] + draft.factLines).joined(separator: "\n"), "priority": draft.urgent ? 1 : 3,
        ]
        if case .failure(let result) = await graphQL(create, ["input": input]) {
            // Made before, and the answer lost? The id is ours: look for it before giving up.
            let exists = "query IntakeIssue($id: String!) { issue(id: $id) { id } }"
            guard case .success(let data) = await graphQL(exists, ["id": id]), (data["issue"] as? [String: Any])?["id"] != nil else {
                return result
            }
        }
        let attach = """
            mutation IntakeAttach($input: AttachmentCreateInput!) { attachmentCreate(input: $input) { success } }
            """
        let attachment: [String: Any] = ["issueId": id, "url": Self.attachmentURL(draft), "title": "IntakeGateway \(draft.reference)"]
        switch await graphQL(attach, ["input": attachment]) {
        case .failure(let result): return result
        case .success: return .done(remoteID: id)
        }
    }

    public func comment(_ draft: TicketDraft, on ticket: String) async -> DeliveryResult {
        let mutation = """
            mutation IntakeComment($input: CommentCreateInput!) { commentCreate(input: $input) { success } }
            """
        let body = "**\(draft.author ?? draft.customer)** wrote on \(draft.channel):\n\n\(draft.text)"
        return await graphQL(mutation, ["input": ["issueId": ticket, "body": body]]).outcome(remoteID: ticket)
    }

    public func setStatus(_ draft: TicketDraft, on ticket: String) async -> DeliveryResult {
        let stateID = draft.state == CaseState.open.rawValue ? settings.reopenStateID : settings.doneStateID
        guard let stateID else { return .done(remoteID: ticket) }  // no state configured: the status is left to people
        let mutation = """
            mutation IntakeState($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success } }
            """
        return await graphQL(mutation, ["id": ticket, "input": ["stateId": stateID]]).outcome(remoteID: ticket)
    }

    /// Posts one operation; GraphQL errors are permanent unless Linear says it is rate limiting.
    func graphQL(_ query: String, _ variables: [String: Any]) async -> Result<[String: Any], DeliveryResult> {
        switch await http.send(.POST, "/graphql", body: .json(["query": query, "variables": variables])) {
        case .failure(let result): return .failure(result)
        case .success(let answer):
            let json = answer.json() as? [String: Any]
            let errors = json?["errors"] as? [[String: Any]] ?? []
            if errors.isEmpty, (200..<300).contains(answer.status), let data = json?["data"] as? [String: Any] {
                return .success(data)
            }
            let codes = errors.compactMap { ($0["extensions"] as? [String: Any])?["code"] as? String }
            if codes.contains("RATELIMITED") {
                return .failure(.retry(reason: http.scrub(answer.text), status: answer.status, after: nil))
            }
            if errors.isEmpty || (500..<600).contains(answer.status) || answer.status == 429 { return .failure(http.classify(answer)) }
            let messages = errors.compactMap { $0["message"] as? String }.joined(separator: "; ")
            return .failure(.permanent(reason: http.scrub("Linear: \(messages)"), status: answer.status))
        }
    }
}

extension Result where Success == [String: Any], Failure == DeliveryResult {
    func outcome(remoteID: String) -> DeliveryResult {
        switch self {
        case .success: .done(remoteID: remoteID)
        case .failure(let result): result
        }
    }
}
