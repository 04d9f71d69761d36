import AsyncHTTPClient
import Foundation
import IntakeTesting
import Testing

/// The feed adapter inside the real gateway, polling feeds served by a real HTTP server (python3 http.server).
@Suite(.serialized) struct FeedChannelTests {
    @Test func mentionsBecomePublicCasesAndABrokenFeedIsReportedWithoutStoppingTheOthers() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("feeds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let now = ISO8601DateFormatter().string(from: Date())
        let atom = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>#acme</title><id>urn:tag:acme</id><updated>\(now)</updated>
              <entry><id>urn:post:1</id><title>Acme kettle exploded</title><updated>\(now)</updated>
                <author><name>Ann</name><uri>https://social.example/@ann</uri></author>
                <link href="https://social.example/@ann/1"/><content type="html">&lt;p&gt;My &lt;b&gt;Acme&lt;/b&gt; kettle exploded. Never again.&lt;/p&gt;</content></entry>
              <entry><id>urn:post:2</id><title>Nice weather</title><updated>\(now)</updated>
                <author><name>Bob</name></author><content>Sunny today</content></entry>
            </feed>
            """
        try atom.write(to: root.appendingPathComponent("tag.xml"), atomically: true, encoding: .utf8)
        let port = try LocalPort.free()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", root.path]
        server.standardError = FileHandle.nullDevice
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        // SIGKILL: a child of this test process may inherit SIGTERM as ignored (signal handling via dispatch).
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        for _ in 0..<100 {
            if (try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/tag.xml"), timeout: .seconds(1)))?.status == .ok { break }
            try await Task.sleep(for: .milliseconds(50))
        }

        let yaml = """
            adapters:
              - kind: feed
                name: mentions
                allow_insecure_http: true
                feeds:
                  - {url: "http://127.0.0.1:\(port)/tag.xml", name: tag, platform: mastodon, keywords: [acme], interval: 10s}
                  - {url: "http://127.0.0.1:\(port)/missing.xml", name: gone, interval: 10s}
            """
        let gw = try await TestGateway.start(yaml: yaml)
        var cases: [[String: Any]] = []
        for _ in 0..<200 {
            cases = (json(try await gw.request(.GET, "/v1/cases").body)["items"] as? [[String: Any]]) ?? []
            if !cases.isEmpty { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(cases.count == 1)
        #expect(cases.first?["is_public"] as? Bool == true && cases.first?["channel"] as? String == "social")
        let detail = json(try await gw.request(.GET, "/v1/cases/C-1").body)
        let message = (detail["messages"] as? [[String: Any]])?.first
        #expect((message?["body"] as? String ?? "").contains("My Acme kettle exploded"))
        #expect(message?["adapter_kind"] as? String == "feed")

        // The missing feed is reported per source; the gateway stays ready.
        var ready = json("{}")
        for _ in 0..<100 {
            ready = json(try await gw.request(.GET, "/readyz", token: nil).body)
            let sources = ready["sources"] as? [[String: String]] ?? []
            if sources.contains(where: { $0["source"] == "gone" && $0["status"] == "failing" }) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let sources = ready["sources"] as? [[String: String]] ?? []
        #expect(ready["status"] as? String == "ready")
        #expect(sources.first { $0["source"] == "tag" }?["status"] == "ok")
        #expect(sources.first { $0["source"] == "gone" }?["error"]?.contains("404") == true)
        let metrics = try await gw.request(.GET, "/metrics", token: nil).body
        #expect(metrics.contains(#"intake_source_up{adapter="mentions",source="gone"} 0"#))
        #expect(metrics.contains(#"intake_source_up{adapter="mentions",source="tag"} 1"#))

        try await gw.stop()

        // After a restart the feed is polled again at once: its committed cursor means nothing is stored twice.
        let again = try await TestGateway.start(yaml: yaml, dataDir: gw.dataDir)
        for _ in 0..<100 {
            let rows = json(try await again.request(.GET, "/readyz", token: nil).body)["sources"] as? [[String: String]] ?? []
            if rows.first(where: { $0["source"] == "tag" })?["status"] == "ok" { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(((json(try await again.request(.GET, "/v1/cases").body)["items"] as? [Any]) ?? []).count == 1)
        try await again.stop()
    }
}
