import Foundation
import IntakeCore

/// The `oncall:` section: people, schedules, each team's escalation policy, the urgency rules
/// and the default team, read and validated at start.
///
/// Problems are recorded by key path in the section's sink, not thrown (as adapters do), so one
/// config check lists them all: unknown names, bad time zones, non-E.164 phones, people nobody can
/// reach, steps that page nobody, and schedules with nobody on call within `gapHorizon` of `now`.
public struct OnCallConfig: Sendable {
    public var people: [Person]
    public var schedules: [Schedule]
    /// One escalation policy per team, in config order.
    public var teams: [EscalationPolicy]
    /// The team a case without one is escalated to.
    public var defaultTeam: String
    public var urgency: UrgencyRules
    /// After a call outcome of no answer or voicemail, when the rep is reminded to call again (`call_retry`, 15m by default).
    public var callRetry: Duration = OnCallConfig.defaultCallRetry

    public static let defaultCallRetry: Duration = .seconds(15 * 60)

    /// How far ahead schedules are checked for gaps.
    public static let defaultGapHorizon: Duration = .seconds(14 * 86_400)

    public init(people: [Person], schedules: [Schedule], teams: [EscalationPolicy], defaultTeam: String, urgency: UrgencyRules) {
        self.people = people
        self.schedules = schedules
        self.teams = teams
        self.defaultTeam = defaultTeam
        self.urgency = urgency
    }

    /// Reads `config` (the `oncall:` section), checking schedules for gaps from `now` to `now + gapHorizon`.
    /// Every sub-section, and `config` itself, is finished: unknown keys are reported.
    public init(config: ConfigSection, now: Date, gapHorizon: Duration = OnCallConfig.defaultGapHorizon) {
        let peopleSections = config.sections("people")
        if peopleSections.isEmpty { config.problem("people", "required: at least one person to page") }
        let people = Self.readPeople(peopleSections)
        let names = Set(people.map(\.name))
        let schedules = Self.readSchedules(
            config.sections("schedules"), people: names, now: now, horizon: gapHorizon.timeInterval)
        let directory = OnCallDirectory(people: people, schedules: schedules)
        let teamSections = config.sections("teams")
        if teamSections.isEmpty { config.problem("teams", "required: at least one team") }
        let teams = Self.readTeams(teamSections, directory: directory)
        var defaultTeam = config.string("default_team") ?? ""
        if defaultTeam.isEmpty {
            if teams.count == 1 {
                defaultTeam = teams[0].team
            } else if teams.count > 1 {
                config.problem("default_team", "required when there are several teams")
            }
        } else if !teams.contains(where: { $0.team == defaultTeam }) {
            config.problem("default_team", "unknown team \"\(defaultTeam)\"")
        }
        let urgency = config.section("urgency").map(UrgencyRules.init(config:)) ?? UrgencyRules()
        let callRetry = config.duration("call_retry", default: Self.defaultCallRetry)
        if callRetry <= .zero { config.problem("call_retry", "must be longer than zero") }
        config.finish()
        self.init(people: people, schedules: schedules, teams: teams, defaultTeam: defaultTeam, urgency: urgency)
        self.callRetry = callRetry
    }

    /// Reads an `oncall:` tree on its own; throws `ConfigErrors` listing every problem.
    public static func parse(
        _ value: ConfigValue, path: String = "oncall", environment: [String: String] = [:], now: Date,
        gapHorizon: Duration = OnCallConfig.defaultGapHorizon
    ) throws -> OnCallConfig {
        let sink = ConfigSection.ProblemSink()
        let config = OnCallConfig(config: ConfigSection(path: path, value: value, environment: environment, sink: sink), now: now, gapHorizon: gapHorizon)
        if !sink.all.isEmpty { throw ConfigErrors(problems: sink.all) }
        return config
    }

    /// The people and schedules, by name, for escalation plans.
    public var directory: OnCallDirectory { OnCallDirectory(people: people, schedules: schedules) }

    /// The policy of `team`, or of the default team when `team` is nil.
    public func policy(for team: String? = nil) -> EscalationPolicy? {
        let name = team ?? defaultTeam
        return teams.first { $0.team == name }
    }

    /// Starts escalating an urgent case to `team` (the default team when nil) at `now`.
    public func startEscalation(team: String? = nil, at now: Date) -> EscalationPlan? {
        policy(for: team).map { EscalationPlan.start(policy: $0, directory: directory, at: now) }
    }
}
