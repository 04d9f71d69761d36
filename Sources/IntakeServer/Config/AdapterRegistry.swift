import FeedAdapter
import GenericAdapter
import IMAPAdapter
import SlackAdapter
import TelegramAdapter
import TwilioAdapter
import VonageAdapter
import IntakeCore

/// Every adapter kind the gateway can run, registered in one place by its `ConfigurableAdapter` type.
public struct AdapterRegistry: Sendable {
    public let kinds: [any ConfigurableAdapter.Type]

    public init(kinds: [any ConfigurableAdapter.Type]) { self.kinds = kinds }

    /// The adapters shipped with the gateway.
    public static let standard = AdapterRegistry(kinds: [
        GenericAdapter.self,
        TwilioAdapter.self,
        SlackAdapter.self,
        TelegramAdapter.self,
        VonageAdapter.self,
        FeedAdapter.self,
        IMAPAdapter.self,
    ])

    /// Builds the adapters listed under `adapters:`, recording problems in their sections.
    func adapters(from sections: [ConfigSection]) -> [any ChannelAdapter] {
        var names = Set<String>()
        var routes = Set<String>()
        var built: [any ChannelAdapter] = []
        for section in sections {
            let kind = section.string("kind", required: true)
            let name = section.string("name", required: true)
            if let name, !name.isEmpty, !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) {
                section.problem("name", "may hold letters, digits, '-', '_' and '.' only")
            }
            if let name, !names.insert(name).inserted { section.problem("name", "duplicate adapter name \"\(name)\"") }
            let type = kind.flatMap { kind in kinds.first { $0.kind == kind } }
            if let kind, type == nil {
                section.problem("kind", "unknown adapter kind \"\(kind)\" (known: \(kinds.map { $0.kind }.joined(separator: ", ")))")
            }
            guard let type, let name else { continue }
            let adapter = type.init(name: name, config: section)
            if let webhook = adapter as? any WebhookAdapter, !routes.insert(webhook.routePath).inserted {
                section.problem("kind", "a second adapter on route \(webhook.routePath); only one \(kind) adapter may run")
            }
            section.finish()
            built.append(adapter)
        }
        return built
    }
}
