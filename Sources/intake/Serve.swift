import ArgumentParser
import Foundation
import IntakeServer
import Logging

/// `intake serve`: runs the gateway until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "The port to listen on (overrides server.port; 0 picks a free one).")
    var port: Int?

    func run() async throws {
        let config = try loadConfig(options.config)
        let logger = makeLogger(config)
        let gateway = try await Gateway(config: config, dataDir: options.dataDir, port: port, logger: logger)
        try await gateway.run { port in
            logger.info("listening", metadata: ["address": "http://\(config.server.host):\(port)", "data_dir": "\(gateway.dataDir)"])
        }
        logger.info("stopped")
    }
}

/// Loads a configuration or exits 2 with every problem listed.
func loadConfig(_ path: String) throws -> GatewayConfig {
    do {
        return try GatewayConfig.load(path: path)
    } catch let errors as ConfigErrorsDescribable {
        var stderr = FileHandle.standardError
        print("configuration \(path) has problems:\n\(errors.lines)", to: &stderr)
        throw ExitCode(2)
    }
}

func makeLogger(_ config: GatewayConfig) -> Logger {
    let level = Logger.Level(rawValue: config.log.level) ?? .info
    let json = config.log.format == "json"
    LoggingSystem.bootstrap { label in
        var handler: any LogHandler = json ? JSONLogHandler(label: label) : TextLogHandler(label: label)
        handler.logLevel = level
        return handler
    }
    var logger = Logger(label: "intake")
    logger.logLevel = level
    return logger
}

extension FileHandle: @retroactive TextOutputStream {
    public func write(_ string: String) { write(Data(string.utf8)) }
}
