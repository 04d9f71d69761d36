import IntakeCore

extension OnCallConfig {
    /// Reads `teams:`, one escalation policy each; every step must page someone.
    ///
    /// ```yaml
    /// - name: support
    ///   ack_timeout: 5m                   # default wait per step (5m when not given)
    ///   escalation:
    ///     - schedules: [support-primary]  # whoever is on call then
    ///       methods: [voice, sms]         # omit: each person's own methods
    ///     - people: [dana]
    ///       ack_timeout: 10m
    ///   repeat: 2                         # go through all steps 2 more times
    ///   fallback: {person: maria}         # or {schedule: managers}; paged once at the end
    /// ```
    static func readTeams(_ sections: [ConfigSection], directory: OnCallDirectory) -> [EscalationPolicy] {
        var names = Set<String>()
        return sections.compactMap { section in
            defer { section.finish() }
            let name = section.string("name", required: true) ?? ""
            if !name.isEmpty, !names.insert(name).inserted { section.problem("name", "duplicate team \"\(name)\"") }
            let timeout = readTimeout(section, default: EscalationStep.defaultAckTimeout)
            let stepSections = section.sections("escalation")
            if stepSections.isEmpty { section.problem("escalation", "required: at least one step") }
            let steps = stepSections.compactMap { readStep($0, directory: directory, timeout: timeout, single: false) }
            let repeatCount = section.int("repeat", default: 0, range: 0...10)
            let fallback = section.section("fallback").flatMap { readStep($0, directory: directory, timeout: timeout, single: true) }
            guard !name.isEmpty else { return nil }
            return EscalationPolicy(team: name, steps: steps, repeatCount: repeatCount, fallback: fallback)
        }
    }

    /// A step (`people:`, `schedules:`) or, when `single`, a fallback (`person:` or `schedule:`).
    private static func readStep(_ section: ConfigSection, directory: OnCallDirectory, timeout: Duration, single: Bool) -> EscalationStep? {
        defer { section.finish() }
        let (peopleKey, schedulesKey) = single ? ("person", "schedule") : ("people", "schedules")
        let peopleNames = single ? section.string(peopleKey).map { [$0] } ?? [] : section.strings(peopleKey)
        let scheduleNames = single ? section.string(schedulesKey).map { [$0] } ?? [] : section.strings(schedulesKey)
        let methods = section.has("methods") ? readMethods(section, key: "methods") : nil
        if let methods, methods.isEmpty { section.problem("methods", "must list at least one of voice, sms, slack, webhook, or be left out") }
        if single, peopleNames.count + scheduleNames.count != 1 {
            section.problem(nil, "must name one person or one schedule (person: or schedule:)")
        } else if peopleNames.isEmpty, scheduleNames.isEmpty {
            section.problem(nil, "pages nobody: name people or schedules")
        }

        var pagesSomeone = false
        var targets: [PageTarget] = []
        for (index, name) in peopleNames.enumerated() {
            let key = single ? peopleKey : "\(peopleKey)[\(index)]"
            targets.append(.person(name))
            guard let person = directory.people[name] else {
                section.problem(key, "unknown person \"\(name)\"")
                continue
            }
            if let missing = unreachable(person, by: methods) { section.problem(key, missing) } else { pagesSomeone = true }
        }
        for (index, name) in scheduleNames.enumerated() {
            let key = single ? schedulesKey : "\(schedulesKey)[\(index)]"
            targets.append(.schedule(name))
            guard let schedule = directory.schedules[name] else {
                section.problem(key, "unknown schedule \"\(name)\"")
                continue
            }
            for person in schedule.people.compactMap({ directory.people[$0] }) {
                if let missing = unreachable(person, by: methods) {
                    section.problem(key, "when \(person.name) is on call: \(missing)")
                } else {
                    pagesSomeone = true
                }
            }
        }
        if !targets.isEmpty, !pagesSomeone { section.problem(nil, "pages nobody: none of its targets can be reached") }
        let ackTimeout = readTimeout(section, default: timeout)
        return targets.isEmpty ? nil : EscalationStep(targets: targets, methods: methods, ackTimeout: ackTimeout)
    }

    /// Why `person` cannot be paged by `methods` (nil: their own methods), or nil when they can.
    private static func unreachable(_ person: Person, by methods: [ContactMethod]?) -> String? {
        guard let methods, !methods.isEmpty else {
            return person.methods.contains { person.address(for: $0) != nil } ? nil : "\(person.name) has no working contact method"
        }
        guard !methods.contains(where: { person.address(for: $0) != nil }) else { return nil }
        let needs = methods.map { "\($0.rawValue) needs \($0.requirement)" }.joined(separator: ", ")
        return "\(person.name) cannot be paged by \(methods.map(\.rawValue).joined(separator: " or ")) (\(needs))"
    }

    private static func readTimeout(_ section: ConfigSection, default fallback: Duration) -> Duration {
        let timeout = section.duration("ack_timeout", default: fallback)
        guard timeout > .zero else {
            section.problem("ack_timeout", "must be longer than zero")
            return fallback
        }
        return timeout
    }
}
