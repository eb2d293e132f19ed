#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A freshly accepted connection and who is on the other end ("ip:port").
struct AcceptedSocket: ~Copyable {
    var socket: Socket
    var remoteAddress: String
}

extension Socket {
    /// A non-blocking listening socket on a numeric IPv4/IPv6 host (or "localhost"); port 0 picks a free one.
    static func listen(host: String, port: Int, backlog: Int32) throws(SocketError) -> Socket {
        guard (0...65535).contains(port) else { throw SocketError("bind to port \(port)", code: EINVAL) }
        let name = host == "localhost" ? "127.0.0.1" : host
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET, name, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = in_port_t(UInt16(port).bigEndian)
            #if canImport(Darwin)
            v4.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
            #endif
            let socket = try makeStreamSocket(family: AF_INET)
            try socket.bindAndListen(&v4, backlog: backlog)
            return socket
        }
        if inet_pton(AF_INET6, name, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(port).bigEndian)
            #if canImport(Darwin)
            v6.sin6_len = UInt8(MemoryLayout<sockaddr_in6>.size)
            #endif
            let socket = try makeStreamSocket(family: AF_INET6)
            try socket.bindAndListen(&v6, backlog: backlog)
            return socket
        }
        throw SocketError("parse host '\(host)' (expected a numeric IPv4/IPv6 address)", code: EINVAL)
    }

    private func bindAndListen<Address>(_ address: inout Address, backlog: Int32) throws(SocketError) {
        try setOption(SOL_SOCKET, SO_REUSEADDR, 1)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
        guard bound == 0 else { throw SocketError("bind") }
        guard systemListen(fd, backlog) == 0 else { throw SocketError("listen") }
    }

    /// The port the kernel bound, which differs from the requested one when that was 0.
    func localPort() throws(SocketError) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard ok == 0 else { throw SocketError("getsockname") }
        return Socket.describe(storage).port
    }

    /// One pending connection, or nil when none is waiting.
    func accept() throws(SocketError) -> AcceptedSocket? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { acceptNonBlocking(self.fd, $0, &length) }
            }
            if fd >= 0 {
                let peer = Socket.describe(storage)
                let host = peer.host.contains(":") ? "[\(peer.host)]" : peer.host
                return AcceptedSocket(socket: Socket(adopting: fd), remoteAddress: "\(host):\(peer.port)")
            }
            switch errno {
            case EINTR, ECONNABORTED: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: throw SocketError("accept")
            }
        }
    }

    private static func describe(_ storage: sockaddr_storage) -> (host: String, port: Int) {
        var storage = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var raw = address.pointee.sin_addr
                    inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
                    return (hostText(text), Int(UInt16(bigEndian: address.pointee.sin_port)))
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var raw = address.pointee.sin6_addr
                    inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                    return (hostText(text), Int(UInt16(bigEndian: address.pointee.sin6_port)))
                }
            }
        default:
            return ("unknown", 0)
        }
    }
}

private func hostText(_ text: [CChar]) -> String {
    String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// `listen` shadowed by `Socket.listen(host:port:backlog:)` inside the type.
private func systemListen(_ fd: Int32, _ backlog: Int32) -> Int32 { listen(fd, backlog) }
