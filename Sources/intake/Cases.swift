import ArgumentParser
import Foundation
import IntakeCore
import IntakeServer
import IntakeStore

/// `intake cases list|show`: read cases straight from the store.
struct Cases: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List and show cases.", subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List cases, newest first.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only cases in these states (comma-separated: open, acknowledged, waiting_on_customer, resolved, closed).")
        var status: String?
        @Option(help: "Only cases opened on this channel.") var channel: String?
        @Option(help: "How many.") var limit = 50
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try await openStore(options)
            var query = CaseQuery(limit: limit)
            if let status {
                query.states = try status.split(separator: ",").map {
                    guard let state = CaseState(rawValue: String($0)) else { throw ValidationError("unknown state \($0)") }
                    return state
                }
            }
            if let channel {
                guard let kind = ChannelKind(rawValue: channel) else { throw ValidationError("unknown channel \(channel)") }
                query.channel = kind
            }
            let cases = try await store.cases(query)
            if json { return printJSON(cases.map(API.CaseBody.init)) }
            var rows = [["CASE", "STATE", "CHANNEL", "MSGS", "CONTACT", "UPDATED", "SUBJECT"]]
            for record in cases {
                rows.append([record.reference, record.state.rawValue, record.channel.rawValue, String(record.messageCount),
                             String(record.contactID), shortDate(record.updatedAt), String((record.subject ?? "").prefix(50))])
            }
            printTable(rows)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one case with its messages and events.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The case id, like C-42.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            guard let caseID = CaseReference.parse(id) else { throw ValidationError("\(id) is not a case id like C-42") }
            guard let detail = try await openStore(options).caseDetail(id: caseID) else {
                throw CLIError("case \(CaseReference.format(caseID)) does not exist")
            }
            if json {
                return printJSON(API.CaseDetailBody(detail))
            }
            let record = detail.record
            print("\(record.reference)  \(record.state.rawValue)  \(record.channel.rawValue)\(record.isPublic ? "  PUBLIC" : "")")
            print("Subject:  \(record.subject ?? "-")")
            print("Contact:  \(detail.contact.displayName ?? "-") [\(detail.contact.identities.map(\.description).joined(separator: ", "))]")
            if !detail.contact.alternates.isEmpty {
                print("Alternates: " + detail.contact.alternates.map { "\($0.name) (\($0.role)) \($0.phone)" }.joined(separator: "; "))
            }
            print("Assignee: \(record.assignee ?? "-")\n")
            for stored in detail.messages {
                let message = stored.message
                print("-- message \(stored.id)  \(shortDate(message.receivedAt))  via \(message.adapter) (\(message.adapterKind.map { "\($0), " } ?? "")\(message.channel.rawValue))\(message.flags.isEmpty ? "" : "  [\(message.flags.map(\.rawValue).sorted().joined(separator: ","))]")")
                print(message.body.split(separator: "\n", omittingEmptySubsequences: false).map { "   " + $0 }.joined(separator: "\n"))
            }
            print("\nEvents:")
            printTable([["SEQ", "AT", "TYPE", "ACTOR", "DATA"]] + detail.events.map {
                [String($0.seq), shortDate($0.at), $0.type.rawValue, $0.actor, $0.data.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")]
            })
        }
    }
}

/// Opens the store named by the configuration: the PostgreSQL database, or the SQLite file in the data directory.
func openStore(_ options: GlobalOptions) async throws -> any CaseStore & TokenStore {
    let config = try loadConfig(options.config)
    if config.storage.driver == "postgres" {
        return try await PostgresCaseStore.open(.init(url: config.storage.url ?? ""))
    }
    return try openSQLiteStore(options, config: config)
}

/// Opens the embedded store, which alone keeps the outbox so far.
func openSQLiteStore(_ options: GlobalOptions, config: GatewayConfig? = nil) throws -> SQLiteCaseStore {
    let config = try config ?? loadConfig(options.config)
    guard config.storage.driver == "sqlite" else { throw CLIError("deliveries are kept by the SQLite store only; this configuration uses \(config.storage.driver)") }
    let dataDir = options.dataDir ?? config.dataDir
    let path = config.storage.path.hasPrefix("/") ? config.storage.path : (dataDir as NSString).appendingPathComponent(config.storage.path)
    guard FileManager.default.fileExists(atPath: path) else { throw CLIError("no database at \(path): has the gateway run with this data directory?") }
    return try SQLiteCaseStore(path: path)
}

/// A command failure with a message for the person at the terminal.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
