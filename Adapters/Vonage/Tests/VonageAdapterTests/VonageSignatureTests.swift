import Foundation
import IntakeTesting
import Testing
@testable import VonageAdapter

/// Upstream vectors: Vonage/vonage-php-sdk-core `test/Client/SignatureTest.php` (inbound-SMS
/// webhooks signed with every method, HMAC hex upper-case as that SDK sends it; the md5hash ones
/// include real inbound messages with `nonce`, `keyword` and a text holding `&` and `=`), and the
/// md5hash vector shared by vonage-python-sdk (`test_check_signature`) and vonage-ruby-sdk.
/// (vonage-ruby-sdk's `test/nexmo/signature_test.rb` also lists HMAC values for a=1,b=2; they come
/// from an early, since-replaced implementation that hashed rather than HMAC'd, and no current SDK
/// reproduces them, so they are not used.)
/// Real peer: the `vonage` PyPI package (`vonage_http_client.Auth.sign_params` / `check_signature`)
/// for the HMAC methods; for `md5hash`, which that SDK no longer offers, Python's hashlib applying
/// the documented rule.
struct VonageSignatureTests {
    struct Vector {
        var method: VonageSignature.Method
        var secret: String
        var params: [(String, String)]
        var sig: String
    }

    static let inbound2013: [(String, String)] = [
        ("message-timestamp", "2013-11-21 15:27:30"), ("messageId", "020000001B0FE827"), ("msisdn", "14843472194"),
        ("text", "Test again"), ("timestamp", "1385047698"), ("to", "13239877404"), ("type", "text"),
    ]
    static let testSecret = "my_secret_key_for_testing"
    static let upstream: [Vector] = [
        Vector(method: .md5hash, secret: testSecret, params: inbound2013, sig: "d2e7b1dc968737c5998ad624e02f90b7"),
        Vector(method: .md5, secret: testSecret, params: inbound2013, sig: "DDEBD46008C2D4E93CCE578A332A52D5"),
        Vector(method: .sha1, secret: testSecret, params: inbound2013, sig: "27D0D05C2876C7CB1720DBCDBA4D492E1E55C09A"),
        Vector(method: .sha256, secret: testSecret, params: inbound2013, sig: "DDB8397C2B90AAC7F3882D306475C9A5058C92322EEF43C92B298B6E0FC0D330"),
        Vector(method: .sha512, secret: testSecret, params: inbound2013, sig: "E0D3C650F8C9D1A5C174D10DDDBFB003E561F59B265616208B0487C5D819481CD3C311D59CF6165ECD1139622D5BA3A256C0D763AC4A9AD9144B5A426B94FE82"),
        Vector(method: .md5hash, secret: testSecret, params: [
            ("message-timestamp", "2013-11-21 17:37:31"), ("messageId", "030000002A267DBB"), ("msisdn", "14843472194"),
            ("text", "One more time"), ("timestamp", "1385055451"), ("to", "14849970568"), ("type", "text"),
        ], sig: "83c052a82906ec7c116e16f6d92f7eee"),
        Vector(method: .md5hash, secret: testSecret, params: [
            ("keyword", "TESTINGS"), ("message-timestamp", "2017-04-04 23:05:22"), ("messageId", "0C00000027217D5B"),
            ("msisdn", "14843472194"), ("nonce", "c4ab6ed2-9bf5-48a0-af91-107e29bdd399"), ("text", "Testings"),
            ("timestamp", "1491347122"), ("to", "12192259404"), ("type", "text"),
        ], sig: "ff933bf31c79ab3fc6a38d100191c48f"),
        Vector(method: .md5hash, secret: testSecret, params: [
            ("keyword", "TEST"), ("message-timestamp", "2017-04-04 22:57:47"), ("messageId", "0B00000042AC53BD"),
            ("msisdn", "14843472194"), ("nonce", "929d6744-bd28-42c8-b6cf-31d5b4f43732"), ("text", "Test with & and ="),
            ("timestamp", "1491346667"), ("to", "12192259404"), ("type", "text"),
        ], sig: "e06d9763e3fd0b9c31beb5fc2fcb011c"),
        Vector(method: .md5hash, secret: testSecret, params: [
            ("api_key", "not_a_key"), ("from", "12192259404"), ("text", "Test&test=something"),
            ("timestamp", "1490638615"), ("to", "14843472194"),
        ], sig: "17f5e3b22f778ec73464c01d180e9d0f"),
        Vector(method: .md5, secret: "71efab63122f1d179f51c46bac838fb5", params: [
            ("api_key", "fake_api_key"), ("to", "14155550100"), ("from", "AcmeInc"), ("text", "Test From Nexmo"),
            ("type", "text"), ("timestamp", "1540924779"),
        ], sig: "51CDAFEBB4BBCE9525B195C1617CB8D2"),
        Vector(method: .sha512, secret: "71efab63122f1d179f51c46bac838fb5", params: [
            ("api_key", "fake_api_key"), ("to", "14155550100"), ("from", "AcmeInc"), ("text", "Test From Nexmo"),
            ("type", "text"), ("timestamp", "1540924779"),
        ], sig: "40BD12B9A4B6000AD1138EEFD24FFE9FBD72AEE13C3FA04B32BB69DBC256AD0A04A463B1A9AF6660D10F6E1E769EE14B9CFF6A635502E93AFCD0BFAB29F38F87"),
        Vector(method: .md5hash, secret: "secret", params: [("a", "1"), ("b", "2"), ("timestamp", "1461605396")],
               sig: "6af838ef94998832dbfc29020b564830"),
    ]
    static let signedAt = Date(timeIntervalSince1970: 1_461_605_396)

