import Hummingbird
import IntakeCore

/// The per-request context of the gateway's router: Hummingbird's core context plus who is calling.
public struct IntakeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The API token that authenticated the request, if any.
    public var principal: Principal?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.principal = nil
    }

    /// The caller, or 401 without a token / 403 with a token that lacks `role`.
    @discardableResult
    public func require(_ role: TokenRole) throws -> Principal {
        guard let principal else {
            throw Problem(status: .unauthorized, detail: "an API token is required: send Authorization: Bearer <token>")
        }
        guard principal.role.grants(role) else {
            throw Problem(status: .forbidden, detail: "token \"\(principal.name)\" has role \(principal.role.rawValue); this needs \(role.rawValue)")
        }
        return principal
    }
}

/// An authenticated caller: the token's name and role.
public struct Principal: Sendable, Equatable {
    public var name: String
    public var role: TokenRole
}
