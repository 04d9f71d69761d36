import IntakeCore

extension OnCallConfig {
    /// Reads `people:`. A person must have a name, E.164 phone if any, and at least one method
    /// that works with the addresses given; listed methods each need their address.
    ///
    /// ```yaml
    /// - name: ann
    ///   phone: "+14155550101"     # E.164, for voice and sms
    ///   slack: U024BE7LH          # Slack member id
    ///   webhook: https://pager.example.com/hooks/ann
    ///   methods: [voice, sms]     # default: every method their addresses allow (voice, sms, slack, webhook)
    /// ```
    static func readPeople(_ sections: [ConfigSection]) -> [Person] {
        var names = Set<String>()
        return sections.compactMap { section in
            defer { section.finish() }
            let name = section.string("name", required: true) ?? ""
            if !name.isEmpty, !names.insert(name).inserted { section.problem("name", "duplicate person \"\(name)\"") }
            // The name is part of each page's delivery key (`alert-7/0/ann/sms`) and of log lines.
            if name.unicodeScalars.contains(where: {
                $0 == "/" || [.control, .lineSeparator, .paragraphSeparator].contains($0.properties.generalCategory)
            }) {
                section.problem("name", "must not contain \"/\" or control characters (got \"\(name.debugDescription.dropFirst().dropLast())\")")
            }
            let phone = section.string("phone").flatMap { raw -> String? in
                guard let number = PhoneNumber(raw, defaultRegion: ""), !number.isShortCode, number.e164 == raw else {
                    section.problem("phone", "must be an E.164 number like +14155550100: a + and digits only (got \"\(raw)\")")
                    return nil
                }
                return number.e164
            }
            let slack = section.string("slack").flatMap { id -> String? in
                guard id.wholeMatch(of: /[UW][A-Z0-9]{2,}/) != nil else {
                    section.problem("slack", "must be a Slack member id like U024BE7LH (got \"\(id)\")")
                    return nil
                }
                return id
            }
            let webhook = section.string("webhook").flatMap { url -> String? in
                guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                    section.problem("webhook", "must be an http or https URL")
                    return nil
                }
                return url
            }
            var person = Person(name: name, phone: phone, slackUserID: slack, webhook: webhook, methods: [])
            if section.has("methods") {
                person.methods = readMethods(section, key: "methods")
                for (index, method) in person.methods.enumerated() where person.address(for: method) == nil {
                    section.problem("methods[\(index)]", "\(method.rawValue) needs \(method.requirement)")
                }
            } else {
                person.methods = person.reachableMethods
            }
            if !person.methods.contains(where: { person.address(for: $0) != nil }) {
                section.problem(nil, "has no working contact method: give a phone (voice, sms), a slack id or a webhook")
            }
            return name.isEmpty ? nil : person
        }
    }

    /// A list of contact methods at `key`, each checked.
    static func readMethods(_ section: ConfigSection, key: String) -> [ContactMethod] {
        let options = ContactMethod.allCases.map(\.rawValue).joined(separator: ", ")
        return section.strings(key).enumerated().compactMap { index, text in
            guard let method = ContactMethod(rawValue: text) else {
                section.problem("\(key)[\(index)]", "must be one of \(options) (got \"\(text)\")")
                return nil
            }
            return method
        }
    }
}
