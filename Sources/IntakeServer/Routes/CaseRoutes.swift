import Foundation
import Hummingbird
import IntakeCore

/// `/v1/cases`: list, read and change cases; `/v1/contacts/{id}`: read and amend a customer.
struct CaseRoutes {
    let store: any CaseStore
    let clock: any WallClock
    let maxBodyBytes: Int

    func mount(on table: RouteTable) {
        table.on("/v1/cases", method: .get) { request, context in
            try context.require(.rep)
            return try await list(request)
        }
        table.on("/v1/cases/{id}", method: .get) { request, context in
            try context.require(.rep)
            let id = try caseID(context)
            guard let detail = try await store.caseDetail(id: id) else {
                throw Problem(status: .notFound, detail: "case \(CaseReference.format(id)) does not exist")
            }
            return try .json(API.CaseDetailBody(detail))
        }
        table.on("/v1/messages/{id}/raw", method: .get) { request, context in
            try context.require(.rep)
            guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
                throw Problem(status: .notFound, detail: "no message has that id")
            }
            guard let raw = try await store.rawPayload(messageID: id) else {
                throw Problem(status: .notFound, detail: "message \(id) does not exist")
            }
            return Response(status: .ok, headers: RawPayloadHeaders.headers(raw), body: .init(byteBuffer: ByteBuffer(bytes: raw.bytes)))
        }
        table.on("/v1/cases/{id}", method: .patch) { request, context in
            let principal = try context.require(.rep)
            var request = request
            let patch = try await request.decodeJSON(PatchBody.self, limit: maxBodyBytes)
            var change = CasePatch()
            if let state = patch.state {
                guard let value = CaseState(rawValue: state) else {
                    throw Problem(status: .unprocessableContent, detail: "state must be one of \(CaseState.allCases.map(\.rawValue).joined(separator: ", "))", fields: ["state"])
                }
                change.state = value
            }
            if patch.hasAssignee { change.assignee = .some(patch.assignee.flatMap { $0.isEmpty ? nil : $0 }) }
            if change == CasePatch() {
                throw Problem(status: .unprocessableContent, detail: "nothing to change: send state and/or assignee", fields: ["state", "assignee"])
            }
            let record = try await store.updateCase(id: try caseID(context), patch: change, actor: principal.name, at: clock.now())
            return try .json(API.CaseBody(record))
        }
        table.on("/v1/contacts/{id}", method: .get) { request, context in
            try context.require(.rep)
            return try .json(API.ContactBody(try await contact(context)))
        }
        table.on("/v1/contacts/{id}", method: .patch) { request, context in
            try context.require(.rep)
            let id = try await contact(context).id
            var request = request
            let body = try await request.decodeJSON(ContactPatchBody.self, limit: maxBodyBytes)
            if let alternates = body.alternates {
                let invalid = alternates.enumerated().filter { PhoneNumber($0.element.phone, defaultRegion: "") == nil }.map { "alternates[\($0.offset)].phone" }
                if !invalid.isEmpty { throw Problem(status: .unprocessableContent, detail: "phones must be international numbers like +14155550100", fields: invalid) }
                _ = try await store.setAlternates(contactID: id, alternates.map {
                    AlternateContact(name: $0.name, role: $0.role, phone: PhoneNumber($0.phone, defaultRegion: "")!.e164)
                })
            }
            if let abusive = body.abusive { _ = try await store.setAbusive(contactID: id, abusive) }
            for identity in body.addIdentities ?? [] {
                guard let kind = Identity.Kind(rawValue: identity.kind) else {
                    throw Problem(status: .unprocessableContent, detail: "identity kind must be email, phone, handle or chat", fields: ["add_identities"])
                }
                let normalized = kind == .email ? Identity.email(identity.value) : kind == .phone ? Identity.phone(identity.value, defaultRegion: nil) : Identity(kind: kind, value: identity.value)
                guard let normalized else { throw Problem(status: .unprocessableContent, detail: "\(identity.value) is not a valid \(kind.rawValue)", fields: ["add_identities"]) }
                _ = try await store.addIdentity(contactID: id, normalized)
            }
            return try .json(API.ContactBody(try await contact(context)))
        }
    }

    private func list(_ request: Request) async throws -> Response {
        var query = CaseQuery()
        if let states = request.query("status") {
            query.states = try states.split(separator: ",").map {
                guard let state = CaseState(rawValue: String($0)) else { throw Problem(status: .badRequest, detail: "status \($0) is not a case state") }
                return state
            }
        }
        if let channel = request.query("channel") {
            guard let kind = ChannelKind(rawValue: channel) else { throw Problem(status: .badRequest, detail: "channel \(channel) is not known") }
            query.channel = kind
        }
        query.contactID = try request.intQuery("contact", range: 1...Int64.max)
        if let since = request.query("since") {
            guard let date = ISO8601DateFormatter().date(from: since) else { throw Problem(status: .badRequest, detail: "since must be an ISO 8601 time") }
            query.since = date
        }
        if let before = request.query("before") {
            guard let id = CaseReference.parse(before) else { throw Problem(status: .badRequest, detail: "before must be a case id like C-42") }
            query.before = id
        }
        query.limit = Int(try request.intQuery("limit", range: 1...500) ?? 50)
        let cases = try await store.cases(query)
        let next = cases.count == query.limit ? cases.last.map { $0.reference } : nil
        return try .json(API.Page(items: cases.map(API.CaseBody.init), next: next))
    }

    private func caseID(_ context: IntakeRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = CaseReference.parse(text) else {
            throw Problem(status: .notFound, detail: "no case has that id; case ids look like C-42")
        }
        return id
    }

    private func contact(_ context: IntakeRequestContext) async throws -> Contact {
        guard let text = context.parameters.get("id"), let id = Int64(text), let contact = try await store.contact(id: id) else {
            throw Problem(status: .notFound, detail: "no contact has that id")
        }
        return contact
    }

    struct PatchBody: Decodable {
        var state: String?
        var assignee: String?
        var hasAssignee = false

        enum CodingKeys: String, CodingKey { case state, assignee }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            state = try container.decodeIfPresent(String.self, forKey: .state)
            hasAssignee = container.contains(.assignee)
            assignee = try container.decodeIfPresent(String.self, forKey: .assignee)
        }
    }

    struct ContactPatchBody: Decodable {
        var alternates: [AlternateContact]?
        var abusive: Bool?
        var addIdentities: [API.IdentityBody]?

        enum CodingKeys: String, CodingKey {
            case alternates, abusive
            case addIdentities = "add_identities"
        }
    }
}
