import ArgumentParser
import Foundation
import IntakeCore
import IntakeServer

/// `intake tokens create|list|revoke`: API tokens kept in the store as SHA-256 hashes.
struct Tokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list and revoke API tokens (stored hashed; shown once).", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it once.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "A name for the token (who or what uses it).") var name: String
        @Option(help: "ingest, rep, supervisor or admin.") var role: String

        func run() async throws {
            guard let role = TokenRole(rawValue: role) else { throw ValidationError("role must be ingest, rep, supervisor or admin") }
            var generator = SystemRandomNumberGenerator()
            let token = "itk_" + (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
            try await openStore(options).createToken(name: name, role: role, sha256: TokenRegistry.hexHash(token), at: Date())
            print(token)
            var stderr = FileHandle.standardError
            print("token \(name) (\(role.rawValue)) created; it is not shown again", to: &stderr)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List stored tokens (names and roles, never the tokens).")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let tokens = try await openStore(options).tokens()
            printTable([["NAME", "ROLE", "CREATED"]] + tokens.map { [$0.name, $0.role.rawValue, shortDate($0.createdAt)] })
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a stored token; it stops working at once.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The token's name.") var name: String

        func run() async throws {
            guard try await openStore(options).revokeToken(name: name) else { throw CLIError("no stored token is named \(name)") }
            print("revoked \(name)")
        }
    }
}
