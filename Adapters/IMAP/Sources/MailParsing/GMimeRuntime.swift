import CGMime

/// Process-wide GMime setup: `g_mime_init()` exactly once, before the first parse.
enum GMimeRuntime {
    // A static let is initialized lazily and thread-safely (swift_once).
    private static let initialized: Bool = {
        g_mime_init()
        return true
    }()

    static func ensureInitialized() {
        _ = initialized
    }
}

/// Collects GMime parser warnings for one parse; reached from C through an unretained pointer.
final class ParserWarningSink {
    private(set) var messages: [String] = []

    func record(offset: Int64, code: UInt32, item: String?) {
        var text = Self.describe(code)
        if offset >= 0 { text += " at byte \(offset)" }
        if let item = item?.trimmingWhitespace, !item.isEmpty { text += ": \(item.prefix(200))" }
        messages.append(text)
    }

    /// Installs the sink on `options`; the sink must outlive every use of `options`.
    func install(on options: OpaquePointer) {
        let callback: GMimeParserWarningFunc = { offset, code, item, userData in
            guard let userData else { return }
            let sink = Unmanaged<ParserWarningSink>.fromOpaque(userData).takeUnretainedValue()
            sink.record(offset: Int64(offset), code: code.rawValue, item: TextDecoding.string(fromC: item))
        }
        g_mime_parser_options_set_warning_callback(
            options, callback, Unmanaged.passUnretained(self).toOpaque())
    }

    static func describe(_ code: UInt32) -> String {
        switch code {
        case GMIME_WARN_DUPLICATED_HEADER.rawValue: return "duplicated header"
        case GMIME_WARN_DUPLICATED_PARAMETER.rawValue: return "duplicated header parameter"
        case GMIME_WARN_UNENCODED_8BIT_HEADER.rawValue: return "unencoded 8-bit header"
        case GMIME_WARN_INVALID_CONTENT_TYPE.rawValue: return "invalid content type"
        case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE.rawValue: return "invalid RFC 2047 header value"
        case GMIME_WARN_MALFORMED_MULTIPART.rawValue: return "malformed multipart"
        case GMIME_WARN_TRUNCATED_MESSAGE.rawValue: return "truncated message (missing end boundary)"
        case GMIME_WARN_MALFORMED_MESSAGE.rawValue: return "malformed message"
        case GMIME_CRIT_INVALID_HEADER_NAME.rawValue: return "invalid header name"
        case GMIME_CRIT_CONFLICTING_HEADER.rawValue: return "conflicting header"
        case GMIME_CRIT_CONFLICTING_PARAMETER.rawValue: return "conflicting header parameter"
        case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY.rawValue: return "multipart without boundary"
        case GMIME_WARN_INVALID_PARAMETER.rawValue: return "invalid header parameter"
        case GMIME_WARN_INVALID_ADDRESS_LIST.rawValue: return "invalid address list"
        case GMIME_CRIT_NESTING_OVERFLOW.rawValue: return "MIME nesting too deep"
        case GMIME_WARN_PART_WITHOUT_CONTENT.rawValue: return "part without content"
        case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT.rawValue: return "part without headers or content"
        default: return "parser warning \(code)"
        }
    }
}
