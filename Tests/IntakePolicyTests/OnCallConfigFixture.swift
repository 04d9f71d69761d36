import Foundation
import IntakeCore
@testable import IntakePolicy

/// A complete, valid `oncall:` section, as the YAML example in the docs writes it.
enum OnCallFixture {
    /// Monday 2026-03-02, 07:00 in New York, 13:00 in Berlin.
    static let now = at("2026-03-02T12:00:00Z")

    static let good: ConfigValue = [
        "default_team": "support",
        "urgency": [
            "public_mentions": "true",
            "keywords": ["lawsuit", "cancel", "refund", "third time"],
            "patterns": ["charge ?backs?"],
            "repeat_contact": ["messages": "3", "within": "1h"],
            "volume": ["more_than": "50", "within": "10m"],
            "vip": ["@bigcustomer.com", "+14155550100"],
        ],
        "people": [
            ["name": "ann", "phone": "+14155550101", "slack": "U024BE7LH", "methods": ["voice", "sms"]],
            ["name": "bob", "phone": "+14155550102"],
            ["name": "chen", "phone": "+4915112345678", "slack": "U0CHEN01"],
            ["name": "dana", "slack": "U0DANA01", "webhook": "https://pager.example.com/hooks/dana"],
            ["name": "maria", "phone": "+14155550105", "methods": ["voice"]],
        ],
        "schedules": [
            [
                "name": "support-primary",
                "time_zone": "America/New_York",
                "layers": [
                    ["name": "weekly", "participants": ["ann", "bob"], "start": "2026-01-05", "shift": "weekly", "handoff": "09:00"],
                ],
                "overrides": [
                    ["person": "chen", "start": "2026-03-14 09:00", "end": "2026-03-16 09:00"],
                ],
            ],
            [
                "name": "managers",
                "time_zone": "Europe/Berlin",
                "layers": [
                    ["participants": ["dana", "maria"], "start": "2026-01-05T09:00:00+01:00", "shift": "weekly"],
                ],
            ],
        ],
        "teams": [
            [
                "name": "support",
                "ack_timeout": "5m",
                "escalation": [
                    ["schedules": ["support-primary"], "methods": ["voice", "sms"]],
                    ["people": ["dana"], "ack_timeout": "10m"],
                ],
                "repeat": "2",
                "fallback": ["schedule": "managers"],
            ],
            [
                "name": "billing",
                "escalation": [["people": ["maria"]]],
                "fallback": ["person": "ann", "methods": ["sms"]],
            ],
        ],
    ]

    /// The problems reading `value` records, as `path: message` lines.
    static func problems(_ value: ConfigValue, now: Date = now) -> [String] {
        do {
            _ = try OnCallConfig.parse(value, now: now)
            return []
        } catch let errors as ConfigErrors {
            return errors.problems.map(\.description)
        } catch {
            return ["unexpected: \(error)"]
        }
    }

    /// `good` with the item at `index` of the list at `key` changed.
    static func changing(_ key: String, at index: Int, _ change: (ConfigValue) -> ConfigValue) -> ConfigValue {
        good.updating(key, at: index, change)
    }
}
