/// The parts of a Telegram Bot API `Update` the adapter reads.
struct TelegramUpdate: Decodable {
    var updateID: Int64
    var message: TelegramMessage?
    var editedMessage: TelegramMessage?

    enum CodingKeys: String, CodingKey {
        case message
        case updateID = "update_id"
        case editedMessage = "edited_message"
    }
}

/// A Telegram `Message`.
struct TelegramMessage: Decodable {
    var messageID: Int64
    var from: User?
    var chat: Chat
    var date: Int64?
    var text: String?
    var caption: String?
    var replyTo: Reply?

    struct User: Decodable {
        var id: Int64
        var isBot: Bool?
        var firstName: String?
        var lastName: String?
        var username: String?
        enum CodingKeys: String, CodingKey {
            case id, username
            case isBot = "is_bot"
            case firstName = "first_name"
            case lastName = "last_name"
        }
    }

    struct Chat: Decodable {
        var id: Int64
        var type: String
    }

    struct Reply: Decodable {
        var messageID: Int64
        enum CodingKeys: String, CodingKey { case messageID = "message_id" }
    }

    enum CodingKeys: String, CodingKey {
        case from, chat, date, text, caption
        case messageID = "message_id"
        case replyTo = "reply_to_message"
    }
}
