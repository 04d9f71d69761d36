import AsyncHTTPClient
import Foundation
import IntakeTesting
import NIOHTTP1
import Testing

/// SMS and chat webhooks against the real server, signed by the providers' own SDKs (PyPI twilio, slack-sdk).
@Suite(.serialized) struct WebhookChannelTests {
    static let twilioToken = "twilio-auth-token-0123456789"
    static let slackSecret = "slack-signing-secret-0123456789"
    static let telegramSecret = "telegram-secret_token-0123"
    static let vonageSecret = "vonage-signature-secret-0123"

    static let yaml = """
        server: {host: 127.0.0.1}
        adapters:
          - {kind: generic, name: api}
          - {kind: sms.twilio, name: sms, auth_token: "${TWILIO_AUTH_TOKEN}"}
          - {kind: chat.slack, name: slack, signing_secret: "${SLACK_SIGNING_SECRET}", private_channels: [CPRIVATE]}
          - {kind: chat.telegram, name: telegram, secret_token: "${TELEGRAM_SECRET}"}
          - {kind: sms.vonage, name: vonage, signature_secret: "${VONAGE_SECRET}", signature_method: sha256}
        """

    static func start() async throws -> TestGateway {
        return try await TestGateway.start(yaml: yaml, environment: ["TWILIO_AUTH_TOKEN": twilioToken, "SLACK_SIGNING_SECRET": slackSecret, "TELEGRAM_SECRET": telegramSecret, "VONAGE_SECRET": vonageSecret])
    }

    /// The X-Twilio-Signature twilio-python computes for a form post to `url`.
    static func twilioSignature(url: String, params: [(String, String)], token: String = twilioToken) throws -> String {
        let script = """
            import json, sys
            from twilio.request_validator import RequestValidator
            url, params = sys.argv[1], json.loads(sys.argv[2])
            print(RequestValidator(sys.argv[3]).compute_signature(url, params), end="")
            """
        let object = Dictionary(params, uniquingKeysWith: { first, _ in first })
        let json = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        return String(decoding: try TestPeers.python(script, arguments: [url, json, token], modules: "twilio"), as: UTF8.self)
    }

    /// The X-Slack-Signature slack-sdk computes for `body` at `timestamp`.
    static func slackSignature(timestamp: Int, body: String) throws -> String {
        let script = """
            import sys
            from slack_sdk.signature import SignatureVerifier
            print(SignatureVerifier(sys.argv[1]).generate_signature(timestamp=sys.argv[2], body=sys.argv[3]), end="")
            """
        return String(decoding: try TestPeers.python(script, arguments: [slackSecret, String(timestamp), body], modules: "slack-sdk"), as: UTF8.self)
    }

    /// A Vonage inbound-SMS form body signed by the vonage SDK (HMAC-SHA256 signature method).
    static func vonageForm(_ params: [(String, String)]) throws -> String {
        let script = """
            import json, sys, time, urllib.parse
            from vonage_http_client.auth import Auth
            params = dict(json.loads(sys.argv[1]))
            params["timestamp"] = str(int(time.time()))
            params["sig"] = Auth(api_key="key", signature_secret=sys.argv[2], signature_method="sha256").sign_params(dict(params))
            print(urllib.parse.urlencode(params), end="")
            """
        let json = String(decoding: try JSONSerialization.data(withJSONObject: params.map { [$0.0, $0.1] }), as: UTF8.self)
        return String(decoding: try TestPeers.python(script, arguments: [json, vonageSecret], modules: "vonage"), as: UTF8.self)
    }

    static func form(_ params: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return params.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
    }

