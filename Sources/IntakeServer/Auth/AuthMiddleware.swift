import Hummingbird
import IntakeCore
import IntakeStore

/// Reads `Authorization: Bearer <token>` and sets the request's principal; routes then `require` a role.
///
/// Tokens from the configuration are checked first; then tokens created with `intake tokens create`,
/// looked up in the store by their SHA-256 (so a new token works without a restart, and a revoked one
/// stops at once).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = IntakeRequestContext
    let tokens: TokenRegistry
    let store: any TokenStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw Problem(status: .unauthorized, detail: "the Authorization header must be Bearer <token>")
            }
            let presented = parts[1].trimmedWhitespace()
            if let principal = tokens.principal(for: presented) {
                context.principal = principal
            } else if let stored = try await store.token(sha256: TokenRegistry.hexHash(presented)),
                      let hash = TokenRegistry.bytes(hex: stored.sha256),
                      constantTimeEquals(hash, TokenRegistry.hash(presented)) {
                context.principal = Principal(name: stored.name, role: stored.role)
            } else {
                throw Problem(status: .unauthorized, detail: "the API token is not valid")
            }
        }
        return try await next(request, context)
    }
}
