import Foundation
import IntakeCore
import Testing
@testable import IntakePolicy

@Suite struct OnCallConfigTests {
    private typealias F = OnCallFixture

    /// Whether some problem is `path: message…`.
    private func has(_ problems: [String], _ path: String, _ message: String) -> Bool {
        problems.contains { $0.hasPrefix("\(path): \(message)") }
    }

    @Test func aGoodConfigParses() throws {
        let config = try OnCallConfig.parse(F.good, now: F.now)
        #expect(config.people.map(\.name) == ["ann", "bob", "chen", "dana", "maria"])
        #expect(config.schedules.map(\.name) == ["support-primary", "managers"])
        #expect(config.teams.map(\.team) == ["support", "billing"])
        #expect(config.defaultTeam == "support")
    }

    @Test func peopleWithoutMethodsGetEveryMethodTheirAddressesAllow() throws {
        let people = try OnCallConfig.parse(F.good, now: F.now).directory.people
        #expect(people["ann"]?.methods == [.voice, .sms])
        #expect(people["bob"]?.methods == [.voice, .sms])
        #expect(people["chen"]?.methods == [.voice, .sms, .slack])
        #expect(people["dana"]?.methods == [.slack, .webhook])
        #expect(people["dana"]?.address(for: .webhook) == "https://pager.example.com/hooks/dana")
    }

    @Test func schedulesReadLocalTimesInTheirZone() throws {
        let config = try OnCallConfig.parse(F.good, now: F.now)
        let primary = try #require(config.directory.schedules["support-primary"])
        // Eight weeks after 2026-01-05: ann again, from 09:00 New York time.
        #expect(primary.onCall(at: at("2026-03-02T08:59:00-05:00")) == "bob")
        #expect(primary.onCall(at: at("2026-03-02T09:00:00-05:00")) == "ann")
        // The override's local times are New York's, after the DST change: 09:00 EDT.
        #expect(primary.onCall(at: at("2026-03-14T08:59:00-04:00")) == "bob")
        #expect(primary.onCall(at: at("2026-03-14T09:00:00-04:00")) == "chen")
        #expect(primary.onCall(at: at("2026-03-16T08:59:00-04:00")) == "chen")
        #expect(primary.onCall(at: at("2026-03-16T09:00:00-04:00")) == "ann")
        // Without `handoff:`, turns change at the start's local time (09:00 Berlin).
        let managers = try #require(config.directory.schedules["managers"])
        #expect(managers.layers[0].handoff == 9 * 3600)
        #expect(managers.onCall(at: at("2026-01-12T09:00:00+01:00")) == "maria")
    }