    @Test func twilioSMSSignedBySDKIsStoredOnceAndForgeriesAreRefused() async throws {
        let gw = try await Self.start()
        let url = "http://127.0.0.1:\(gw.port)/v1/hooks/sms"
        let params = [("MessageSid", "SM0001"), ("AccountSid", "AC1"), ("From", "+14155550100"), ("To", "+18005550199"),
                      ("Body", "My order never arrived. Third time!"), ("NumMedia", "1"), ("MediaUrl0", "https://api.twilio.com/m/1"),
                      ("MediaContentType0", "image/jpeg"), ("SmsStatus", "received")]
        let signature = try Self.twilioSignature(url: url, params: params)
        let headers = [("X-Twilio-Signature", signature)]
        let first = try await gw.request(.POST, "/v1/hooks/sms", json: Self.form(params), token: nil, contentType: "application/x-www-form-urlencoded", headers: headers)
        #expect(first.status == 200 && first.body.contains("<Response/>") && first.headers["Content-Type"].first == "text/xml")
        let retry = try await gw.request(.POST, "/v1/hooks/sms", json: Self.form(params), token: nil, contentType: "application/x-www-form-urlencoded", headers: headers)
        #expect(retry.status == 200)
        let cases = (json(try await gw.request(.GET, "/v1/cases").body)["items"] as? [[String: Any]]) ?? []
        #expect(cases.count == 1 && cases.first?["message_count"] as? Int == 1 && cases.first?["channel"] as? String == "sms")
        let detail = json(try await gw.request(.GET, "/v1/cases/C-1").body)
        let message = (detail["messages"] as? [[String: Any]])?.first
        #expect((message?["attachments"] as? [[String: Any]])?.first?["url"] as? String == "https://api.twilio.com/m/1")
        #expect(message?["adapter"] as? String == "sms" && message?["adapter_kind"] as? String == "sms.twilio")

        // A tampered body, a missing signature, a signature for another URL: refused, nothing stored.
        var tampered = params
        tampered[4] = ("Body", "Please refund me everything")
        #expect(try await gw.request(.POST, "/v1/hooks/sms", json: Self.form(tampered), token: nil, contentType: "application/x-www-form-urlencoded", headers: headers).status == 403)
        #expect(try await gw.request(.POST, "/v1/hooks/sms", json: Self.form(params), token: nil, contentType: "application/x-www-form-urlencoded").status == 401)
        let elsewhere = try Self.twilioSignature(url: "https://evil.example.com/v1/hooks/sms", params: params)
        let refused = try await gw.request(.POST, "/v1/hooks/sms", json: Self.form(params), token: nil, contentType: "application/x-www-form-urlencoded", headers: [("X-Twilio-Signature", elsewhere)])
        #expect(refused.status == 403 && !refused.body.contains(Self.twilioToken))
        #expect(try await gw.request(.POST, "/v1/hooks/sms", json: "{}", token: nil, contentType: "text/plain", headers: headers).status == 415)
        #expect(try await gw.request(.POST, "/v1/hooks/sms", json: "a=%zz", token: nil, contentType: "application/x-www-form-urlencoded", headers: headers).status == 403)

        // Behind a proxy: Twilio signed the public https URL; the gateway rebuilds it from X-Forwarded-*.
        let proxied = [("MessageSid", "SM0003"), ("From", "+14155550100"), ("To", "+18005550199"), ("Body", "via proxy")]
        let proxiedSignature = try Self.twilioSignature(url: "https://intake.example.com/v1/hooks/sms", params: proxied)
        let viaProxy = try await gw.request(.POST, "/v1/hooks/sms", json: Self.form(proxied), token: nil, contentType: "application/x-www-form-urlencoded",
                                            headers: [("X-Twilio-Signature", proxiedSignature), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "intake.example.com")])
        #expect(viaProxy.status == 200)

