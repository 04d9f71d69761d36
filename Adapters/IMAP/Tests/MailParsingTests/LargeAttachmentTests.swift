import Foundation
import MailParsing
import Testing

/// A 25 MB attachment is measured by streaming, without holding decoded copies in memory.
@Suite struct LargeAttachmentTests {
    @Test func twentyFiveMegabyteAttachment() throws {
        let size = 25 * 1024 * 1024
        let raw: Data = {
            var payload = Data(count: size)
            payload.withUnsafeMutableBytes { buffer in
                var state: UInt32 = 2_463_534_242
                for index in 0..<buffer.count {  // xorshift: incompressible, deterministic
                    state ^= state << 13; state ^= state >> 17; state ^= state << 5
                    buffer[index] = UInt8(truncatingIfNeeded: state)
                }
            }
            var mail = Data("""
            From: a@example.com\r\nSubject: big\r\nContent-Type: multipart/mixed; boundary=L\r\n\r\n\
            --L\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n\
            --L\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=big.zip\r\n\
            Content-Transfer-Encoding: base64\r\n\r\n
            """.utf8)
            mail.append(payload.base64EncodedData(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]))
            mail.append(Data("\r\n--L--\r\n".utf8))
            return mail
        }()

        let before = MemoryProbe.resetPeak()
        let start = Date()
        let mail = try MailDecoder.decode(raw)
        let seconds = Date().timeIntervalSince(start)
        let peak = MemoryProbe.peakResidentBytes()

        #expect(mail.textBody == "see attachment")
        #expect(mail.attachments.count == 1)
        #expect(mail.attachments.first?.size == size)
        #expect(mail.attachments.first?.filename == "big.zip")

        let growth = peak.map { $0 - before } ?? 0
        print("25 MB attachment: raw \(raw.count) bytes, decoded in \(String(format: "%.2f", seconds)) s, "
            + "RSS before \(before / 1_048_576) MB, peak \((peak ?? 0) / 1_048_576) MB, "
            + "growth \(growth / 1_048_576) MB")
        // Bounded: well under one decoded copy (25 MB) of the attachment, let alone a copy of the raw mail.
        #expect(peak != nil, "no /proc/self/status: peak RSS not measurable here")
        #expect(growth < 16 * 1024 * 1024)

        // Control: the probe must see a 32 MB allocation, or the bound above proves nothing.
        let controlBefore = MemoryProbe.resetPeak()
        let control = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 * 1024 * 1024, alignment: 4096)
        defer { control.deallocate() }
        for offset in stride(from: 0, to: control.count, by: 4096) { control[offset] = 1 }
        let controlGrowth = (MemoryProbe.peakResidentBytes() ?? 0) - controlBefore
        print("memory probe control: 32 MB touched, peak growth \(controlGrowth / 1_048_576) MB")
        #expect(controlGrowth >= 30 * 1024 * 1024)
    }
}

/// Reads resident memory from /proc (Linux): current RSS, and the peak since the last reset.
enum MemoryProbe {
    /// Resets the kernel's peak-RSS mark to the current RSS and returns the current RSS in bytes.
    static func resetPeak() -> Int {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        return status("VmRSS") ?? 0
    }

    /// VmHWM: the peak RSS since the process started or the last reset.
    static func peakResidentBytes() -> Int? { status("VmHWM") }

    private static func status(_ field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let number = line.split(whereSeparator: { !$0.isNumber }).first.flatMap { Int($0) }
            return number.map { $0 * 1024 }
        }
        return nil
    }
}
