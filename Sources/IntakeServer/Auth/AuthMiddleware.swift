import Hummingbird
import IntakeCore

/// Reads `Authorization: Bearer <token>` and sets the request's principal; routes then `require` a role.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = IntakeRequestContext
    let tokens: TokenRegistry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw Problem(status: .unauthorized, detail: "the Authorization header must be Bearer <token>")
            }
            guard let principal = tokens.principal(for: String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
                throw Problem(status: .unauthorized, detail: "the API token is not valid")
            }
            context.principal = principal
        }
        return try await next(request, context)
    }
}
