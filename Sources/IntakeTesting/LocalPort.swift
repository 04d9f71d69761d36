import Foundation

/// Ports on 127.0.0.1 for the servers tests start (Dovecot, PostgreSQL, `intake serve`).
public enum LocalPort {
    /// A port nothing is bound to now, below the kernel's ephemeral range.
    ///
    /// Below that range so that no outgoing connection takes it as its source port while the test runs: a
    /// gateway that is killed and restarted binds the same port again, and a random port in the ephemeral
    /// range could by then be a client connection's. Each candidate is checked by binding it; if none of 200
    /// binds (or the range leaves no room), the kernel picks one.
    public static func free() throws -> Int {
        let ephemeralStart = ephemeralRangeStart()
        if ephemeralStart > 12_000 {
            for _ in 0..<200 {
                let candidate = Int.random(in: 10_000..<ephemeralStart)
                if let port = try bind(candidate) { return port }
            }
        }
        guard let port = try bind(0) else { throw PeerUnavailable(description: "bind to a kernel-chosen port failed") }
        return port
    }

    /// The first port of `net.ipv4.ip_local_port_range` (Linux's default is 32768).
    static func ephemeralRangeStart() -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32768
    }

    /// Binds a TCP socket on 127.0.0.1 to `port` (0: the kernel's pick), closes it, and answers the port
    /// bound, or nil when it was taken.
    private static func bind(_ port: Int) throws -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PeerUnavailable(description: "socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}
