import ArgumentParser
import Foundation
import IntakeCore
import IntakeServer

/// `intake check-config`: validates a configuration without starting anything.
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Validate a configuration; exit 0, or 2 with every problem by key path.")

    @Option(help: "The configuration file.")
    var config = "Config/intake.yaml"

    func run() throws {
        let loaded = try loadConfig(config)
        let adapters = loaded.adapters.map { "\($0.name) (\($0.kind))" }.joined(separator: ", ")
        print("\(config): ok; adapters: \(adapters.isEmpty ? "none" : adapters)")
    }
}

/// Errors that list problems a line each.
protocol ConfigErrorsDescribable: Error { var lines: String { get } }

extension ConfigErrors: ConfigErrorsDescribable {
    var lines: String { problems.map { "  \($0)" }.joined(separator: "\n") }
}