    @Test func teamsReadTheirStepsTimeoutsRepeatAndFallback() throws {
        let config = try OnCallConfig.parse(F.good, now: F.now)
        let support = try #require(config.policy())
        #expect(support.team == "support")
        #expect(support.steps == [
            EscalationStep(targets: [.schedule("support-primary")], methods: [.voice, .sms], ackTimeout: .seconds(300)),
            EscalationStep(targets: [.person("dana")], methods: nil, ackTimeout: .seconds(600)),
        ])
        #expect(support.repeatCount == 2)
        #expect(support.fallback == EscalationStep(targets: [.schedule("managers")]))
        let billing = try #require(config.policy(for: "billing"))
        #expect(billing.steps[0].ackTimeout == EscalationStep.defaultAckTimeout)
        #expect(billing.repeatCount == 0)
        #expect(billing.fallback == EscalationStep(targets: [.person("ann")], methods: [.sms]))
        #expect(config.policy(for: "sales") == nil)
    }

    @Test func aParsedConfigStartsAnEscalation() throws {
        let config = try OnCallConfig.parse(F.good, now: F.now)
        let plan = try #require(config.startEscalation(at: at("2026-03-02T10:00:00-05:00")))
        #expect(plan.pages().pages.map(\.description) == ["voice ann at +14155550101", "sms ann at +14155550101"])
    }

    @Test func aParsedConfigJudgesUrgency() throws {
        let rules = try OnCallConfig.parse(F.good, now: F.now).urgency
        #expect(rules.repeatedContact == MessageCountRule(count: 3, window: .seconds(3600)))
        #expect(rules.volume == MessageCountRule(count: 50, window: .seconds(600)))
        let verdict = rules.evaluate(UrgencySignals(message: message("please cancel", from: [Identity(kind: .email, value: "a@bigcustomer.com")])))
        #expect(verdict.reasons == [#"keyword "cancel""#, "VIP account (@bigcustomer.com)"])
        #expect(rules.evaluate(UrgencySignals(message: message("a chargeback"))).urgent)
    }

    @Test func withoutAnUrgencySectionOnlyPublicMentionsAreUrgent() throws {
        let rules = try OnCallConfig.parse(F.good.removing("urgency"), now: F.now).urgency
        #expect(rules.publicMentions)
        #expect(rules.evaluate(UrgencySignals(message: message("cancel lawsuit refund"))) == .normal)
    }

    // MARK: - People

    @Test func aPersonWithNoWorkingContactMethodIsReported() {
        let problems = F.problems(F.changing("people", at: 1) { _ in ["name": "bob"] })
        #expect(has(problems, "oncall.people[1]", "has no working contact method"))
        // bob is in the primary rotation, whose step pages by voice and sms.
        #expect(has(problems, "oncall.teams[0].escalation[0].schedules[0]", "when bob is on call: bob cannot be paged by voice or sms"))
    }

    @Test func aListedMethodWithoutItsAddressIsReported() {
        let problems = F.problems(F.changing("people", at: 4) { $0.setting("methods", ["voice", "slack", "webhook"]) })
        #expect(problems == [
            "oncall.people[4].methods[1]: slack needs a slack id",
            "oncall.people[4].methods[2]: webhook needs a webhook URL",
        ])
    }

    @Test func phonesMustBeE164() {
        for phone: ConfigValue in ["(415) 555-0101", "+1 415 555 0101", "4155550101", "+1415555010"] {
            let problems = F.problems(F.changing("people", at: 1) { $0.setting("phone", phone) })
            #expect(has(problems, "oncall.people[1].phone", "must be an E.164 number like +14155550100"))
        }
    }

    @Test func slackIdsWebhooksAndMethodsAreChecked() {
        let problems = F.problems(F.changing("people", at: 0) {
            $0.setting("slack", "@ann").setting("webhook", "pager.example.com").setting("methods", ["voice", "pager"])
        })
        #expect(has(problems, "oncall.people[0].slack", #"must be a Slack member id like U024BE7LH (got "@ann")"#))
        #expect(has(problems, "oncall.people[0].webhook", "must be an http or https URL"))
        #expect(has(problems, "oncall.people[0].methods[1]", #"must be one of voice, sms, slack, webhook (got "pager")"#))
    }

    @Test func namesThatWouldBreakAPageKeyAreRefused() {
        for name: ConfigValue in ["ops/ann", "ann\nbob"] {
            let problems = F.problems(F.changing("people", at: 1) { $0.setting("name", name) })
            #expect(has(problems, "oncall.people[1].name", "must not contain \"/\" or control characters"), "\(problems)")
        }
    }

    @Test func duplicatePeopleAreReported() {
        let problems = F.problems(F.changing("people", at: 1) { $0.setting("name", "ann") })
        #expect(has(problems, "oncall.people[1].name", #"duplicate person "ann""#))
    }

    // MARK: - Schedules

    @Test func unknownPeopleInSchedulesAreReported() {
        let problems = F.problems(F.changing("schedules", at: 0) { schedule in
            schedule
                .updating("layers", at: 0) { $0.setting("participants", ["ann", "bob", "zed"]) }
                .updating("overrides", at: 0) { $0.setting("person", "yuki") }
        })
        #expect(has(problems, "oncall.schedules[0].layers[0].participants[2]", #"unknown person "zed""#))
        #expect(has(problems, "oncall.schedules[0].overrides[0].person", #"unknown person "yuki""#))
    }

    @Test func badTimeZonesAreReported() {
        for name: ConfigValue in ["Europe/Berln", "EST", "+01:00"] {
            let problems = F.problems(F.changing("schedules", at: 1) { $0.setting("time_zone", name) })
            #expect(has(problems, "oncall.schedules[1].time_zone", "unknown time zone"))
        }
        let layerZone = F.problems(F.changing("schedules", at: 1) { $0.updating("layers", at: 0) { $0.setting("time_zone", "Mars/Olympus") } })
        #expect(has(layerZone, "oncall.schedules[1].layers[0].time_zone", #"unknown time zone "Mars/Olympus""#))
        #expect(has(F.problems(F.changing("schedules", at: 1) { $0.removing("time_zone") }), "oncall.schedules[1].time_zone", "required"))
    }

    @Test func gapsInTheNextFourteenDaysAreReported() {
        // The managers' rotation only starts on 2026-03-10.
        let late = F.changing("schedules", at: 1) { $0.updating("layers", at: 0) { $0.setting("start", "2026-03-10") } }
        #expect(F.problems(late) == [
            "oncall.schedules[1]: has nobody on call in the next 14 days: from 2026-03-02 13:00 to 2026-03-10 09:00 (Europe/Berlin)",
        ])
        // Ending within the fortnight is a gap too; past the fortnight it is not (yet).
        let ending = F.changing("schedules", at: 1) { $0.updating("layers", at: 0) { $0.setting("end", "2026-03-12") } }
        #expect(F.problems(ending) == [
            "oncall.schedules[1]: has nobody on call in the next 14 days: from 2026-03-12 09:00 to 2026-03-16 13:00 (Europe/Berlin)",
        ])
        #expect(F.problems(ending, now: at("2026-02-20T12:00:00Z")) == [])
        #expect(F.problems(late, now: at("2026-03-10T08:00:00Z")) == [])
    }

    @Test func rotationFieldsAreChecked() {
        let problems = F.problems(F.changing("schedules", at: 0) { schedule in
            schedule
                .updating("layers", at: 0) { $0.setting("shift", "fortnightly").setting("handoff", "9am").setting("start", "next monday") }
                .updating("overrides", at: 0) { $0.setting("end", "2026-03-13 09:00") }
        })
        #expect(has(problems, "oncall.schedules[0].layers[0].shift", #"must be daily, weekly, or a length like 12h, 2d, 2w (got "fortnightly")"#))
        #expect(has(problems, "oncall.schedules[0].layers[0].handoff", #"must be a local time of day like "09:00" (got "9am")"#))
        #expect(has(problems, "oncall.schedules[0].layers[0].start", "must be a date like 2026-03-02"))
        #expect(has(problems, "oncall.schedules[0].overrides[0].end", "must be after start"))
        let empty = F.problems(F.changing("schedules", at: 0) { $0.setting("layers", []).removing("overrides") })
        #expect(has(empty, "oncall.schedules[0].layers", "required: at least one rotation layer"))
    }

    // MARK: - Teams

    @Test func unknownNamesInStepsAreReported() {
        let problems = F.problems(F.changing("teams", at: 0) { team in
            team.setting("escalation", [["schedules": ["support-primary", "nope"]], ["people": ["zed"]]])
        })
        #expect(has(problems, "oncall.teams[0].escalation[0].schedules[1]", #"unknown schedule "nope""#))
        #expect(has(problems, "oncall.teams[0].escalation[1].people[0]", #"unknown person "zed""#))
        #expect(has(problems, "oncall.teams[0].escalation[1]", "pages nobody: none of its targets can be reached"))
        #expect(!has(problems, "oncall.teams[0].escalation[0]", "pages nobody"))
    }

    @Test func aStepWithNoTargetPagesNobody() {
        let problems = F.problems(F.changing("teams", at: 0) { $0.updating("escalation", at: 1) { _ in ["methods": ["voice"]] } })
        #expect(problems == ["oncall.teams[0].escalation[1]: pages nobody: name people or schedules"])
    }

    @Test func aStepWhoseMethodsReachNobodyPagesNobody() {
        // dana has only slack and a webhook.
        let problems = F.problems(F.changing("teams", at: 0) { $0.updating("escalation", at: 1) { $0.setting("methods", ["voice", "sms"]) } })
        #expect(problems == [
            "oncall.teams[0].escalation[1].people[0]: dana cannot be paged by voice or sms (voice needs a phone, sms needs a phone)",
            "oncall.teams[0].escalation[1]: pages nobody: none of its targets can be reached",
        ])
    }

    @Test func aFallbackNamesOnePersonOrOneSchedule() {
        let both = F.problems(F.changing("teams", at: 0) { $0.setting("fallback", ["person": "ann", "schedule": "managers"]) })
        #expect(has(both, "oncall.teams[0].fallback", "must name one person or one schedule"))
        let unknown = F.problems(F.changing("teams", at: 0) { $0.setting("fallback", ["schedule": "bosses"]) })
        #expect(has(unknown, "oncall.teams[0].fallback.schedule", #"unknown schedule "bosses""#))
    }

    @Test func timeoutsAndRepeatAreChecked() {
        let problems = F.problems(F.changing("teams", at: 0) { team in
            team.setting("repeat", "11").setting("ack_timeout", "soon").updating("escalation", at: 1) { $0.setting("ack_timeout", "0s") }
        })
        #expect(has(problems, "oncall.teams[0].repeat", "must be a whole number from 0 to 10"))
        #expect(has(problems, "oncall.teams[0].ack_timeout", "must be a duration like 15s, 5m, 2h"))
        #expect(has(problems, "oncall.teams[0].escalation[1].ack_timeout", "must be longer than zero"))
    }

    @Test func theDefaultTeamMustExistAndIsRequiredWithSeveral() throws {
        #expect(F.problems(F.good.setting("default_team", "sales")) == [#"oncall.default_team: unknown team "sales""#])
        #expect(F.problems(F.good.removing("default_team")) == ["oncall.default_team: required when there are several teams"])
        guard case .list(let teams) = F.good["teams"] else { throw ConfigErrors(problems: []) }
        let single = F.good.removing("default_team").setting("teams", [teams[1]])
        #expect(try OnCallConfig.parse(single, now: F.now).defaultTeam == "billing")
    }

    @Test func peopleAndTeamsAreRequired() {
        let problems = F.problems([:])
        #expect(problems.contains("oncall.people: required: at least one person to page"))
        #expect(problems.contains("oncall.teams: required: at least one team"))
    }

    // MARK: - Urgency and keys

    @Test func urgencyRulesAreChecked() {
        let problems = F.problems(F.good.setting("urgency", [
            "keywords": ["cancel", "!!!"],
            "patterns": ["(unclosed"],
            "vip": ["bigcustomer", "+12"],
            "repeat_contact": ["messages": "1"],
            "volume": ["more_than": "50", "within": "0s"],
        ]))
        #expect(problems == [
            #"oncall.urgency.keywords[1]: has no letters or digits to match (got "!!!")"#,
            "oncall.urgency.patterns[0]: is not a valid regular expression: expected ')'",
            #"oncall.urgency.vip[0]: must be an email, an @domain, a +E.164 phone or a platform:handle (got "bigcustomer")"#,
            #"oncall.urgency.vip[1]: must be an email, an @domain, a +E.164 phone or a platform:handle (got "+12")"#,
            "oncall.urgency.repeat_contact.within: required",
            #"oncall.urgency.repeat_contact.messages: must be a whole number from 2 to 1000 (got "1")"#,
            "oncall.urgency.volume.within: must be longer than zero",
        ])
    }

    @Test func unknownKeysAreReportedWhereverTheyAre() {
        let problems = F.problems(F.good
            .setting("defualt_team", "x")
            .updating("teams", at: 0) { $0.setting("escalaton", []) }
            .updating("people", at: 0) { $0.setting("pager", "x") })
        #expect(has(problems, "oncall.defualt_team", "unknown key"))
        #expect(has(problems, "oncall.teams[0].escalaton", "unknown key"))
        #expect(has(problems, "oncall.people[0].pager", "unknown key"))
        #expect(problems.count == 3)
    }

    @Test func everyProblemIsListedAtOnce() {
        let broken = F.good
            .updating("people", at: 0) { $0.setting("phone", "555-0101") }
            .updating("schedules", at: 1) { $0.setting("time_zone", "Nowhere/City") }
            .updating("teams", at: 1) { $0.setting("escalation", [["people": ["ghost"]]]) }
        let problems = F.problems(broken)
        #expect(has(problems, "oncall.people[0].phone", "must be an E.164 number"))
        #expect(has(problems, "oncall.schedules[1].time_zone", "unknown time zone"))
        #expect(has(problems, "oncall.teams[1].escalation[0].people[0]", #"unknown person "ghost""#))
    }

    @Test func configTimesReadLocalDatesAndOffsets() {
        let berlin = zone("Europe/Berlin")
        #expect(ConfigTime.instant("2026-03-14 09:00", in: berlin, timeOfDay: 0) == at("2026-03-14T09:00:00+01:00"))
        #expect(ConfigTime.instant("2026-07-14T09:00", in: berlin, timeOfDay: 0) == at("2026-07-14T09:00:00+02:00"))
        #expect(ConfigTime.instant("2026-07-14", in: berlin, timeOfDay: 9 * 3600) == at("2026-07-14T09:00:00+02:00"))
        #expect(ConfigTime.instant("2026-07-14T09:00:00Z", in: berlin, timeOfDay: 0) == at("2026-07-14T09:00:00Z"))
        #expect(ConfigTime.instant("2026-07-14T09:00:00-0400", in: berlin, timeOfDay: 0) == at("2026-07-14T13:00:00Z"))
        #expect(ConfigTime.instant("2026-02-29", in: berlin, timeOfDay: 0) == nil)
        #expect(ConfigTime.instant("2026-03-14 24:00", in: berlin, timeOfDay: 0) == nil)
        #expect(ConfigTime.timeOfDay("7:30") == 27_000)
        #expect(ConfigTime.format(at("2026-10-25T01:30:00Z"), in: berlin) == "2026-10-25 02:30")
    }
}
