import Foundation
import Hummingbird
import IntakeCore
import Logging
import NIOCore

/// Turns every error a route throws into a problem document with the right status, and hides internals.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = IntakeRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        } catch let error as HTTPError {
            return try Problem(status: error.status, detail: error.body ?? Self.detail(for: error.status))
                .response(from: request, context: context)
        } catch let error as StoreError {
            if error.isCorrupt { logger.error("stored data failed its check", metadata: ["path": "\(request.uri.path)", "error": "\(error)"]) }
            let status: HTTPResponse.Status =
                error.isNotFound ? .notFound : error.isConflict ? .conflict : error.isCorrupt ? .internalServerError : .serviceUnavailable
            // A store out of reach: when to try again, as for a gateway shutting down.
            let headers: HTTPFields = status == .serviceUnavailable ? [.retryAfter: "5"] : [:]
            return try Problem(status: status, detail: error.message, headers: headers).response(from: request, context: context)
        } catch let error as IntakeUnavailable {
            return try Problem(status: .serviceUnavailable, detail: error.reason, headers: [.retryAfter: "5"])
                .response(from: request, context: context)
        } catch is NIOTooManyBytesError {
            return try Problem(status: .contentTooLarge, detail: Self.detail(for: .contentTooLarge))
                .response(from: request, context: context)
        } catch is DecodingError {
            return try Problem(status: .badRequest, detail: "the body is not valid JSON for this request")
                .response(from: request, context: context)
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return try Problem(status: .internalServerError, detail: "internal error; see the gateway log")
                .response(from: request, context: context)
        }
    }

    static func detail(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "no such resource"
        case .contentTooLarge: "the body is larger than this gateway accepts"
        case .methodNotAllowed: "method not allowed here"
        default: status.reasonPhrase
        }
    }
}
