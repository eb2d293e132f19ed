import Foundation
import HTTP
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately dumb HTTP/1.1 client on a plain blocking socket, so end-to-end tests exercise the
/// server's own parser with exactly the bytes they choose (pipelining, partial writes, disconnects).
/// Every read is bounded by a timeout: a broken server fails a test, it never hangs the suite.
public final class RawHTTPClient {
    public struct Response: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: [UInt8]

        public func header(_ name: String) -> String? { headers[name] }

        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public enum ClientError: Error, CustomStringConvertible {
        case connect(Int32), timeout, closed, malformed(String)
        public var description: String {
            switch self {
            case .connect(let errno): "connect failed: errno \(errno)"
            case .timeout: "timed out waiting for the server"
            case .closed: "the server closed the connection"
            case .malformed(let why): "malformed response: \(why)"
            }
        }
    }

    private let fd: Int32
    private var buffer: [UInt8] = []

    public init(port: Int, timeout: Duration = .seconds(20)) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw ClientError.connect(code)
        }
        let (seconds, attoseconds) = timeout.components
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw ClientError.closed }
            offset += sent
        }
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Half-closes the write side, as a client does that has nothing more to say.
    public func shutdownWrite() { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }

    /// Reads one response (Content-Length or chunked body; HEAD responses have no body).
    public func readResponse(head: Bool = false) throws -> Response {
        let headerEnd = try readUntil([13, 10, 13, 10])
        let headerText = String(decoding: buffer[..<headerEnd], as: UTF8.self)
        buffer.removeFirst(headerEnd + 4)
        var lines = headerText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw ClientError.malformed(headerText) }
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var response = Response(status: status, headers: headers, body: [])
        if head || status == 100 || status == 204 || status == 304 { return response }
        if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            response.body = try readChunked()
        } else if let length = response.header("Content-Length").flatMap(Int.init) {
            try fill(length)
            response.body = Array(buffer[..<length])
            buffer.removeFirst(length)
        }
        return response
    }

    public func get(_ target: String) throws -> Response {
        try send(httpRequest("GET", target))
        return try readResponse()
    }

    /// Reads exactly `count` bytes.
    public func read(count: Int) throws -> [UInt8] {
        try fill(count)
        defer { buffer.removeFirst(count) }
        return Array(buffer[..<count])
    }

    /// Bytes received but not yet consumed by a read.
    public var unreadBytes: [UInt8] { buffer }

    /// True when the server closed the connection (after anything still unread); throws on timeout.
    public func isClosedByServer() throws -> Bool {
        do {
            try receiveMore()
        } catch ClientError.closed {
            return true
        }
        return false
    }

    private func readChunked() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let lineEnd = try readUntil([13, 10])
            let sizeText = String(decoding: buffer[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            buffer.removeFirst(lineEnd + 2)
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw ClientError.malformed("chunk size '\(sizeText)'")
            }
            if size == 0 {
                _ = try readUntil([13, 10])
                buffer.removeFirst(2)
                return body
            }
            try fill(size + 2)
            body += buffer[..<size]
            buffer.removeFirst(size + 2)
        }
    }

    private func readUntil(_ delimiter: [UInt8]) throws -> Int {
        var searchFrom = 0
        while true {
            if buffer.count >= delimiter.count {
                for index in searchFrom...(buffer.count - delimiter.count)
                where buffer[index..<(index + delimiter.count)].elementsEqual(delimiter) {
                    return index
                }
                searchFrom = buffer.count - delimiter.count + 1
            }
            try receiveMore()
        }
    }

    private func fill(_ count: Int) throws {
        while buffer.count < count { try receiveMore() }
    }

    private func receiveMore() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let received = recv(fd, &chunk, chunk.count, 0)
        if received == 0 { throw ClientError.closed }
        if received < 0 { throw errno == EAGAIN || errno == EWOULDBLOCK ? ClientError.timeout : ClientError.closed }
        buffer += chunk[..<received]
    }
}

/// Polls `condition` every 10 ms for up to `limit`: a bound on a broken server, never a timing assertion.
public func eventually(within limit: Duration = .seconds(5), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

/// Request bytes; POST and any request with a body get a Content-Length.
public func httpRequest(_ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []) -> [UInt8] {
    var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    for (name, value) in headers { text += "\(name): \(value)\r\n" }
    if !body.isEmpty || method == "POST" { text += "Content-Length: \(body.count)\r\n" }
    text += "\r\n"
    return Array(text.utf8) + body
}
