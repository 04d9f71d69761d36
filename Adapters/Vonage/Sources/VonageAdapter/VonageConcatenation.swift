import Foundation

/// Reassembles a long SMS that Vonage delivers as several inbound-message webhooks.
///
/// Each part carries `concat=true`, `concat-ref` (the sender's reference for the whole message),
/// `concat-total` and `concat-part` (1-based). Parts arrive in any order and may be retried, so
/// this collects them per sender, recipient and reference and yields the text once every part is
/// in. It is a plain value with no clock: the caller passes receive times and decides when an
/// incomplete message has waited long enough (``discardIncomplete(firstSeenBefore:)``).
///
/// The key includes the recipient (`to`) as well as `msisdn` and `concat-ref`: a sender's phone
/// picks references per message, not per recipient, so two of our numbers could see one reference.
public struct VonageConcatenation: Sendable {
    /// One webhook's share of a concatenated SMS.
    public struct Part: Sendable, Hashable {
        public var msisdn: String
        public var to: String
        public var reference: String
        public var total: Int
        public var number: Int
        public var text: String
        public var messageID: String?

        /// `nil` unless `1 <= number <= total <= 255` (a concatenation header holds one byte each).
        public init?(msisdn: String, to: String, reference: String, total: Int, number: Int, text: String, messageID: String? = nil) {
            guard (1...255).contains(total), (1...total).contains(number) else { return nil }
            self.msisdn = msisdn
            self.to = to
            self.reference = reference
            self.total = total
            self.number = number
            self.text = text
            self.messageID = messageID
        }

        /// The part described by an inbound-SMS webhook's decoded parameters, or `nil` when the
        /// message is not a concatenated one (`concat` is not `true`) or its concat fields are unusable.
        public init?(params: [String: String]) {
            guard params["concat"]?.lowercased() == "true",
                  let msisdn = params["msisdn"], let reference = params["concat-ref"],
                  let total = params["concat-total"].flatMap({ Int($0) }),
                  let number = params["concat-part"].flatMap({ Int($0) })
            else { return nil }
            self.init(
                msisdn: msisdn, to: params["to"] ?? "", reference: reference, total: total, number: number,
                text: params["text"] ?? "", messageID: params["messageId"]
            )
        }
    }

    /// A reassembled message: the parts' texts joined in part order.
    public struct Message: Sendable, Hashable {
        public var msisdn: String
        public var to: String
        public var reference: String
        public var text: String
        /// The parts' `messageId`s in part order (parts without one are left out).
        public var partMessageIDs: [String]
    }

    /// What adding one part led to.
    public enum Outcome: Sendable, Hashable {
        case complete(Message)
        /// Still waiting; `received` distinct parts of `total` are in.
        case pending(received: Int, total: Int)
    }

    private struct Key: Hashable, Sendable {
        var msisdn: String
        var to: String
        var reference: String
    }

    private struct Buffer: Sendable {
        var total: Int
        var firstSeen: Date
        var parts: [Int: Part]
    }

    private var buffers: [Key: Buffer] = [:]

    public init() {}

    /// Incomplete messages being held.
    public var pendingCount: Int { buffers.count }

    /// Adds a part. A repeated part number (a webhook retry) keeps the first copy. A part whose
    /// `total` differs from the parts held under the same key starts that message again: the
    /// sender reused the reference after an earlier message lost parts.
    public mutating func add(_ part: Part, receivedAt: Date) -> Outcome {
        let key = Key(msisdn: part.msisdn, to: part.to, reference: part.reference)
        var buffer = buffers[key] ?? Buffer(total: part.total, firstSeen: receivedAt, parts: [:])
        if buffer.total != part.total {
            buffer = Buffer(total: part.total, firstSeen: receivedAt, parts: [:])
        }
        if buffer.parts[part.number] == nil {
            buffer.parts[part.number] = part
        }
        guard buffer.parts.count == buffer.total else {
            buffers[key] = buffer
            return .pending(received: buffer.parts.count, total: buffer.total)
        }
        buffers[key] = nil
        let ordered = (1...buffer.total).compactMap { buffer.parts[$0] }
        return .complete(Message(
            msisdn: part.msisdn, to: part.to, reference: part.reference,
            text: ordered.map(\.text).joined(),
            partMessageIDs: ordered.compactMap(\.messageID)
        ))
    }

    /// Drops incomplete messages whose first part arrived before `cutoff` and returns their parts,
    /// in part order per message, so the caller can still record what did arrive.
    @discardableResult
    public mutating func discardIncomplete(firstSeenBefore cutoff: Date) -> [Part] {
        var dropped: [Part] = []
        for (key, buffer) in buffers where buffer.firstSeen < cutoff {
            dropped += buffer.parts.values.sorted { $0.number < $1.number }
            buffers[key] = nil
        }
        return dropped
    }
}
