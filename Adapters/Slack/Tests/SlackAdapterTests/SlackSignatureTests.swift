import Foundation
import IntakeTesting
import Testing
@testable import SlackAdapter

/// Vectors: shared/corpora/signing/vectors.json (cases copied from python-slack-sdk's own tests).
/// Real peer: python-slack-sdk's `SignatureVerifier`, run through python3 (`pip install slack-sdk`).
struct SlackSignatureTests {
    @Test func everyCorpusCaseGetsItsExpectedVerdict() throws {
        let corpus = try SlackCorpus.load()
        #expect(corpus.cases.count >= 8)
        var passed = 0
        for c in corpus.cases {
            let verifier = try SlackSignature(signingSecret: c.secret)
            let verdict = verifier.verify(
                timestamp: c.timestamp, signature: c.signature, body: c.body.map { Data($0.utf8) },
                now: Date(timeIntervalSince1970: c.now)
            )
            #expect((verdict == .valid) == c.valid, "case \(c.id): \(verdict)")
            if (verdict == .valid) == c.valid { passed += 1 }
        }
        print("Slack vectors: \(passed)/\(corpus.cases.count) passed (\(corpus.cases.filter { !$0.valid }.count) forged, stale or incomplete cases rejected)")
        #expect(passed == corpus.cases.count)

        for secret in corpus.rejected_secrets.values {
            #expect(throws: SlackSignatureError.emptySecret) { try SlackSignature(signingSecret: secret ?? "") }
        }
    }

    @Test func verdictsNameTheReason() throws {
        let verifier = try SlackSignature(signingSecret: "8f742231b10e8888abcd99yyyzzz85a5")
        let body = Data("token=x".utf8)
        let now = Date(timeIntervalSince1970: 1_531_420_618)
        let good = verifier.signature(timestamp: "1531420618", body: body)
        #expect(verifier.verify(timestamp: "1531420618", signature: good, body: body, now: now) == .valid)
        #expect(verifier.verify(timestamp: nil, signature: good, body: body, now: now) == .missingTimestamp)
        #expect(verifier.verify(timestamp: "1531420618", signature: nil, body: body, now: now) == .missingSignature)
        #expect(verifier.verify(timestamp: "15314x0618", signature: good, body: body, now: now) == .malformedTimestamp)
        #expect(verifier.verify(timestamp: "1531420618", signature: good, body: body, now: now + 300) == .valid)
        #expect(verifier.verify(timestamp: "1531420618", signature: good, body: body, now: now - 300) == .valid)
        #expect(verifier.verify(timestamp: "1531420618", signature: good, body: body, now: now + 300.5) == .stale)
        #expect(verifier.verify(timestamp: "1531420618", signature: good, body: body, now: now - 301) == .stale)
        #expect(verifier.verify(timestamp: "1531420618", signature: good.uppercased(), body: body, now: now) == .mismatch)
        #expect(verifier.verify(timestamp: "1531420618", signature: "", body: body, now: now) == .mismatch)
        // A nil body is signed as the empty one.
        #expect(verifier.signature(timestamp: "1", body: nil) == verifier.signature(timestamp: "1", body: Data()))
    }

    @Test func emptyAndBlankSecretsAreRefusedWithoutEchoingThem() {
        for secret in ["", " ", "\t\n"] {
            #expect(throws: SlackSignatureError.emptySecret) { try SlackSignature(signingSecret: secret) }
        }
        #expect(!SlackSignatureError.emptySecret.description.isEmpty)
    }

    /// Random requests signed by python-slack-sdk; every verdict of ours must equal
    /// `SignatureVerifier.is_valid` with the same clock (genuine, skewed, tampered).
    @Test func agreesWithSlackPythonSDK() throws {
        let seed = UInt32.random(in: 0...UInt32.max)
        let output = try TestPeers.python(slackScript, arguments: [String(seed)], modules: "slack-sdk")
        let checks = try JSONDecoder().decode([SDKCheck].self, from: output)
        var agreed = 0
        for check in checks {
            let verifier = try SlackSignature(signingSecret: check.secret)
            let body = Data(check.body.utf8)
            if let sdkSignature = check.sdk_signature {
                #expect(verifier.signature(timestamp: check.timestamp, body: body) == sdkSignature, "seed \(seed) \(check.label)")
            }
            let ours = verifier.verify(timestamp: check.timestamp, signature: check.signature, body: body, now: Date(timeIntervalSince1970: check.now))
            #expect((ours == .valid) == check.expected, "seed \(seed) \(check.label): \(ours)")
            if (ours == .valid) == check.expected { agreed += 1 }
        }
        print("Slack SDK cross-check (seed \(seed)): \(agreed)/\(checks.count) verdicts agree with slack_sdk")
        #expect(checks.filter(\.expected).count >= 50)
        #expect(checks.filter { !$0.expected }.count >= 50)
    }
}

private struct SDKCheck: Decodable {
    var label: String
    var secret: String
    var timestamp: String
    var body: String
    var signature: String
    var sdk_signature: String?
    var now: Double
    var expected: Bool
}

private let slackScript = #"""
import json, random, sys
from slack_sdk.signature import SignatureVerifier

rng = random.Random(int(sys.argv[1]))

class FixedClock:
    def __init__(self, t): self.t = t
    def now(self): return self.t

checks = []
for i in range(60):
    secret = "".join(rng.choice("0123456789abcdefxyz") for _ in range(32))
    ts = str(rng.randint(1_500_000_000, 1_900_000_000))
    body = "".join(rng.choice("abc=&%+ \u00e9\u20ac\U0001F600\n{}\"") for _ in range(rng.randint(0, 200)))
    sig = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    for label, b, s, skew in [
        ("genuine", body, sig, 0),
        ("skewed", body, sig, rng.choice([-301, -300.5, -300, -1, 1, 299.5, 300, 300.25, 301])),
        ("tampered-body", body + "x", sig, 0),
        ("tampered-sig", body, sig[:-1] + ("0" if sig[-1] != "0" else "1"), 0),
        ("other-secret", body, SignatureVerifier(secret + "z").generate_signature(timestamp=ts, body=body), 0),
    ]:
        now = int(ts) + skew
        expected = SignatureVerifier(secret, clock=FixedClock(now)).is_valid(body=b, timestamp=ts, signature=s)
        checks.append(dict(label=label, secret=secret, timestamp=ts, body=b, signature=s,
                           sdk_signature=sig if label == "genuine" else None, now=now, expected=expected))
print(json.dumps(checks))
"""#

// MARK: - Corpus cases

private struct SlackCase: Decodable {
    var id: String
    var secret: String
    var timestamp: String?
    var now: Double
    var body: String?
    var signature: String?
    var valid: Bool
}

private struct SlackCorpus: Decodable {
    struct Rejected: Decodable { var values: [String?] }
    var cases: [SlackCase]
    var rejected_secrets: Rejected

    static func load() throws -> SlackCorpus {
        struct File: Decodable { var slack: SlackCorpus }
        let url = try TestPeers.sharedCorpora().appendingPathComponent("signing/vectors.json")
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).slack
    }
}

