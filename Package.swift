// swift-tools-version: 6.0
// IntakeGateway: a multi-channel complaint intake gateway.
import PackageDescription

let package = Package(
    name: "IntakeGateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "intake", targets: ["intake"]),
        .library(name: "IntakeCore", targets: ["IntakeCore"]),
        .library(name: "IntakeTesting", targets: ["IntakeTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // Core: the case model, the adapter SDK and the case stream. No HTTP, no database, no C.
        .target(
            name: "IntakeCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Store: the implementations of CaseStore: SQLite (GRDB), embedded; PostgreSQL (postgres-nio), shared by instances.
        .target(
            name: "IntakeStore",
            dependencies: [
                "IntakeCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Policy: urgency rules, on-call schedules and escalation plans (pure logic, no I/O).
        .target(name: "IntakePolicy", dependencies: ["IntakeCore"]),
        // Forwarding: cases to trackers (Jira, Zendesk, GitHub, Linear, webhooks) through the shared outbox.
        .target(
            name: "IntakeForwarding",
            dependencies: [
                "IntakeCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Escalation: call-now alerts paged through Twilio, Slack and webhooks, escalated from durable timers.
        .target(
            name: "IntakeEscalation",
            dependencies: [
                "IntakeCore", "IntakePolicy", "IntakeForwarding",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Server: configuration, HTTP API, metrics, service wiring.
        .target(
            name: "IntakeServer",
            dependencies: [
                "IntakeCore", "IntakeStore", "IntakeForwarding", "IntakePolicy", "IntakeEscalation", "GenericAdapter", "TwilioAdapter", "SlackAdapter", "TelegramAdapter", "VonageAdapter", "FeedAdapter", "IMAPAdapter",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Resources/openapi.json")]
        ),
        .executableTarget(
            name: "intake",
            dependencies: [
                "IntakeServer", "IntakeStore", "IntakeCore", "IntakeForwarding",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // The adapter conformance kit and a deterministic clock, for adapter authors' tests.
        .target(name: "IntakeTesting", dependencies: [
            "IntakeCore", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),

        // Channel adapters, one folder each.
        .target(name: "GenericAdapter", dependencies: ["IntakeCore"], path: "Adapters/Generic/Sources/GenericAdapter"),
        .testTarget(
            name: "GenericAdapterTests",
            dependencies: ["GenericAdapter", "IntakeTesting", "IntakeCore", "IntakeStore"],
            path: "Adapters/Generic/Tests/GenericAdapterTests"
        ),

        // libcurl, for IMAP and feed fetching.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // Email: IMAP fetched with libcurl, MIME decoded with GMime.
        .systemLibrary(name: "CGMime", path: "Sources/CGMime", pkgConfig: "gmime-3.0", providers: [.apt(["libgmime-3.0-dev"])]),
        .target(name: "MailParsing", dependencies: ["CGMime"], path: "Adapters/IMAP/Sources/MailParsing"),
        .testTarget(name: "MailParsingTests", dependencies: ["MailParsing"], path: "Adapters/IMAP/Tests/MailParsingTests"),
        .target(name: "IMAPAdapter", dependencies: ["IntakeCore", "MailParsing", "CCurl", .product(name: "Logging", package: "swift-log")], path: "Adapters/IMAP/Sources/IMAPAdapter"),
        .testTarget(name: "IMAPAdapterTests", dependencies: ["IMAPAdapter", "MailParsing", "IntakeCore", "IntakeStore", "IntakeTesting",
                                                            .product(name: "AsyncHTTPClient", package: "async-http-client")], path: "Adapters/IMAP/Tests/IMAPAdapterTests"),
        .executableTarget(name: "imap-bench", dependencies: ["IMAPAdapter", "IntakeCore", "IntakeStore", .product(name: "Logging", package: "swift-log")], path: "Adapters/IMAP/Bench/IMAPBench"),

        // Social mentions: RSS and Atom through libxml2, fetched with libcurl.
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(name: "FeedParsing", dependencies: ["CLibXML2"], path: "Adapters/Feed/Sources/FeedParsing"),
        .testTarget(name: "FeedParsingTests", dependencies: ["FeedParsing"], path: "Adapters/Feed/Tests/FeedParsingTests"),
        .target(name: "FeedAdapter", dependencies: ["IntakeCore", "FeedParsing", "CCurl", .product(name: "Logging", package: "swift-log")], path: "Adapters/Feed/Sources/FeedAdapter"),
        .testTarget(name: "FeedAdapterTests", dependencies: ["FeedAdapter", "FeedParsing", "IntakeCore", "IntakeStore", "IntakeTesting"], path: "Adapters/Feed/Tests/FeedAdapterTests"),
        .executableTarget(name: "FeedBench", dependencies: ["FeedParsing"], path: "Adapters/Feed/Bench/FeedBench"),

        // SMS and chat: request verification (the webhook adapters come with issue 5).
        .target(name: "TwilioAdapter", dependencies: ["IntakeCore", .product(name: "Crypto", package: "swift-crypto")], path: "Adapters/Twilio/Sources/TwilioAdapter"),
        .testTarget(name: "TwilioAdapterTests", dependencies: ["TwilioAdapter", "IntakeCore", "IntakeStore", "IntakeTesting"], path: "Adapters/Twilio/Tests/TwilioAdapterTests"),
        .target(name: "SlackAdapter", dependencies: ["IntakeCore", .product(name: "Crypto", package: "swift-crypto")], path: "Adapters/Slack/Sources/SlackAdapter"),
        .testTarget(name: "SlackAdapterTests", dependencies: ["SlackAdapter", "IntakeCore", "IntakeStore", "IntakeTesting"], path: "Adapters/Slack/Tests/SlackAdapterTests"),
        .target(name: "VonageAdapter", dependencies: ["IntakeCore", .product(name: "Crypto", package: "swift-crypto")], path: "Adapters/Vonage/Sources/VonageAdapter"),
        .testTarget(name: "VonageAdapterTests", dependencies: ["VonageAdapter", "IntakeCore", "IntakeStore", "IntakeTesting"], path: "Adapters/Vonage/Tests/VonageAdapterTests"),
        .target(name: "TelegramAdapter", dependencies: ["IntakeCore"], path: "Adapters/Telegram/Sources/TelegramAdapter"),
        .testTarget(name: "TelegramAdapterTests", dependencies: ["TelegramAdapter", "IntakeCore", "IntakeStore", "IntakeTesting"], path: "Adapters/Telegram/Tests/TelegramAdapterTests"),

        .testTarget(
            name: "IntakeForwardingTests",
            dependencies: [
                "IntakeForwarding", "IntakeCore", "IntakeStore", "IntakeTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "IntakeEscalationTests",
            dependencies: [
                "IntakeEscalation", "IntakePolicy", "IntakeCore", "IntakeForwarding", "IntakeStore", "IntakeServer", "IntakeTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(name: "IntakePolicyTests", dependencies: ["IntakePolicy", "IntakeCore"]),
        .testTarget(name: "IntakeCoreTests", dependencies: ["IntakeCore", "IntakeTesting"]),
        .testTarget(
            name: "IntakeStoreTests",
            dependencies: [
                "IntakeStore", "IntakeCore", "IntakeTesting", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // Migration tests write rows of earlier schema versions straight to each database.
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "IntakeServerTests",
            dependencies: [
                "IntakeServer", "IntakeCore", "IntakeStore", "IntakeTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ]
)
