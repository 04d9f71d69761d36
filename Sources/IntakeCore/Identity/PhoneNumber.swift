/// A phone number in E.164 form (`+14158675309`), so one person's SMS, WhatsApp and voice
/// contacts resolve to one identity however each provider or person wrote the number.
///
/// Parsing is deliberately small (no libphonenumber): it removes formatting, `tel:` and
/// `whatsapp:` prefixes, reads `+`, `00` or the region's own international prefix, and otherwise
/// treats the input as a national number of `defaultRegion`, dropping that region's trunk prefix
/// (the `0` of `020 7946 0018`, the `1` of `1 415 867 5309`; Italy keeps its leading `0`).
/// It checks lengths (8-15 digits in all, the national length where the table knows it, and the
/// NANP area-code and exchange rules) but not whether a number is assigned.
///
/// Short codes: an input of 3-6 digits with no international prefix and no leading `0`
/// (`72404`, `60060`) is kept,
/// with ``isShortCode`` set, because providers do deliver SMS from short codes and a complaint
/// about one should still reach a case. Its ``e164`` is then the bare digits (not E.164, since
/// short codes have no country code) and ``shortCodeRegion`` tells whose short code it is, so
/// `72404` in the US and in GB are different numbers.
public struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    /// `+` and 8-15 digits; for a short code, its bare digits.
    public let e164: String
    public let isShortCode: Bool
    /// The upper-cased region a short code was read in; `nil` for every full number.
    public let shortCodeRegion: String?

    public var description: String {
        isShortCode ? "\(e164) (short code, \(shortCodeRegion ?? "?"))" : e164
    }

    /// Normalizes `raw`, reading national numbers as numbers of `defaultRegion` (ISO 3166 alpha-2,
    /// any case). Returns `nil` for anything that is not a plausible phone number, and for a
    /// national number whose region is not in the table.
    public init?(_ raw: String, defaultRegion: String) {
        let region = defaultRegion.uppercased()
        guard let (international, digits) = Self.clean(raw) else { return nil }
        let rule = Self.rules[region]

        if international {
            guard let number = Self.international(digits) else { return nil }
            self.init(e164: number)
            return
        }
        if let withoutIDD = (rule ?? RegionRule(countryCode: "")).stripInternationalPrefix(digits) {
            guard let number = Self.international(withoutIDD) else { return nil }
            self.init(e164: number)
            return
        }
        if (3...6).contains(digits.count), digits[0] != UInt8(ascii: "0") {
            self.init(e164: String(decoding: digits, as: UTF8.self), isShortCode: true, shortCodeRegion: region)
            return
        }
        guard let rule, let nsn = rule.nationalSignificantNumber(fromNational: digits) else { return nil }
        guard let number = Self.validated(countryCode: rule.countryCode, nsn: nsn, rule: rule) else { return nil }
        self.init(e164: number)
    }

    private init(e164: String, isShortCode: Bool = false, shortCodeRegion: String? = nil) {
        self.e164 = e164
        self.isShortCode = isShortCode
        self.shortCodeRegion = shortCodeRegion
    }

    // MARK: - Cleaning

    private static let separators: Set<Character> = [
        " ", "\u{00A0}", "\t", "-", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}",
        ".", "(", ")", "/",
    ]

    /// Strips prefixes and formatting. Returns whether the number was written with `+`, and its
    /// ASCII digits; `nil` when anything but digits and formatting is left.
    private static func clean(_ raw: String) -> (Bool, [UInt8])? {
        var text = Substring(raw.trimmingWhitespace())
        for scheme in ["tel:", "whatsapp:"] where text.lowercased().hasPrefix(scheme) {
            text = text.dropFirst(scheme.count)
            break
        }
        // RFC 3966 parameters (`;ext=12`, `;phone-context=...`) are not part of the number.
        if let semicolon = text.firstIndex(of: ";") { text = text[..<semicolon] }
        text = Substring(text.trimmingWhitespace())
        let international = text.hasPrefix("+")
        if international {
            text = text.dropFirst()
            // `+44 (0)20 ...`: the bracketed trunk zero is for national dialling only.
            text = text.removingFirst("(0)")
        }
        var digits: [UInt8] = []
        for character in text {
            if let ascii = character.asciiValue, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(ascii) {
                digits.append(ascii)
            } else if !separators.contains(character) {
                return nil
            }
        }
        return digits.isEmpty ? nil : (international, digits)
    }

    // MARK: - Validation

    /// `digits` = country code + national number, as read after `+` or an international prefix.
    private static func international(_ digits: [UInt8]) -> String? {
        guard let first = digits.first, first != UInt8(ascii: "0") else { return nil }
        guard let rule = rulesByCountryCode.first(where: { digits.starts(with: $0.countryCode.utf8) }) else {
            return validated(countryCode: "", nsn: digits, rule: nil)
        }
        var nsn = Array(digits.dropFirst(rule.countryCode.utf8.count))
        if let fixed = rule.nationalSignificantNumber(fromInternational: nsn) { nsn = fixed }
        return validated(countryCode: rule.countryCode, nsn: nsn, rule: rule)
    }

    private static func validated(countryCode: String, nsn: [UInt8], rule: RegionRule?) -> String? {
        let total = countryCode.utf8.count + nsn.count
        guard (8...15).contains(total) else { return nil }
        if let rule {
            if let length = rule.nationalLength, !length.contains(nsn.count) { return nil }
            if !rule.nationalMayStartWithZero, nsn.first == UInt8(ascii: "0") { return nil }
            if rule.countryCode == "1" {
                // NANP: NXX-NXX-XXXX, area code and exchange never start with 0 or 1.
                guard nsn[0] >= UInt8(ascii: "2"), nsn[3] >= UInt8(ascii: "2") else { return nil }
            }
        }
        return "+" + countryCode + String(decoding: nsn, as: UTF8.self)
    }
}

