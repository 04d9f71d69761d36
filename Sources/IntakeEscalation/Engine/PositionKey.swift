import IntakePolicy

extension EscalationPosition {
    /// How an alert row stores its position, and how page keys name the step: `s0r0`, `fallback`, `done`.
    public var storageKey: String {
        switch self {
        case .step(let index, let round): "s\(index)r\(round)"
        case .fallback: "fallback"
        case .done: "done"
        }
    }

    public init?(storageKey: String) {
        switch storageKey {
        case "fallback": self = .fallback
        case "done": self = .done
        default:
            let parts = storageKey.dropFirst().split(separator: "r")
            guard storageKey.hasPrefix("s"), parts.count == 2, let index = Int(parts[0]), let round = Int(parts[1]) else { return nil }
            self = .step(index: index, round: round)
        }
    }
}