    @Test func upstreamVectorsForEveryMethod() throws {
        var passed = 0
        for v in Self.upstream {
            let verifier = try VonageSignature(signatureSecret: v.secret, method: v.method)
            let timestamp = try #require(v.params.first { $0.0 == "timestamp" }.flatMap { Double($0.1) })
            let signedAt = Date(timeIntervalSince1970: timestamp)
            #expect(verifier.signature(params: Dictionary(uniqueKeysWithValues: v.params)) == v.sig.lowercased(), "\(v.method) \(v.sig)")
            let verdict = verifier.verify(params: v.params + [("sig", v.sig)], now: signedAt)
            #expect(verdict == .valid, "\(v.method) \(v.sig)")
            // Vonage's SDKs lower-case the received sig before comparing.
            #expect(verifier.verify(params: v.params + [("sig", v.sig.lowercased())], now: signedAt) == .valid)
            // Change the first signed value that is not the timestamp.
            let target = try #require(v.params.first { $0.0 != "timestamp" }?.0)
            let forgedParams = v.params.map { $0.0 == target ? ($0.0, $0.1 + "!") : $0 }
            let forged = verifier.verify(params: forgedParams + [("sig", v.sig)], now: signedAt)
            #expect(forged == .mismatch, "\(v.method) \(v.sig)")
            let otherMethod = try VonageSignature(signatureSecret: v.secret, method: v.method == .md5hash ? .md5 : .md5hash)
            #expect(otherMethod.verify(params: v.params + [("sig", v.sig)], now: signedAt) == .mismatch)
            #expect(verifier.verify(params: v.params + [("sig", v.sig)], now: signedAt + 301) == .stale)
            if verdict == .valid, forged == .mismatch { passed += 1 }
        }
        let methods = Set(Self.upstream.map(\.method))
        print("Vonage vectors: \(passed)/\(Self.upstream.count) passed, methods \(methods.map(\.rawValue).sorted()) (forged, stale and wrong-method copies rejected)")
        #expect(passed == Self.upstream.count)
        #expect(methods.count == VonageSignature.Method.allCases.count)
    }

    @Test func verdictsNameTheReason() throws {
        let verifier = try VonageSignature(signatureSecret: "secret", method: .sha256)
        var params = ["msisdn": "447700900001", "to": "447700900000", "text": "a&b=c", "timestamp": "1461605396", "nonce": "n1"]
        params["sig"] = verifier.signature(params: params)
        let pairs = params.map { ($0.key, $0.value) }
        #expect(verifier.verify(params: pairs, now: Self.signedAt) == .valid)
        #expect(verifier.verify(params: pairs, now: Self.signedAt + 300) == .valid)
        #expect(verifier.verify(params: pairs, now: Self.signedAt - 300) == .valid)
        #expect(verifier.verify(params: pairs, now: Self.signedAt + 301) == .stale)
        #expect(verifier.verify(params: pairs, now: Self.signedAt - 301) == .stale)
        #expect(verifier.verify(params: pairs.filter { $0.0 != "sig" }, now: Self.signedAt) == .missingSignature)
        #expect(verifier.verify(params: pairs.filter { $0.0 != "timestamp" }, now: Self.signedAt) == .missingTimestamp)
        #expect(verifier.verify(params: pairs + [("to", "447700900000")], now: Self.signedAt) == .duplicateParameter)
        let badTime = pairs.map { $0.0 == "timestamp" ? ($0.0, "soon") : $0 }
        #expect(verifier.verify(params: badTime, now: Self.signedAt) == .malformedTimestamp)
        // `&` and `=` become `_` before signing, so they are indistinguishable from `_` (as upstream).
        let underscored = pairs.map { $0.0 == "text" ? ($0.0, "a_b_c") : $0 }
        #expect(verifier.verify(params: underscored, now: Self.signedAt) == .valid)
        let changed = pairs.map { $0.0 == "text" ? ($0.0, "a&b=d") : $0 }
        #expect(verifier.verify(params: changed, now: Self.signedAt) == .mismatch)
    }

