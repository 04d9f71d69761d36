import ArgumentParser
import Foundation
import IntakeCore
import IntakeServer
import Logging

/// `intake quarantine list|retry`: input that could not be normalized.
struct QuarantineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine", abstract: "List and retry quarantined input.", subcommands: [List.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List quarantined input (pending unless --all).")
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Include released entries.") var all = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let entries = try await openStore(options).quarantine(status: all ? nil : .pending, limit: 1000)
            if json { return printJSON(entries.map(API.QuarantineBody.init)) }
            printTable([["ID", "ADAPTER", "RECEIVED", "STATUS", "TRIES", "SIZE", "REASON"]] + entries.map {
                [String($0.id), $0.adapter, shortDate($0.receivedAt), $0.status.rawValue, String($0.attempts), String($0.rawSize), $0.reason]
            })
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run quarantined input through its adapter again.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The entry id.") var id: Int64?
        @Flag(help: "Retry every pending entry.") var all = false
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if (id == nil) == !all { throw ValidationError("give an entry id or --all") }
        }

        func run() async throws {
            let config = try loadConfig(options.config)
            var logger = Logger(label: "intake")
            logger.logLevel = .warning
            let gateway = try await Gateway(config: config, dataDir: options.dataDir, logger: logger)
            let results: [(id: Int64, result: QuarantineRetrier.Result)] = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await gateway.stream.run() }
                defer { gateway.stream.stopAccepting() }
                if let id { return [(id, try await gateway.retrier.retry(id: id))] }
                return try await gateway.retrier.retryAll()
            }
            let failed = results.contains { if case .stillFailing = $0.result { true } else { false } }
            if json {
                printJSON(results.map { RetryOutcome(id: $0.id, $0.result) })
                if failed { throw ExitCode(1) }
                return
            }
            for (id, result) in results {
                switch result {
                case .released(let messageID, let caseID):
                    print("\(id): released as message \(messageID)\(caseID.map { " in case \(CaseReference.format($0))" } ?? "")")
                case .alreadyReleased:
                    print("\(id): already released")
                case .stillFailing(let reason):
                    print("\(id): still failing: \(reason)")
                }
            }
            if results.isEmpty { print("nothing to retry") }
            if failed { throw ExitCode(1) }
        }
    }

    /// One retry's result as `--json` prints it.
    struct RetryOutcome: Encodable {
        var id: Int64
        /// `released`, `already_released` or `still_failing`.
        var result: String
        var messageId: Int64?
        var caseId: String?
        var reason: String?

        init(id: Int64, _ result: QuarantineRetrier.Result) {
            self.id = id
            switch result {
            case .released(let messageID, let caseID):
                self.result = "released"
                messageId = messageID
                caseId = caseID.map(CaseReference.format)
            case .alreadyReleased(let messageID):
                self.result = "already_released"
                messageId = messageID
            case .stillFailing(let reason):
                self.result = "still_failing"
                self.reason = reason
            }
        }
    }
}
