#if os(Linux)
import CEpoll
import Glibc

// Linux can create and accept sockets non-blocking and close-on-exec in one call, and suppresses
// SIGPIPE per send with MSG_NOSIGNAL.

private let nonBlockingCloseOnExec = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)

func makeStreamSocket(family: Int32) throws(SocketError) -> Socket {
    let fd = socket(family, Int32(SOCK_STREAM.rawValue) | nonBlockingCloseOnExec, 0)
    guard fd >= 0 else { throw SocketError("socket") }
    return Socket(adopting: fd)
}

/// Returns -1 with `errno` set, like `accept`.
func acceptNonBlocking(_ listener: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: UnsafeMutablePointer<socklen_t>) -> Int32 {
    accept4(listener, address, length, nonBlockingCloseOnExec)
}

func systemSend(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    send(fd, bytes, count, Int32(MSG_NOSIGNAL))
}
#endif