// MARK: - Region table

extension PhoneNumber {
    /// How one region writes its numbers nationally.
    struct RegionRule: Sendable {
        var countryCode: String
        /// Prefixes dialled before a national number inside the region, longest first.
        var trunkPrefixes: [String] = ["0"]
        /// International call prefixes besides `00`, which is accepted everywhere.
        var internationalPrefixes: [String] = []
        /// Length of the national significant number, where it is fixed enough to check.
        var nationalLength: ClosedRange<Int>? = nil
        /// Italy keeps the `0` of fixed-line numbers after `+39`; everyone else drops it.
        var nationalMayStartWithZero = false
        /// Digits that some people still write after the country code but that are not part of
        /// the number (Mexico's old mobile `1` after `+52`).
        var droppedAfterCountryCode: [String] = []

        func stripInternationalPrefix(_ digits: [UInt8]) -> [UInt8]? {
            for prefix in (internationalPrefixes + ["00"]).sorted(by: { $0.count > $1.count })
            where digits.starts(with: prefix.utf8) {
                return Array(digits.dropFirst(prefix.utf8.count))
            }
            return nil
        }

        func nationalSignificantNumber(fromNational digits: [UInt8]) -> [UInt8]? {
            for prefix in trunkPrefixes.sorted(by: { $0.count > $1.count }) where digits.starts(with: prefix.utf8) {
                let rest = Array(digits.dropFirst(prefix.utf8.count))
                if nationalLength?.contains(rest.count) ?? true { return rest }
            }
            return digits
        }

        /// Repairs `+44 020...` and `+52 1 55...`: drops a trunk `0` or an obsolete digit after
        /// the country code when the number is only valid without it.
        func nationalSignificantNumber(fromInternational nsn: [UInt8]) -> [UInt8]? {
            let fits = { (n: [UInt8]) in nationalLength?.contains(n.count) ?? true }
            if !nationalMayStartWithZero, nsn.first == UInt8(ascii: "0"), fits(Array(nsn.dropFirst())) {
                return Array(nsn.dropFirst())
            }
            for prefix in droppedAfterCountryCode where nsn.starts(with: prefix.utf8) && !fits(nsn) {
                let rest = Array(nsn.dropFirst(prefix.utf8.count))
                if fits(rest) { return rest }
            }
            return nil
        }
    }

    /// Region -> how it writes numbers. National lengths are those of the ITU-T E.164 national
    /// numbering plans, checked only where the plan fixes them to a narrow range.
    static let rules: [String: RegionRule] = {
        let nanp = RegionRule(countryCode: "1", trunkPrefixes: ["1"], internationalPrefixes: ["011"], nationalLength: 10...10)
        return [
            "US": nanp,
            "CA": nanp,
            "GB": RegionRule(countryCode: "44", nationalLength: 9...10),
            "DE": RegionRule(countryCode: "49", nationalLength: 6...13),
            "FR": RegionRule(countryCode: "33", nationalLength: 9...9),
            "IT": RegionRule(countryCode: "39", trunkPrefixes: [], nationalLength: 6...11, nationalMayStartWithZero: true),
            "ES": RegionRule(countryCode: "34", trunkPrefixes: [], nationalLength: 9...9),
            "NL": RegionRule(countryCode: "31", nationalLength: 9...9),
            "BE": RegionRule(countryCode: "32", nationalLength: 8...9),
            "CH": RegionRule(countryCode: "41", nationalLength: 9...9),
            "AT": RegionRule(countryCode: "43", nationalLength: 4...13),
            "IE": RegionRule(countryCode: "353", nationalLength: 7...9),
            "AU": RegionRule(countryCode: "61", internationalPrefixes: ["0011"], nationalLength: 9...9),
            "NZ": RegionRule(countryCode: "64", nationalLength: 8...10),
            "IN": RegionRule(countryCode: "91", nationalLength: 10...10),
            "JP": RegionRule(countryCode: "81", internationalPrefixes: ["010"], nationalLength: 9...10),
            "BR": RegionRule(countryCode: "55", nationalLength: 10...11),
            "MX": RegionRule(
                countryCode: "52", trunkPrefixes: ["044", "045", "01"], nationalLength: 10...10,
                droppedAfterCountryCode: ["1"]
            ),
            "ZA": RegionRule(countryCode: "27", nationalLength: 9...9),
            "SE": RegionRule(countryCode: "46", nationalLength: 7...9),
            "NO": RegionRule(countryCode: "47", trunkPrefixes: [], nationalLength: 8...8),
            "DK": RegionRule(countryCode: "45", trunkPrefixes: [], nationalLength: 8...8),
            "FI": RegionRule(countryCode: "358", nationalLength: 5...12),
            "PL": RegionRule(countryCode: "48", trunkPrefixes: [], nationalLength: 9...9),
            "PT": RegionRule(countryCode: "351", trunkPrefixes: [], nationalLength: 9...9),
        ]
    }()

    /// One rule per country code (US and CA share NANP's). Country codes are prefix-free, so at
    /// most one matches the start of an international number.
    static let rulesByCountryCode: [RegionRule] = {
        var seen = Set<String>()
        return rules.keys.sorted().compactMap { region in
            let rule = rules[region]!
            return seen.insert(rule.countryCode).inserted ? rule : nil
        }
    }()
}

private extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    func removingFirst(_ target: String) -> Substring {
        let text = Substring(self)
        var index = text.startIndex
        while index != text.endIndex {
            if text[index...].hasPrefix(target) {
                return text[..<index] + text[text.index(index, offsetBy: target.count)...]
            }
            index = text.index(after: index)
        }
        return text
    }
}
