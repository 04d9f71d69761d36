import IntakeCore

/// What the urgency rules look at for one new message: the message, its contact and counts the caller took.
///
/// The rules do no I/O: the caller counts messages over the windows the rules name
/// (``UrgencyRules/repeatedContact`` and ``UrgencyRules/volume``), this message included.
public struct UrgencySignals: Sendable {
    public var message: InboundMessage
    /// The contact the message belongs to, when known (for the abusive flag and VIP identities).
    public var contact: Contact?
    /// Messages from this contact within `repeatedContact.window`, this one included.
    public var messagesFromContact: Int
    /// Messages across all channels within `volume.window`, this one included.
    public var messagesAcrossChannels: Int

    public init(message: InboundMessage, contact: Contact? = nil, messagesFromContact: Int = 1, messagesAcrossChannels: Int = 1) {
        self.message = message
        self.contact = contact
        self.messagesFromContact = messagesFromContact
        self.messagesAcrossChannels = messagesAcrossChannels
    }
}