    @Test func blankSecretsAreRefused() {
        for secret in ["", "  "] {
            #expect(throws: VonageSignatureError.emptySecret) { try VonageSignature(signatureSecret: secret) }
        }
    }

    /// Random parameter sets signed by the `vonage` SDK (HMAC methods) and by hashlib with the
    /// documented md5hash rule; our signature must equal theirs and `check_signature`'s verdict on
    /// genuine and tampered copies must equal ours.
    @Test func agreesWithVonagePythonSDK() throws {
        let seed = UInt32.random(in: 0...UInt32.max)
        let output = try TestPeers.python(vonageScript, arguments: [String(seed)], modules: "vonage")
        let checks = try JSONDecoder().decode([SDKCheck].self, from: output)
        var agreed = 0
        for check in checks {
            let method = try #require(VonageSignature.Method(rawValue: check.method))
            let verifier = try VonageSignature(signatureSecret: check.secret, method: method)
            let pairs = check.params.map { ($0[0], $0[1]) }
            if let sdkSignature = check.sdk_signature {
                let unsigned = Dictionary(uniqueKeysWithValues: pairs.filter { $0.0 != "sig" })
                #expect(verifier.signature(params: unsigned) == sdkSignature, "seed \(seed) \(check.label) \(check.method)")
            }
            let timestamp = try #require(pairs.first { $0.0 == "timestamp" }.flatMap { Double($0.1) })
            let ours = verifier.verify(params: pairs, now: Date(timeIntervalSince1970: timestamp))
            #expect((ours == .valid) == check.expected, "seed \(seed) \(check.label) \(check.method): \(ours)")
            if (ours == .valid) == check.expected { agreed += 1 }
        }
        let byPeer = Dictionary(grouping: checks, by: \.peer).mapValues(\.count)
        print("Vonage SDK cross-check (seed \(seed)): \(agreed)/\(checks.count) verdicts agree (\(byPeer))")
        #expect(checks.filter(\.expected).count >= 50)
        #expect(checks.filter { !$0.expected }.count >= 50)
        #expect(byPeer["vonage-sdk", default: 0] > 0 && byPeer["hashlib-md5hash", default: 0] > 0)
    }
}

struct VonageConcatenationTests {
    private func part(_ n: Int, of total: Int, _ text: String, ref: String = "0A", from: String = "447700900001") -> VonageConcatenation.Part {
        VonageConcatenation.Part(msisdn: from, to: "447700900000", reference: ref, total: total, number: n, text: text, messageID: "m\(n)")!
    }

