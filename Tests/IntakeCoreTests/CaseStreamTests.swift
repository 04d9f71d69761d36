import Foundation
import IntakeCore
import IntakeTesting
import Logging
import Testing

@Suite struct ConfigSectionTests {
    private func section(_ value: ConfigValue, env: [String: String] = [:]) -> ConfigSection {
        ConfigSection(path: "adapters[1]", value: value, environment: env, sink: ConfigSection.ProblemSink())
    }

    @Test func problemsCarryTheirKeyPathAndUnknownKeysAreRejected() {
        let config = section(.map([("port", .scalar("x")), ("mailbx", .scalar("INBOX"))]))
        _ = config.int("port", default: 1, range: 1...10)
        _ = config.string("mailbox", required: true)
        config.finish()
        let problems = config.problems.all.map(\.description)
        #expect(problems.contains { $0.hasPrefix("adapters[1].port: must be a whole number") })
        #expect(problems.contains("adapters[1].mailbox: required"))
        #expect(problems.contains { $0.hasPrefix("adapters[1].mailbx: unknown key") })
    }

    @Test func secretsMustBeEnvironmentReferencesAndAreNeverEchoed() {
        let config = section(.map([("password", .scalar("hunter2-literal")), ("token", .scalar("${TOKEN}")), ("missing", .scalar("${NOPE}"))]),
                             env: ["TOKEN": "s3cr3t-value"])
        #expect(config.secret("password") == nil)
        #expect(config.secret("token") == "s3cr3t-value")
        #expect(config.secret("missing") == nil)
        let text = config.problems.all.map(\.description).joined(separator: "\n")
        #expect(text.contains("adapters[1].password: must be a ${ENV_VAR} reference"))
        #expect(text.contains("adapters[1].missing: environment variable NOPE is not set"))
        #expect(!text.contains("hunter2") && !text.contains("s3cr3t"))
    }

    @Test func durationsParse() {
        let config = section(.map([("a", .scalar("15s")), ("b", .scalar("5m")), ("c", .scalar("250ms")), ("d", .scalar("soon"))]))
        #expect(config.duration("a", default: .zero) == .seconds(15))
        #expect(config.duration("b", default: .zero) == .seconds(300))
        #expect(config.duration("c", default: .zero) == .milliseconds(250))
        #expect(config.duration("d", default: .seconds(1)) == .seconds(1))
        #expect(config.problems.all.count == 1)
    }
}

@Suite struct TokenRoleTests {
    @Test func rolesGrantDownwardButIngestIsSeparate() {
        #expect(TokenRole.admin.grants(.ingest) && TokenRole.admin.grants(.supervisor))
        #expect(TokenRole.supervisor.grants(.rep) && !TokenRole.supervisor.grants(.admin))
        #expect(!TokenRole.rep.grants(.ingest) && !TokenRole.ingest.grants(.rep))
        #expect(TokenRole.ingest.grants(.ingest))
    }

    @Test func caseTokensAreFoundInSubjects() {
        #expect(CaseToken.find(in: "Re: [#C-1234] kettle") == 1234)
        #expect(CaseToken.find(in: "[#X-1] [#C-7]") == 7)
        #expect(CaseToken.find(in: "no token [#C-] here") == nil)
        #expect(CaseReference.parse("C-42") == 42 && CaseReference.parse("42") == 42 && CaseReference.parse("C-x") == nil)
    }
}

@Suite struct TestClockTests {
    @Test func sleepersWakeOnlyWhenTimeIsAdvanced() async throws {
        let clock = TestClock()
        let start = clock.now()
        let task = Task { try await clock.sleep(for: .seconds(60)) }
        while clock.sleeperCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        clock.advance(by: .seconds(30))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(30))
        try await task.value
        #expect(clock.now().timeIntervalSince(start) == 60)
    }
}
