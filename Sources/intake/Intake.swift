import ArgumentParser

/// The `intake` command: run the gateway and look after its cases and quarantine.
@main
struct Intake: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "IntakeGateway: one case stream for complaints from email, SMS, social mentions and chat.",
        subcommands: [Serve.self, CheckConfig.self, Cases.self, QuarantineCommand.self, Tokens.self, Deliveries.self, BenchNoop.self, BenchStore.self, BenchForward.self, BenchPage.self]
    )
}

/// Options every command shares: which configuration and data directory.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file.")
    var config = "Config/intake.yaml"

    @Option(name: .customLong("data-dir"), help: "The data directory (overrides data_dir in the configuration).")
    var dataDir: String?
}
