import Testing
@testable import IntakeCore

struct PhoneNumberTests {
    /// (input, default region, expected E.164). Numbers are from the regions' published example
    /// or drama ranges where they exist (Ofcom 020 7946 0xxx, NANP 555-01xx, ACMA 0491 570 xxx).
    static let normalized: [(String, String, String)] = [
        // Formatting, prefixes, international forms
        ("+1 (415) 867-5309", "GB", "+14158675309"),
        ("tel:+1-201-555-0123;ext=42", "US", "+12015550123"),
        ("TEL:+44.20.7946.0018", "US", "+442079460018"),
        ("whatsapp:+14155238886", "DE", "+14155238886"),
        ("  +44 (0)20 7946 0018 ", "US", "+442079460018"),
        ("+44 020 7946 0018", "US", "+442079460018"),
        ("0044 20 7946 0018", "FR", "+442079460018"),
        ("011 44 20 7946 0018", "US", "+442079460018"),
        ("0011 44 20 7946 0018", "AU", "+442079460018"),
        ("010-44-20-7946-0018", "JP", "+442079460018"),
        ("+52 1 55 1234 5678", "US", "+525512345678"),
        ("+86 138 0013 8000", "US", "+8613800138000"),
        ("+1\u{00A0}415\u{2013}867\u{2013}5309", "US", "+14158675309"),
        // NANP: trunk 1
        ("(415) 867-5309", "US", "+14158675309"),
        ("1 415 867 5309", "US", "+14158675309"),
        ("415.867.5309", "CA", "+14158675309"),
        ("1-613-555-0123", "ca", "+16135550123"),
        // Trunk 0 dropped
        ("020 7946 0018", "GB", "+442079460018"),
        ("07700 900123", "GB", "+447700900123"),
        ("030 1234567", "DE", "+49301234567"),
        ("0151 23456789", "DE", "+4915123456789"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("020-123 4567", "NL", "+31201234567"),
        ("02 123 45 67", "BE", "+3221234567"),
        ("0470 12 34 56", "BE", "+32470123456"),
        ("044 668 18 00", "CH", "+41446681800"),
        ("01 5123456", "AT", "+4315123456"),
        ("01 234 5678", "IE", "+35312345678"),
        ("0491 570 156", "AU", "+61491570156"),
        ("(02) 9876 5432", "AU", "+61298765432"),
        ("09 123 4567", "NZ", "+6491234567"),
        ("021 123 4567", "NZ", "+64211234567"),
        ("098765 43210", "IN", "+919876543210"),
        ("03-1234-5678", "JP", "+81312345678"),
        ("090-1234-5678", "JP", "+819012345678"),
        ("(11) 91234-5678", "BR", "+5511912345678"),
        ("011 2345 6789", "BR", "+551123456789"),
        ("021 123 4567", "ZA", "+27211234567"),
        ("08-123 456 78", "SE", "+46812345678"),
        ("09 1234 5678", "FI", "+358912345678"),
        // No trunk prefix
        ("06 1234 5678", "IT", "+390612345678"),
        ("+39 06 1234 5678", "US", "+390612345678"),
        ("312 345 6789", "IT", "+393123456789"),
        ("912 345 678", "ES", "+34912345678"),
        ("22 12 34 56", "NO", "+4722123456"),
        ("32 12 34 56", "DK", "+4532123456"),
        ("12 345 67 89", "PL", "+48123456789"),
        ("912 345 678", "PT", "+351912345678"),
        ("55 1234 5678", "MX", "+525512345678"),
        ("044 55 1234 5678", "MX", "+525512345678"),
        ("01 55 1234 5678", "MX", "+525512345678"),
    ]

    @Test func normalizesToE164() {
        var passed = 0
        for (raw, region, expected) in Self.normalized {
            let number = PhoneNumber(raw, defaultRegion: region)
            #expect(number?.e164 == expected, "\(raw) in \(region)")
            #expect(number?.isShortCode == false)
            if number?.e164 == expected { passed += 1 }
        }
        print("PhoneNumber: \(passed)/\(Self.normalized.count) normalizations as expected")
    }

    @Test(arguments: [
        ("", "US"), ("   ", "US"), ("+", "US"), ("abc", "US"), ("1-800-FLOWERS", "US"), ("bob@example.com", "US"),
        ("+44 20 7946 0018 x12", "GB"), ("4158675309+", "US"), ("+0 123 456 789", "US"),
        ("+1 415 867 530", "US"), ("+1 015 867 5309", "US"), ("(415) 067-5309", "US"), ("415 867 53091", "US"),
        ("020 7946 0018", "XX"), ("0207946", "GB"), ("+1234567", "US"), ("+1234567890123456", "US"),
        ("06 1234 567", "FR"), ("12", "US"), ("0123", "GB"), ("tel:", "US"), ("whatsapp:", "US"),
        ("00", "DE"), ("0 0", "DE"), ("+44 1", "GB"),
    ])
    func rejectsNonNumbers(_ raw: String, _ region: String) {
        #expect(PhoneNumber(raw, defaultRegion: region) == nil, "\(raw) in \(region)")
    }

    @Test func keepsShortCodesScopedToTheirRegion() throws {
        let us = try #require(PhoneNumber("72404", defaultRegion: "us"))
        #expect(us.isShortCode && us.e164 == "72404" && us.shortCodeRegion == "US")
        let gb = try #require(PhoneNumber("60060", defaultRegion: "GB"))
        #expect(gb.isShortCode && gb.shortCodeRegion == "GB")
        #expect(PhoneNumber("72404", defaultRegion: "GB") != us)
        #expect(PhoneNumber("911", defaultRegion: "US")?.isShortCode == true)
        // A short code is regional even for an unknown region; a full number never is.
        #expect(PhoneNumber("12345", defaultRegion: "XX")?.isShortCode == true)
        #expect(PhoneNumber("+14158675309", defaultRegion: "XX")?.shortCodeRegion == nil)
    }

    @Test func oneIdentityAcrossSpellings() {
        let spellings = ["+14158675309", "tel:+1-415-867-5309", "whatsapp:+14155238886", "(415) 867-5309", "001 415 867 5309"]
        let numbers = Set(spellings.compactMap { PhoneNumber($0, defaultRegion: "US") })
        #expect(numbers.count == 2) // the WhatsApp one is a different number
        #expect(PhoneNumber("+44 20 7946 0018", defaultRegion: "US") == PhoneNumber("020 7946 0018", defaultRegion: "GB"))
    }

    @Test func unknownCountryCodesKeepOnlyTheGeneralLengthRule() {
        #expect(PhoneNumber("+86 10 1234 5678", defaultRegion: "US")?.e164 == "+861012345678")
        #expect(PhoneNumber("+999 1234 5678 9012", defaultRegion: "US")?.e164 == "+999123456789012")
        #expect(PhoneNumber("+999 1234 5678 90123", defaultRegion: "US") == nil)
    }
}
