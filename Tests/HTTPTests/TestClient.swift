#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import HTTP

/// A blocking loopback client on plain sockets. Every read and write has a timeout, so a server bug
/// fails the test instead of hanging the suite.
final class TestClient {
    struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let fd: Int32
    private var pending: [UInt8] = []

    init(port: Int, timeoutSeconds: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw Failure(description: "connect failed: errno \(errno)")
        }
    }

    deinit { Glibc.close(fd) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            offset += n
        }
    }

    /// Reads more bytes; false on end of stream. Throws on timeout.
    private func fill() throws -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 { throw Failure(description: errno == EAGAIN ? "read timed out" : "recv failed: errno \(errno)") }
        if n == 0 { return false }
        pending += buffer[0..<n]
        return true
    }

    /// Reads exactly `count` bytes.
    func read(count: Int) throws -> [UInt8] {
        while pending.count < count {
            guard try fill() else { throw Failure(description: "connection closed after \(pending.count) of \(count) bytes") }
        }
        defer { pending.removeFirst(count) }
        return Array(pending[0..<count])
    }

    /// Reads one response; `bodyless` for answers to HEAD, whose Content-Length describes no bytes.
    func readResponse(bodyless: Bool = false) throws -> Response {
        var headEnd: Int?
        while true {
            if let end = pending.firstRange(of: Array("\r\n\r\n".utf8)) { headEnd = end.upperBound; break }
            guard try fill() else { throw Failure(description: "connection closed before a full response head") }
        }
        guard let headEnd else { throw Failure(description: "unreachable") }
        let head = String(decoding: pending[0..<(headEnd - 4)], as: UTF8.self)
        pending.removeFirst(headEnd)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0] == "HTTP/1.1", let status = Int(statusParts[1]) else {
            throw Failure(description: "bad status line '\(lines[0])'")
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            let pair = line.split(separator: ":", maxSplits: 1)
            headers.add(String(pair[0]), String(pair.count > 1 ? pair[1].drop { $0 == " " } : ""))
        }
        let length = bodyless ? 0 : Int(headers["Content-Length"] ?? "0") ?? 0
        return Response(status: status, headers: headers, body: try read(count: length))
    }

    /// True when the server closed the connection (after anything still unread).
    func isClosedByServer() throws -> Bool {
        while true {
            guard try fill() else { return true }
            if !pending.isEmpty { return false }
        }
    }

    var unreadBytes: [UInt8] { pending }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }
}

/// Polls `condition` up to `attempts` times, 10 ms apart; the bound keeps a broken server from hanging tests.
func eventually(attempts: Int = 500, _ condition: () -> Bool) -> Bool {
    for _ in 0..<attempts {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}
