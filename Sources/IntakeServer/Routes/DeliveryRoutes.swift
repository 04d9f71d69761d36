import Foundation
import Hummingbird
import IntakeCore

/// `/v1/deliveries`: the outbox of forwarders and notifiers; dead letters listed with the destination's
/// answer and put back in the queue once the config is fixed.
struct DeliveryRoutes {
    let store: any DeliveryStore
    let clock: any WallClock

    func mount(on table: RouteTable) {
        table.on("/v1/deliveries", method: .get) { request, context in
            try context.require(.rep)
            let state: DeliveryState? = switch request.query("state") {
            case nil, "dead": .dead
            case "pending": .pending
            case "done": .done
            case "all": nil
            default: throw Problem(status: .badRequest, detail: "state must be pending, done, dead or all")
            }
            let limit = Int(try request.intQuery("limit", range: 1...1000) ?? 100)
            return try .json(API.Page(items: try await store.deliveries(state: state, limit: limit).map(API.DeliveryBody.init), next: nil))
        }
        table.on("/v1/deliveries/{id}", method: .get) { _, context in
            try context.require(.rep)
            guard let delivery = try await store.delivery(id: try id(context)) else {
                throw Problem(status: .notFound, detail: "no delivery has that id")
            }
            return try .json(API.DeliveryBody(delivery))
        }
        table.on("/v1/deliveries/{id}/retry", method: .post) { _, context in
            try context.require(.supervisor)
            do {
                return try .json(API.DeliveryBody(try await store.requeue(id: try id(context), at: clock.now())))
            } catch let error as StoreError where error.isNotFound {
                throw Problem(status: .notFound, detail: error.message)
            } catch let error as StoreError where error.isConflict {
                throw Problem(status: .conflict, detail: error.message)
            }
        }
    }

    private func id(_ context: IntakeRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text) else { throw Problem(status: .notFound, detail: "no delivery has that id") }
        return id
    }
}
