import Foundation
import HTTPTypes
import NIOCore
import Hummingbird
import IntakeCore
import IntakeEscalation
import IntakePolicy
import SlackAdapter
import TwilioAdapter

/// `/v1/alerts`: call-now alerts, their page log, and every way to acknowledge one: the API, the Slack
/// buttons (signed by Slack) and the keypress of a call (signed by Twilio). SMS replies (`ACK 1234`)
/// arrive through the SMS channel and are taken by the escalation engine.
struct AlertRoutes {
    let store: any AlertStore & CaseStore
    let timer: EscalationTimer?
    let retry: CallRetry?
    let oncall: OnCallConfig?
    let notify: NotifyConfig
    let publicBaseURL: String?
    let clock: any WallClock
    let maxBodyBytes: Int

    func mount(on table: RouteTable) {
        table.on("/v1/alerts", method: .get) { request, context in
            try context.require(.rep)
            let state: AlertState? = switch request.query("state") {
            case nil, "all": nil
            case let text?:
                try AlertState(rawValue: text) ?? { throw Problem(status: .badRequest, detail: "state must be paging, acknowledged, exhausted, cancelled or all") }()
            }
            let limit = Int(try request.intQuery("limit", range: 1...1000) ?? 100)
            return try .json(API.Page(items: try await store.alerts(state: state, limit: limit).map { API.AlertBody($0, attempts: nil) }, next: nil))
        }
        table.on("/v1/alerts/{id}", method: .get) { _, context in
            try context.require(.rep)
            let alert = try await alert(context)
            return try .json(API.AlertBody(alert, attempts: try await store.alertAttempts(alertID: alert.id)))
        }
        table.on("/v1/alerts/{id}/ack", method: .post) { _, context in
            let principal = try context.require(.rep)
            let alert = try await alert(context)
            return try .json(API.AlertBody(try await acknowledge(alert.id, by: principal.name, via: "api"), attempts: nil))
        }
        table.on("/v1/alerts/{id}/escalate", method: .post) { _, context in
            try context.require(.rep)
            let alert = try await alert(context)
            guard alert.state == .paging else { throw Problem(status: .conflict, detail: "alert \(alert.id) is \(alert.state.rawValue), not paging") }
            guard let timer, try await timer.escalate(alert, early: true) else {
                throw Problem(status: .conflict, detail: "alert \(alert.id) could not be escalated (acknowledged or moved meanwhile)")
            }
            return try .json(API.AlertBody(try await store.alert(id: alert.id)!, attempts: nil))
        }
        table.on("/v1/alerts/{id}/outcome", method: .post) { request, context in
            let principal = try context.require(.rep)
            var request = request
            let body = try await request.decodeJSON(OutcomeBody.self, limit: maxBodyBytes)
            guard ["reached", "voicemail", "no_answer"].contains(body.outcome) else {
                throw Problem(status: .unprocessableContent, detail: "outcome must be reached, voicemail or no_answer")
            }
            let alert = try await alert(context)
            let updated = try await store.recordOutcome(alertID: alert.id, outcome: body.outcome, by: principal.name, at: clock.now())
            // Not reached: offer the people to reach instead (foreman, supervisor, technician), and remind to call again.
            var alternates: [AlternateContact] = []
            var retryAt: Date?
            if body.outcome != "reached", let detail = try await store.caseDetail(id: alert.caseID) {
                alternates = detail.contact.alternates
                retryAt = try await retry?.schedule(alert: updated, outcome: body.outcome, person: principal.name, at: clock.now())
            }
            return try .json(OutcomeAnswer(alert: API.AlertBody(updated, attempts: nil), alternates: alternates, retryAt: retryAt))
        }
        table.on("/v1/cases/{id}/urgency", method: .post) { request, context in
            let principal = try context.require(.rep)
            var request = request
            let body = try await request.decodeJSON(UrgencyBody.self, limit: maxBodyBytes)
            guard let text = context.parameters.get("id"), let caseID = CaseReference.parse(text) else {
                throw Problem(status: .notFound, detail: "no case has that id")
            }
            let reason = body.reason?.trimmedWhitespace().isEmpty == false ? body.reason! : (body.urgent ? "marked urgent" : "marked not urgent")
            do {
                let event = try await store.appendEvent(caseID: caseID, type: .urgencyChanged, actor: principal.name, at: clock.now(),
                                                        data: ["urgent": String(body.urgent), "reasons": "\(reason) (by \(principal.name))", "source": "manual"])
                return try .json(API.EventBody(event), status: .accepted)
            } catch let error as StoreError where error.isNotFound {
                throw Problem(status: .notFound, detail: error.message)
            }
        }
        table.on("/v1/alerts/{id}/voice", method: .post) { request, context in
            try await voice(request, context)
        }
        table.on("/v1/alerts/slack-actions", method: .post) { request, _ in
            try await slackAction(request)
        }
    }

