import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for the adapter's tests: each path serves a programmable route
/// (status, headers, body, gzip, a delay, a stream larger than any cap), one thread per connection,
/// `Connection: close`. It records every request so tests can check what the adapter sent.
final class LocalFeedServer: Sendable {
    struct Route: Sendable {
        var status = 200
        var contentType = "application/rss+xml"
        var body = Data()
        var etag: String?
        var lastModified: String?
        /// Serve `Content-Encoding: gzip` when the client accepts it.
        var gzip = false
        var headers: [(String, String)] = []
        /// Wait this long before answering (a slow feed).
        var delay: Double = 0
        /// Stream this many bytes of filler without a Content-Length (an oversized feed).
        var streamBytes = 0
    }

    struct Request: Sendable {
        var path: String
        /// Lower-cased names.
        var headers: [String: String]
    }

    let port: UInt16
    private let listener: Int32
    private let routes = Mutex<[String: Route]>([:])
    private let log = Mutex<[Request]>([])
    /// Paths whose streamed body was written to the end.
    private let completed = Mutex<[String]>([])

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("socket failed") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { throw ServerError("bind/listen failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func set(_ path: String, _ route: Route) { routes.withLock { $0[path] = route } }
    func update(_ path: String, _ change: (inout Route) -> Void) {
        routes.withLock { routes in
            var route = routes[path] ?? Route()
            change(&route)
            routes[path] = route
        }
    }

    var requests: [Request] { log.withLock { $0 } }
    func requests(to path: String) -> [Request] { requests.filter { $0.path == path } }
    func completedStreams() -> [String] { completed.withLock { $0 } }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            Thread { [self] in serve(client) }.start()
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        var received = [UInt8]()
        while !received.containsHeaderEnd {
            let count = recv(client, &buffer, buffer.count, 0)
            if count <= 0 { return }
            received += buffer[0..<count]
        }
        let head = String(decoding: received, as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return }
        let path = String(requestLine[1])
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        log.withLock { $0.append(Request(path: path, headers: headers)) }
        guard let route = routes.withLock({ $0[path] }) else {
            send(client, head: "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", body: Data())
            return
        }
        if route.delay > 0 { Thread.sleep(forTimeInterval: route.delay) }
        if let etag = route.etag, headers["if-none-match"] == etag {
            send(client, head: "HTTP/1.1 304 Not Modified\r\nETag: \(etag)\r\nConnection: close\r\n\r\n", body: Data())
            return
        }
        if let modified = route.lastModified, route.etag == nil, headers["if-modified-since"] == modified {
            send(client, head: "HTTP/1.1 304 Not Modified\r\nLast-Modified: \(modified)\r\nConnection: close\r\n\r\n", body: Data())
            return
        }
        var head2 = "HTTP/1.1 \(route.status) \(route.status == 200 ? "OK" : "Status")\r\nContent-Type: \(route.contentType)\r\nConnection: close\r\n"
        if let etag = route.etag { head2 += "ETag: \(etag)\r\n" }
        if let modified = route.lastModified { head2 += "Last-Modified: \(modified)\r\n" }
        for (name, value) in route.headers { head2 += "\(name): \(value)\r\n" }
        if route.streamBytes > 0 {
            // No Content-Length: only the client's running count can stop this.
            guard send(client, head: head2 + "\r\n", body: Data()) else { return }
            let chunk = Data(repeating: UInt8(ascii: "x"), count: 64 * 1024)
            var sent = 0
            while sent < route.streamBytes {
                guard send(client, head: "", body: chunk) else { return }
                sent += chunk.count
            }
            completed.withLock { $0.append(path) }
            return
        }
        var body = route.body
        if route.gzip, headers["accept-encoding"]?.contains("gzip") == true {
            body = Gzip.stored(body)
            head2 += "Content-Encoding: gzip\r\n"
        }
        send(client, head: head2 + "Content-Length: \(body.count)\r\n\r\n", body: body)
    }

    @discardableResult
    private func send(_ client: Int32, head: String, body: Data) -> Bool {
        let bytes = Array(head.utf8) + Array(body)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    struct ServerError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

private extension Array where Element == UInt8 {
    var containsHeaderEnd: Bool {
        guard count >= 4 else { return false }
        for index in 0...(count - 4) where self[index] == 13 && self[index + 1] == 10 && self[index + 2] == 13 && self[index + 3] == 10 {
            return true
        }
        return false
    }
}

/// gzip with stored (uncompressed) deflate blocks: a valid stream any gzip decoder reads, written without zlib.
enum Gzip {
    static func stored(_ data: Data) -> Data {
        var out = Data([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff])
        let bytes = [UInt8](data)
        var offset = 0
        repeat {
            let length = min(65535, bytes.count - offset)
            let final: UInt8 = offset + length == bytes.count ? 1 : 0
            out.append(final)
            out.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8), UInt8(~length & 0xff), UInt8((~length >> 8) & 0xff)])
            out.append(contentsOf: bytes[offset..<(offset + length)])
            offset += length
        } while offset < bytes.count
        out.append(contentsOf: littleEndian(crc32(bytes)))
        out.append(contentsOf: littleEndian(UInt32(truncatingIfNeeded: bytes.count)))
        return out
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xff) } }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
