/// The parts of a Slack Events API envelope the adapter reads.
struct SlackEnvelope: Decodable {
    var type: String
    var challenge: String?
    var teamID: String?
    var eventID: String?
    var authorizations: [Authorization]?
    var event: SlackEvent?

    struct Authorization: Decodable {
        var userID: String?
        enum CodingKeys: String, CodingKey { case userID = "user_id" }
    }

    enum CodingKeys: String, CodingKey {
        case type, challenge, event, authorizations
        case teamID = "team_id"
        case eventID = "event_id"
    }
}

/// A `message` or `app_mention` event (and a `message_changed` edit's inner message).
struct SlackEvent: Decodable {
    var type: String
    var subtype: String?
    var user: String?
    var botID: String?
    var text: String?
    var channel: String?
    var channelType: String?
    var ts: String?
    var threadTS: String?
    var message: EditedMessage?

    struct EditedMessage: Decodable {
        var user: String?
        var text: String?
        var ts: String?
        var threadTS: String?
        var botID: String?
        enum CodingKeys: String, CodingKey {
            case user, text, ts
            case threadTS = "thread_ts"
            case botID = "bot_id"
        }
    }

    enum CodingKeys: String, CodingKey {
        case type, subtype, user, text, channel, ts, message
        case botID = "bot_id"
        case channelType = "channel_type"
        case threadTS = "thread_ts"
    }
}
