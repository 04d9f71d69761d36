import IntakeCore

extension UrgencyRules {
    /// Reads the `urgency:` section, recording every problem by key path.
    ///
    /// ```yaml
    /// urgency:
    ///   public_mentions: true                     # a social mention or public post is urgent
    ///   keywords: [lawsuit, cancel, refund, third time]
    ///   patterns: ['charge ?backs?']              # regular expressions, case-insensitive
    ///   repeat_contact: {messages: 3, within: 1h} # 3 or more from one customer in an hour
    ///   volume: {more_than: 50, within: 10m}      # over 50 messages on all channels in 10 minutes
    ///   vip: ["@bigcustomer.com", ceo@acme.example, "+14155550100", "twitter:@bigco"]
    /// ```
    public init(config: ConfigSection) {
        let keywords = config.strings("keywords")
        for (index, keyword) in keywords.enumerated() where !KeywordList.isMatchable(keyword) {
            config.problem("keywords[\(index)]", "has no letters or digits to match (got \"\(keyword)\")")
        }
        let patterns = config.strings("patterns").enumerated().compactMap { index, source -> UrgencyPattern? in
            do {
                return try UrgencyPattern(source)
            } catch {
                config.problem("patterns[\(index)]", "is not a valid regular expression: \(error)")
                return nil
            }
        }
        let vip = config.strings("vip").enumerated().compactMap { index, text -> VIPList.Entry? in
            guard let entry = VIPList.Entry(text) else {
                config.problem("vip[\(index)]", "must be an email, an @domain, a +E.164 phone or a platform:handle (got \"\(text)\")")
                return nil
            }
            return entry
        }
        self.init(
            publicMentions: config.bool("public_mentions", default: true),
            keywords: KeywordList(keywords.filter(KeywordList.isMatchable)),
            patterns: patterns,
            repeatedContact: config.section("repeat_contact").flatMap { Self.countRule($0, countKey: "messages", range: 2...1000) },
            vip: VIPList(vip),
            volume: config.section("volume").flatMap { Self.countRule($0, countKey: "more_than", range: 1...1_000_000) }
        )
        config.finish()
    }

    private static func countRule(_ section: ConfigSection, countKey: String, range: ClosedRange<Int>) -> MessageCountRule? {
        defer { section.finish() }
        if !section.has(countKey) { section.problem(countKey, "required") }
        if !section.has("within") { section.problem("within", "required") }
        let count = section.int(countKey, default: 0, range: range)
        let window = section.duration("within", default: .zero)
        if section.has("within"), window <= .zero { section.problem("within", "must be longer than zero") }
        guard count > 0, window > .zero else { return nil }
        return MessageCountRule(count: count, window: window)
    }
}
