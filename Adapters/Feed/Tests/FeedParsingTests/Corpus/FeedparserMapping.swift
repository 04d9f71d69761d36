import Foundation
@testable import FeedParsing

/// A value an `Expect:` expression can produce.
enum ExpectValue: Equatable {
    case text(String?)
    case integer(Int)
    case tuple([ExpectValue])
    case bool(Bool)

    var isTruthy: Bool {
        switch self {
        case .text(let text): !(text ?? "").isEmpty
        case .integer(let value): value != 0
        case .tuple(let items): !items.isEmpty
        case .bool(let value): value
        }
    }
}

/// Maps feedparser's result keys onto `ParsedFeed`/`FeedEntry` fields and evaluates
/// `ExpectExpression`s against one parse outcome.
///
/// feedparser keeps (sanitized) HTML in its string values while we keep plain text,
/// so a string comparison matches when our text equals the expected string or the
/// plain-text rendering of it (`'<p>a &lt;b&gt;</p>'` is `a <b>` to a reader).
/// Keys that are not in the table (links, rights, contributors, `*_detail.type`,
/// enclosures, source, ...) make the expression unsupported.
struct FeedparserMapping {
    let feed: ParsedFeed?

    typealias Unsupported = ExpectExpression.Unsupported

    func evaluate(_ expression: ExpectExpression) throws(Unsupported) -> ExpectValue {
        switch expression {
        case .and(let parts):
            // Evaluate every part (so unsupported parts are found), then combine.
            var result = true
            for part in parts where !(try evaluate(part).isTruthy) { result = false }
            return .bool(result)
        case .not(let inner):
            return .bool(!(try evaluate(inner).isTruthy))
        case .equal(var operands):
            if operands.contains(.path("version", [])) {
                operands = operands.map { operand in
                    if case .string(let name) = operand, let alias = Self.versionAliases[name] { .string(alias) } else { operand }
                }
            }
            let values = try operands.map { operand throws(Unsupported) in try evaluate(operand) }
            return .bool(zip(values, values.dropFirst()).allSatisfy(Self.matches))
        case .string(let value):
            return .text(value)
        case .integer(let value):
            return .integer(value)
        case .tuple(let items):
            return .tuple(try items.map { item throws(Unsupported) in try evaluate(item) })
        case .path(let name, let subscripts):
            return try lookup(name, subscripts)
        }
    }

