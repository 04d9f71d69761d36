import Testing
@testable import TelegramAdapter

struct TelegramSecretTokenTests {
    @Test func acceptsOnlyTheExactToken() throws {
        let token = try TelegramSecretToken("s3cr3t_Token-1")
        #expect(token.matches("s3cr3t_Token-1"))
        #expect(!token.matches(nil))
        #expect(!token.matches(""))
        #expect(!token.matches("s3cr3t_Token-"))
        #expect(!token.matches("s3cr3t_Token-12"))
        #expect(!token.matches("S3cr3t_Token-1"))
        #expect(!token.matches(" s3cr3t_Token-1"))
    }

    @Test func boundaryLengthsAndCharacters() throws {
        #expect(try TelegramSecretToken("a").matches("a"))
        let longest = String(repeating: "Z", count: 256)
        #expect(try TelegramSecretToken(longest).matches(longest))
        #expect(!(try TelegramSecretToken(longest).matches(longest + "Z")))
    }

    @Test(arguments: ["", String(repeating: "a", count: 257), "with space", "semi;colon", "dot.", "é", "tab\t", "slash/"])
    func refusesTokensTelegramWouldRefuse(_ token: String) {
        #expect(throws: TelegramSecretTokenError.invalidToken) { try TelegramSecretToken(token) }
    }

    @Test func errorDoesNotEchoTheToken() {
        do {
            _ = try TelegramSecretToken("leaky secret")
            Issue.record("expected a throw")
        } catch {
            #expect(!"\(error)".contains("leaky"))
        }
    }
}
