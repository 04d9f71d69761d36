import Foundation
import Hummingbird

/// An RFC 9457 problem document, thrown by handlers and rendered as `application/problem+json`.
public struct Problem: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var detail: String
    /// Invalid fields by path, for 422.
    public var fields: [String]
    /// Extra headers (Retry-After for 503, WWW-Authenticate for 401).
    public var headers: HTTPFields
    /// RFC 9457 extension members, string values (`reason` of a retry that still fails).
    public var members: [String: String]
    /// Extension members with true/false values (`released`).
    public var flags: [String: Bool]

    public init(status: HTTPResponse.Status, detail: String, fields: [String] = [], headers: HTTPFields = [:],
                members: [String: String] = [:], flags: [String: Bool] = [:]) {
        self.status = status
        self.detail = detail
        self.fields = fields
        self.headers = headers
        self.members = members
        self.flags = flags
        if status == .unauthorized, self.headers[.wwwAuthenticate] == nil {
            self.headers[.wwwAuthenticate] = "Bearer"
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var object: [String: Any] = [
            "type": "about:blank",
            "title": Self.title(for: status),
            "status": status.code,
            "detail": detail,
            "instance": request.uri.path,
        ]
        if !fields.isEmpty { object["invalid_fields"] = fields }
        // The standard members win over extension members of the same name.
        for (key, value) in members where object[key] == nil { object[key] = value }
        for (key, value) in flags where object[key] == nil { object[key] = value }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The status's standard reason phrase (a status built from a bare code has none of its own).
    static func title(for status: HTTPResponse.Status) -> String {
        if !status.reasonPhrase.isEmpty { return status.reasonPhrase }
        let known: [HTTPResponse.Status] = [.badRequest, .unauthorized, .forbidden, .notFound, .conflict, .contentTooLarge,
                                            .unsupportedMediaType, .unprocessableContent, .tooManyRequests, .serviceUnavailable]
        return known.first { $0.code == status.code }?.reasonPhrase ?? "Error"
    }
}
