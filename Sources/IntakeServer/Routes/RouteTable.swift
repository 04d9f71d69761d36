import Foundation
import Hummingbird

/// The router plus a record of every route mounted, so a test can check `/openapi.json` against it.
final class RouteTable {
    let router: Router<IntakeRequestContext>
    private(set) var mounted: [(method: String, path: String)] = []

    init(router: Router<IntakeRequestContext>) { self.router = router }

    func on(
        _ path: String, method: HTTPRequest.Method,
        _ handler: @escaping @Sendable (Request, IntakeRequestContext) async throws -> Response
    ) {
        mounted.append((method.rawValue, path))
        router.on(RouterPath(path), method: method, use: handler)
    }
}

extension Response {
    /// A JSON response from an `Encodable` value.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try API.encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Request {
    /// A query parameter, or nil.
    func query(_ name: String) -> String? { uri.queryParameters[Substring(name)].map(String.init) }

    /// A whole-number query parameter; 400 when present but not a number in `range`.
    func intQuery(_ name: String, range: ClosedRange<Int64>) throws -> Int64? {
        guard let text = query(name) else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            throw Problem(status: .badRequest, detail: "query parameter \(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// Decodes a JSON body of at most `limit` bytes: 415 for another media type, 413 over the limit, 400 when malformed.
    mutating func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T {
        let mediaType = headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard mediaType == "application/json" else {
            throw Problem(status: .unsupportedMediaType, detail: "send the body as application/json")
        }
        let buffer = try await collectBody(upTo: limit)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.keyNotFound(_, let context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw Problem(status: .unprocessableContent, detail: "field \(path.isEmpty ? "(body)" : path) is missing or has the wrong type", fields: [path])
        } catch {
            throw Problem(status: .badRequest, detail: "the body is not valid JSON")
        }
    }
}
