import ArgumentParser
import Foundation
import IntakeCore
import IntakeServer

/// `intake deliveries list|retry`: the outbox of forwarders and notifiers, and its dead letters.
struct Deliveries: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List outbox deliveries and retry dead letters.", subcommands: [List.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List deliveries (dead letters unless --state says otherwise).")
        @OptionGroup var options: GlobalOptions
        @Option(help: "pending, done, dead or all.") var state = "dead"
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let filter: DeliveryState? = state == "all" ? nil : DeliveryState(rawValue: state)
            if filter == nil, state != "all" { throw ValidationError("state must be pending, done, dead or all") }
            let deliveries = try await openSQLiteStore(options).deliveries(state: filter, limit: 1000)
            if json { return printJSON(deliveries.map(API.DeliveryBody.init)) }
            printTable([["ID", "DESTINATION", "CASE", "STATE", "TRIES", "STATUS", "ANSWER"]] + deliveries.map {
                [String($0.id), $0.destination, $0.caseID.map(CaseReference.format) ?? "-", $0.state.rawValue, String($0.attempts),
                 $0.lastStatus.map(String.init) ?? "-", String(($0.lastError ?? $0.remoteID ?? "").prefix(60))]
            })
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a dead letter back in the outbox (after fixing the config).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The delivery id.") var id: Int64

        func run() async throws {
            let delivery = try await openSQLiteStore(options).requeue(id: id, at: Date())
            print("delivery \(delivery.id) to \(delivery.destination) is queued again")
        }
    }
}