    private static func matches(_ left: ExpectValue, _ right: ExpectValue) -> Bool {
        switch (left, right) {
        case (.text(let ours), .text(let expected)):
            let actual = ours ?? ""
            let wanted = (expected ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return actual == wanted || actual == HTMLText.plainText(fromHTML: wanted)
        default:
            return left == right
        }
    }

    private func lookup(_ name: String, _ subscripts: [ExpectExpression.Subscript]) throws(Unsupported) -> ExpectValue {
        switch name {
        case "bozo":
            guard subscripts.isEmpty else { throw Unsupported(description: "bozo[...]") }
            return .bool(feed == nil)
        case "version":
            guard subscripts.isEmpty else { throw Unsupported(description: "version[...]") }
            guard let feed else { return .text(nil) }
            return .text(Self.versionNames[feed.format])
        case "feed":
            guard let feed else { return .text(nil) }
            return try feedField(feed, subscripts)
        case "entries":
            guard case .index(let index)? = subscripts.first else { throw Unsupported(description: "entries without index") }
            guard let feed, index < feed.entries.count else { return .text(nil) }
            return try entryField(feed.entries[index], Array(subscripts.dropFirst()))
        default:
            throw Unsupported(description: "name \(name)")
        }
    }

    /// feedparser's `version` strings for our formats.
    private static let versionNames: [FeedFormat: String] = [
        .rss090: "rss090", .rss091: "rss091", .rss092: "rss092", .rss093: "rss093", .rss094: "rss094",
        .rss20: "rss20", .rss10: "rss10", .rssUnversioned: "rss", .atom03: "atom03", .atom10: "atom10",
    ]

    /// feedparser tells RSS 0.91 Netscape (`rss091n`) from UserLand (`rss091u`) by the
    /// DOCTYPE; `FeedFormat` has one `.rss091`, so both compare as `rss091`.
    private static let versionAliases = ["rss091n": "rss091", "rss091u": "rss091"]

    /// `key`, `key[i]`, `key.sub` rendered as `key`, `key[]`, `key.sub`, with the indexes.
    private func shape(_ subscripts: [ExpectExpression.Subscript]) -> (String, [Int]) {
        var parts: [String] = []
        var indexes: [Int] = []
        for step in subscripts {
            switch step {
            case .key(let key): parts.append(key)
            case .index(let index):
                indexes.append(index)
                if parts.isEmpty { parts.append("[]") } else { parts[parts.count - 1] += "[]" }
            }
        }
        return (parts.joined(separator: "."), indexes)
    }

    private func feedField(_ feed: ParsedFeed, _ subscripts: [ExpectExpression.Subscript]) throws(Unsupported) -> ExpectValue {
        let (key, indexes) = shape(subscripts)
        switch key {
        case "title", "title_detail.value": return .text(feed.title)
        case "subtitle", "subtitle_detail.value", "tagline", "tagline_detail.value", "description": return .text(feed.subtitle)
        case "link": return .text(feed.link)
        case "id", "guid": return .text(feed.id)
        case "updated_parsed", "modified_parsed": return Self.timeTuple(feed.updated)
        case "published_parsed", "issued_parsed": return Self.timeTuple(feed.published)
        default: return try personField(key, indexes, feed.authors)
        }
    }

    private func entryField(_ entry: FeedEntry, _ subscripts: [ExpectExpression.Subscript]) throws(Unsupported) -> ExpectValue {
        let (key, indexes) = shape(subscripts)
        switch key {
        case "title", "title_detail.value": return .text(entry.title)
        case "link": return .text(entry.link)
        case "id", "guid": return .text(entry.id)
        case "summary", "summary_detail.value", "description": return .text(entry.summaryText)
        case "content[].value" where indexes == [0]: return .text(entry.contentText)
        case "published_parsed", "issued_parsed": return Self.timeTuple(entry.published)
        case "updated_parsed", "modified_parsed": return Self.timeTuple(entry.updated)
        case "created_parsed": return Self.timeTuple(entry.created)
        case "category": return .text(entry.categories.first)
        case "tags[].term": return .text(indexes[0] < entry.categories.count ? entry.categories[indexes[0]] : nil)
        default: return try personField(key, indexes, entry.authors)
        }
    }

    private func personField(_ key: String, _ indexes: [Int], _ authors: [FeedPerson]) throws(Unsupported) -> ExpectValue {
        let person: FeedPerson?
        let field: String
        if key == "author" {
            // feedparser's display form: "Name (email)", else whichever part exists.
            guard let first = authors.first else { return .text(nil) }
            switch (first.name, first.email) {
            case (let name?, let email?): return .text("\(name) (\(email))")
            case (let name?, nil): return .text(name)
            case (nil, let email): return .text(email)
            }
        } else if key.hasPrefix("author_detail.") {
            person = authors.first
            field = String(key.dropFirst("author_detail.".count))
        } else if key.hasPrefix("authors[].") {
            person = indexes[0] < authors.count ? authors[indexes[0]] : nil
            field = String(key.dropFirst("authors[].".count))
        } else {
            throw Unsupported(description: "key \(key)")
        }
        switch field {
        case "name": return .text(person?.name)
        case "email": return .text(person?.email)
        case "href", "url": return .text(person?.uri)
        default: throw Unsupported(description: "person field \(field)")
        }
    }

    /// Python's `time.struct_time` in UTC: (year, month, day, hour, minute, second,
    /// weekday with Monday = 0, day of year, isdst = 0).
    static func timeTuple(_ date: Date?) -> ExpectValue {
        guard let date else { return .text(nil) }
        let calendar = FeedDate.utcCalendar
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let dayOfYear = calendar.ordinality(of: .day, in: .year, for: date) ?? 0
        let values = [c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, (c.weekday! + 5) % 7, dayOfYear, 0]
        return .tuple(values.map(ExpectValue.integer))
    }
}