    private func acknowledge(_ id: Int64, by person: String, via: String) async throws -> Alert {
        do {
            return try await store.acknowledge(alertID: id, by: person, via: via, at: clock.now())
        } catch let error as StoreError where error.isConflict {
            throw Problem(status: .conflict, detail: error.message)
        }
    }

    private func alert(_ context: IntakeRequestContext) async throws -> Alert {
        guard let text = context.parameters.get("id"), let id = Int64(text), let alert = try await store.alert(id: id) else {
            throw Problem(status: .notFound, detail: "no alert has that id")
        }
        return alert
    }

    /// Twilio posts the keypress of a call's Gather here; `1` acknowledges as the person called.
    private func voice(_ request: Request, _ context: IntakeRequestContext) async throws -> Response {
        guard let twilio = notify.twilio else { throw Problem(status: .notFound, detail: "no Twilio notifier is configured") }
        var request = request
        let bytes = Data(try await request.collectBody(upTo: maxBodyBytes).readableBytesView)
        let url = WebhookURL.rebuild(
            publicBaseURL: publicBaseURL, forwardedProto: request.headers[HTTPField.Name("X-Forwarded-Proto")!],
            forwardedHost: request.headers[HTTPField.Name("X-Forwarded-Host")!], host: request.head.authority, pathAndQuery: request.uri.description)
        let form = FormEncoding.parse(bytes) ?? []
        let signature = request.headers[HTTPField.Name("X-Twilio-Signature")!] ?? ""
        guard TwilioSignature(authToken: twilio.authToken).isValid(signature: signature, url: url, params: form.map { ($0.name, $0.value) }, body: bytes) else {
            throw Problem(status: .forbidden, detail: "the X-Twilio-Signature does not match this request")
        }
        let alert = try await alert(context)
        var say = "Not acknowledged. Goodbye."
        if form.first("Digits") == "1" {
            let called = form.first("To") ?? form.first("Called") ?? ""
            let person = oncall?.people.first { $0.phone == called }?.name ?? called
            if (try? await acknowledge(alert.id, by: person, via: "voice")) != nil {
                say = "Acknowledged. Please call the customer now. The details are in your text message."
            } else {
                say = "This alert was already taken. Thank you."
            }
        }
        let twiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>\(say)</Say></Response>"
        return Response(status: .ok, headers: [.contentType: "text/xml"], body: .init(byteBuffer: ByteBuffer(string: twiml)))
    }

    /// Slack posts a button press here (`payload=` form, signed): Acknowledge or Escalate.
    private func slackAction(_ request: Request) async throws -> Response {
        guard let slack = notify.slack else { throw Problem(status: .notFound, detail: "no Slack notifier is configured") }
        var request = request
        let bytes = Data(try await request.collectBody(upTo: maxBodyBytes).readableBytesView)
        let verdict = try SlackSignature(signingSecret: slack.signingSecret).verify(
            timestamp: request.headers[HTTPField.Name("X-Slack-Request-Timestamp")!], signature: request.headers[HTTPField.Name("X-Slack-Signature")!],
            body: bytes, now: clock.now())
        guard verdict == .valid else { throw Problem(status: .unauthorized, detail: "the Slack signature does not match (\(verdict))") }
        guard let payload = FormEncoding.parse(bytes)?.first("payload"),
              let json = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any],
              let action = (json["actions"] as? [[String: Any]])?.first,
              let actionID = action["action_id"] as? String, let value = action["value"] as? String,
              let id = value.split(separator: ":").first.flatMap({ Int64($0) }), let alert = try await store.alert(id: id)
        else { throw Problem(status: .badRequest, detail: "not an IntakeGateway alert action") }
        let user = (json["user"] as? [String: Any])?["id"] as? String ?? "slack"
        let person = oncall?.people.first { $0.slackUserID == user }?.name ?? user
        let text: String
        switch actionID {
        case "intake_ack":
            text = (try? await acknowledge(alert.id, by: person, via: "slack")) != nil
                ? "Acknowledged by \(person): call the customer now." : "This alert was already taken."
        case "intake_escalate":
            let moved = alert.state == .paging ? ((try? await timer?.escalate(alert, early: true)) ?? false) : false
            text = moved ? "Escalated by \(person)." : "This alert is no longer paging."
        default:
            throw Problem(status: .badRequest, detail: "unknown action \(actionID)")
        }
        return try .json(["response_type": "ephemeral", "text": text])
    }

    struct UrgencyBody: Decodable {
        var urgent: Bool
        var reason: String?
    }

    struct OutcomeBody: Decodable {
        var outcome: String
    }

    struct OutcomeAnswer: Encodable {
        var alert: API.AlertBody
        var alternates: [AlternateContact]
        /// When the rep is reminded to call again (no answer or voicemail); absent when nobody can be reminded.
        var retryAt: Date?
    }
}