    @Test func joinsPartsArrivingInAnyOrder() {
        let texts = ["The bus was ", "late again ", "and the driver ", "was rude."]
        for order in [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]] {
            var assembler = VonageConcatenation()
            var outcomes: [VonageConcatenation.Outcome] = []
            for i in order { outcomes.append(assembler.add(part(i + 1, of: 4, texts[i]), receivedAt: .init(timeIntervalSince1970: 0))) }
            #expect(outcomes.dropLast() == [.pending(received: 1, total: 4), .pending(received: 2, total: 4), .pending(received: 3, total: 4)])
            guard case .complete(let message) = outcomes.last else {
                Issue.record("not complete for order \(order)")
                continue
            }
            #expect(message.text == texts.joined())
            #expect(message.partMessageIDs == ["m1", "m2", "m3", "m4"])
            #expect(assembler.pendingCount == 0)
        }
    }

    @Test func retriesDoNotCountTwiceAndKeysDoNotMix() {
        var assembler = VonageConcatenation()
        let t = Date(timeIntervalSince1970: 0)
        #expect(assembler.add(part(1, of: 2, "A1"), receivedAt: t) == .pending(received: 1, total: 2))
        #expect(assembler.add(part(1, of: 2, "A1"), receivedAt: t) == .pending(received: 1, total: 2))
        #expect(assembler.add(part(2, of: 2, "B2", ref: "0B"), receivedAt: t) == .pending(received: 1, total: 2))
        #expect(assembler.add(part(2, of: 2, "C2", from: "15550000000"), receivedAt: t) == .pending(received: 1, total: 2))
        #expect(assembler.pendingCount == 3)
        guard case .complete(let message) = assembler.add(part(2, of: 2, "A2"), receivedAt: t) else {
            Issue.record("expected completion")
            return
        }
        #expect(message.text == "A1A2")
        #expect(assembler.pendingCount == 2)
    }

    @Test func staleIncompleteMessagesAreHandedBack() {
        var assembler = VonageConcatenation()
        _ = assembler.add(part(2, of: 3, "old"), receivedAt: Date(timeIntervalSince1970: 0))
        _ = assembler.add(part(1, of: 2, "new", ref: "0C"), receivedAt: Date(timeIntervalSince1970: 100))
        let dropped = assembler.discardIncomplete(firstSeenBefore: Date(timeIntervalSince1970: 50))
        #expect(dropped.map(\.text) == ["old"])
        #expect(assembler.pendingCount == 1)
    }

    @Test func readsWebhookParameters() {
        let params = ["concat": "true", "concat-ref": "08B5", "concat-total": "3", "concat-part": "2",
                      "msisdn": "447700900001", "to": "447700900000", "text": "middle", "messageId": "0A0000000123ABCD1"]
        let parsed = VonageConcatenation.Part(params: params)
        #expect(parsed?.number == 2 && parsed?.total == 3 && parsed?.reference == "08B5" && parsed?.text == "middle")
        #expect(VonageConcatenation.Part(params: params.merging(["concat": "false"]) { $1 }) == nil)
        #expect(VonageConcatenation.Part(params: params.merging(["concat-part": "4"]) { $1 }) == nil)
        #expect(VonageConcatenation.Part(params: params.merging(["concat-part": "0"]) { $1 }) == nil)
        #expect(VonageConcatenation.Part(params: params.merging(["concat-total": "x"]) { $1 }) == nil)
    }
}

private struct SDKCheck: Decodable {
    var label: String
    var peer: String
    var method: String
    var secret: String
    var params: [[String]]
    var sdk_signature: String?
    var expected: Bool
}

private let vonageScript = #"""
import hashlib, hmac, json, random, sys
from vonage_http_client.auth import Auth

rng = random.Random(int(sys.argv[1]))
ALPHABET = "abcXYZ019 &=+_-\u00e9\u20ac\U0001F600"

def text(n=12):
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, n)))

def md5hash(secret, params):  # the documented default: MD5 of the &key=value string + secret
    h = hashlib.md5()
    for key in sorted(params):
        h.update(f"&{key}={params[key].replace('&', '_').replace('=', '_')}".encode())
    h.update(secret.encode())
    return h.hexdigest()

checks = []
for i in range(80):
    method = rng.choice(["md5hash", "md5", "sha1", "sha256", "sha512"])
    secret = "".join(rng.choice("0123456789abcdefABCDEF") for _ in range(32))
    params = {"msisdn": str(rng.randint(10**10, 10**12)), "to": "447700900000", "messageId": text(8) or "m",
              "text": text(40), "type": "text", "keyword": text(6), "nonce": text(10),
              "timestamp": str(rng.randint(1_500_000_000, 1_900_000_000))}
    if method == "md5hash":
        peer = "hashlib-md5hash"
        sign = lambda p: md5hash(secret, p)
        check = lambda p: hmac.compare_digest(p.get("sig", "").lower(), md5hash(secret, {k: v for k, v in p.items() if k != "sig"}))
    else:
        peer = "vonage-sdk"
        auth = Auth(api_key="key", signature_secret=secret, signature_method=method)
        sign = lambda p: auth.sign_params(dict(p))
        check = lambda p: auth.check_signature(dict(p))
    sig = sign(params)
    tampered = dict(params, text=params["text"] + "!")
    for label, p in [("genuine", dict(params, sig=sig)), ("upper-case-sig", dict(params, sig=sig.upper())),
                     ("tampered-text", dict(tampered, sig=sig)), ("truncated-sig", dict(params, sig=sig[:-1])),
                     ("other-secret", dict(params, sig=hmac.new(b"x" + secret.encode(), b"", hashlib.md5).hexdigest()))]:
        checks.append(dict(label=label, peer=peer, method=method, secret=secret, params=[[k, v] for k, v in p.items()],
                           sdk_signature=sig if label == "genuine" else None, expected=bool(check(p))))
print(json.dumps(checks))
"""#
