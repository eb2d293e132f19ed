#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call on a socket, with the call's name and `errno`, so logs say what broke.
public struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    public let operation: String
    public let code: Int32

    init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    public var description: String {
        "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
    }
}

/// Owns one file descriptor. Being non-copyable, it closes exactly once: when it is dropped or `close()`d.
struct Socket: ~Copyable, Sendable {
    let fd: Int32

    init(adopting fd: Int32) {
        precondition(fd >= 0, "adopting an invalid file descriptor")
        self.fd = fd
    }

    deinit { _ = systemClose(fd) }

    consuming func close() {}

    /// Hands the descriptor to a new owner without closing it (used to move it onto the loop thread).
    consuming func release() -> Int32 {
        let fd = self.fd
        discard self
        return fd
    }

    /// The outcome of a non-blocking transfer; `wouldBlock` means wait for readiness.
    enum Transfer: Equatable {
        case bytes(Int)
        case wouldBlock
        case endOfStream
    }

    func receive(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> Transfer {
        while true {
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .endOfStream }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: throw SocketError("recv")
            }
        }
    }

    /// Never raises SIGPIPE: a vanished peer surfaces as a thrown `EPIPE`/`ECONNRESET`.
    func send(_ bytes: UnsafeRawBufferPointer) throws(SocketError) -> Transfer {
        while true {
            let n = systemSend(fd, bytes.baseAddress, bytes.count)
            if n >= 0 { return .bytes(n) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: throw SocketError("send")
            }
        }
    }

    /// Stops our sending direction so the peer sees end-of-stream while we can still drain its input.
    func shutdownWrite() { _ = shutdown(fd, Int32(SHUT_WR)) }

    func setOption(_ level: Int32, _ name: Int32, _ value: Int32) throws(SocketError) {
        var value = value
        if setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            throw SocketError("setsockopt")
        }
    }
}

/// `close` shadowed by `Socket.close()` inside the type.
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