        // A status callback is recorded on the case of nothing new: it never opens a case.
        let status = [("MessageSid", "SM9999"), ("MessageStatus", "delivered"), ("To", "+14155550100"), ("From", "+18005550199")]
        let statusSig = try Self.twilioSignature(url: url, params: status)
        #expect(try await gw.request(.POST, "/v1/hooks/sms", json: Self.form(status), token: nil, contentType: "application/x-www-form-urlencoded", headers: [("X-Twilio-Signature", statusSig)]).status == 200)
        let after = (json(try await gw.request(.GET, "/v1/cases").body)["items"] as? [[String: Any]]) ?? []
        #expect(after.count == 1 && after.first?["message_count"] as? Int == 2)
        let metrics = try await gw.request(.GET, "/metrics", token: nil).body
        #expect(metrics.contains(#"intake_webhook_rejected_total{adapter="sms",reason="bad_signature",status="403"} 3"#))
        try await gw.stop()
    }

    @Test func smsFromAKnownNumberJoinsThatContactWhateverChannelOpenedIt() async throws {
        let gw = try await Self.start()
        let email = try await gw.post(#"{"sender":{"email":"ann@example.com","phone":"+14155550100"},"body":"kettle broke"}"#)
        let url = "http://127.0.0.1:\(gw.port)/v1/hooks/sms"
        let params = [("MessageSid", "SM0002"), ("From", "+14155550100"), ("To", "+18005550199"), ("Body", "did you get my email?")]
        let response = try await gw.request(.POST, "/v1/hooks/sms", json: Self.form(params), token: nil, contentType: "application/x-www-form-urlencoded",
                                            headers: [("X-Twilio-Signature", try Self.twilioSignature(url: url, params: params))])
        #expect(response.status == 200)
        let cases = (json(try await gw.request(.GET, "/v1/cases").body)["items"] as? [[String: Any]]) ?? []
        #expect(cases.count == 2 && Set(cases.compactMap { $0["contact_id"] as? Int }) == [email.object["contact_id"] as? Int])
        try await gw.stop()
    }

    @Test func slackEventsSignedBySDKChallengeRetriesBotsAndStaleRequests() async throws {
        let gw = try await Self.start()
        func post(_ body: String, timestamp: Int = Int(Date().timeIntervalSince1970), extra: [(String, String)] = []) async throws -> (status: Int, body: String, headers: HTTPHeaders) {
            let signature = try Self.slackSignature(timestamp: timestamp, body: body)
            return try await gw.request(.POST, "/v1/hooks/slack", json: body, token: nil,
                                        headers: [("X-Slack-Request-Timestamp", String(timestamp)), ("X-Slack-Signature", signature)] + extra)
        }
        let challenge = try await post(#"{"type":"url_verification","token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}"#)
        #expect(challenge.status == 200 && challenge.body == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
        let mention = #"{"type":"event_callback","team_id":"T1","event_id":"Ev1","authorizations":[{"user_id":"UBOT"}],"event":{"type":"app_mention","user":"U1","text":"<@UBOT> your app deleted my data","channel":"CPUBLIC","channel_type":"channel","ts":"1700000000.000100"}}"#
        #expect(try await post(mention).status == 200)
        #expect(try await post(mention, extra: [("X-Slack-Retry-Num", "1"), ("X-Slack-Retry-Reason", "http_timeout")]).status == 200)
        let sameMessageAsEvent = #"{"type":"event_callback","team_id":"T1","event_id":"Ev2","event":{"type":"message","user":"U1","text":"<@UBOT> your app deleted my data","channel":"CPUBLIC","channel_type":"channel","ts":"1700000000.000100"}}"#
        #expect(try await post(sameMessageAsEvent).status == 200)
        let dm = #"{"type":"event_callback","team_id":"T1","event_id":"Ev3","event":{"type":"message","user":"U2","text":"help, billing is wrong","channel":"D1","channel_type":"im","ts":"1700000001.000100"}}"#
        let dmFollowUp = #"{"type":"event_callback","team_id":"T1","event_id":"Ev4","event":{"type":"message","user":"U2","text":"still wrong","channel":"D1","channel_type":"im","ts":"1700000002.000100"}}"#
        let ownBot = #"{"type":"event_callback","team_id":"T1","event_id":"Ev5","authorizations":[{"user_id":"UBOT"}],"event":{"type":"message","user":"UBOT","text":"on it","channel":"D1","channel_type":"im","ts":"1700000003.000100"}}"#
        let otherBot = #"{"type":"event_callback","team_id":"T1","event_id":"Ev6","event":{"type":"message","bot_id":"B9","text":"deploy done","channel":"D1","channel_type":"im","ts":"1700000004.000100"}}"#
        for body in [dm, dmFollowUp, ownBot, otherBot] { #expect(try await post(body).status == 200) }

        let cases = (json(try await gw.request(.GET, "/v1/cases").body)["items"] as? [[String: Any]]) ?? []
        #expect(cases.count == 2)
        let publicCase = cases.first { $0["is_public"] as? Bool == true }
        let dmCase = cases.first { $0["is_public"] as? Bool == false }
        #expect(publicCase?["message_count"] as? Int == 1 && dmCase?["message_count"] as? Int == 2)

        // Forged, stale (replayed after 5 minutes) and unsigned requests are refused and store nothing.
        let stale = try await post(dm.replacingOccurrences(of: "Ev3", with: "Ev7").replacingOccurrences(of: "000100", with: "000999"), timestamp: Int(Date().timeIntervalSince1970) - 400)
        #expect(stale.status == 401 && stale.body.contains("5 minutes"))
        let forged = try await gw.request(.POST, "/v1/hooks/slack", json: dm, token: nil,
                                          headers: [("X-Slack-Request-Timestamp", String(Int(Date().timeIntervalSince1970))), ("X-Slack-Signature", "v0=" + String(repeating: "0", count: 64))])
        #expect(forged.status == 401 && !forged.body.contains(Self.slackSecret))
        #expect(try await gw.request(.POST, "/v1/hooks/slack", json: dm, token: nil).status == 401)
        #expect(((json(try await gw.request(.GET, "/v1/cases").body)["items"] as? [Any]) ?? []).count == 2)
        try await gw.stop()
    }

    @Test func telegramUpdatesAreDedupedByUpdateIDAndEditsAppend() async throws {
        let gw = try await Self.start()
        let secret = [("X-Telegram-Bot-Api-Secret-Token", Self.telegramSecret)]
        let message = #"{"update_id":1001,"message":{"message_id":5,"from":{"id":42,"is_bot":false,"first_name":"Ann","username":"ann_k"},"chat":{"id":42,"type":"private"},"date":1700000000,"text":"the courier lost my parcel"}}"#
        let edit = #"{"update_id":1002,"edited_message":{"message_id":5,"from":{"id":42,"is_bot":false,"first_name":"Ann"},"chat":{"id":42,"type":"private"},"date":1700000000,"text":"the courier lost my parcel AGAIN"}}"#
        #expect(try await gw.request(.POST, "/v1/hooks/telegram", json: message, token: nil, headers: secret).status == 200)
        #expect(try await gw.request(.POST, "/v1/hooks/telegram", json: message, token: nil, headers: secret).status == 200)
        #expect(try await gw.request(.POST, "/v1/hooks/telegram", json: edit, token: nil, headers: secret).status == 200)
        #expect(try await gw.request(.POST, "/v1/hooks/telegram", json: message, token: nil, headers: [("X-Telegram-Bot-Api-Secret-Token", "wrong")]).status == 401)
        let malformed = try await gw.request(.POST, "/v1/hooks/telegram", json: #"{"update_id":"#, token: nil, headers: secret)
        #expect(malformed.status == 400 && malformed.headers["Content-Type"].first == "application/problem+json")
        #expect(try await gw.request(.POST, "/v1/hooks/telegram", json: #"{"update_id":"not a number"}"#, token: nil, headers: secret).status == 200)
        let cases = (json(try await gw.request(.GET, "/v1/cases").body)["items"] as? [[String: Any]]) ?? []
        #expect(cases.count == 1 && cases.first?["message_count"] as? Int == 2)
        let detail = json(try await gw.request(.GET, "/v1/cases/C-1").body)
        #expect((detail["messages"] as? [[String: Any]])?.last?["flags"] as? [String] == ["edited"])
        // The authentic update of an unknown shape was kept, not dropped.
        #expect(((json(try await gw.request(.GET, "/v1/quarantine").body)["items"] as? [Any]) ?? []).count == 1)
        try await gw.stop()
    }

    @Test func vonageSMSSignedBySDKAndConcatenatedPartsJoin() async throws {
        let gw = try await Self.start()
        func post(_ body: String) async throws -> Int {
            try await gw.request(.POST, "/v1/hooks/vonage", json: body, token: nil, contentType: "application/x-www-form-urlencoded").status
        }
        let base = [("msisdn", "447700900123"), ("to", "447700900000"), ("type", "text"), ("concat", "true"), ("concat-ref", "7"), ("concat-total", "2")]
        #expect(try await post(try Self.vonageForm(base + [("messageId", "V2"), ("text", "arrived broken."), ("concat-part", "2")])) == 200)
        #expect(((json(try await gw.request(.GET, "/v1/cases").body)["items"] as? [Any]) ?? []).isEmpty)
        #expect(try await post(try Self.vonageForm(base + [("messageId", "V1"), ("text", "The parcel "), ("concat-part", "1")])) == 200)
        let detail = json(try await gw.request(.GET, "/v1/cases/C-1").body)
        #expect((detail["messages"] as? [[String: Any]])?.map { $0["body"] as? String } == ["The parcel arrived broken."])
        var forged = try Self.vonageForm([("msisdn", "447700900123"), ("messageId", "V3"), ("text", "hello")])
        forged = forged.replacingOccurrences(of: "hello", with: "refund")
        #expect(try await post(forged) == 401)
        try await gw.stop()
    }
}
