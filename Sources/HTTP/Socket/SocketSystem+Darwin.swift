#if canImport(Darwin)
import Darwin

// Darwin has neither SOCK_NONBLOCK nor MSG_NOSIGNAL: set the flags after the fact and suppress SIGPIPE
// per socket with SO_NOSIGPIPE.

private func configure(_ fd: Int32) -> Bool {
    var one: Int32 = 1
    return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0
        && fcntl(fd, F_SETFD, FD_CLOEXEC) == 0
        && setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size)) == 0
}

func makeStreamSocket(family: Int32) throws(SocketError) -> Socket {
    let fd = socket(family, SOCK_STREAM, 0)
    guard fd >= 0 else { throw SocketError("socket") }
    let socket = Socket(adopting: fd)
    guard configure(fd) else { throw SocketError("fcntl") }
    return socket
}

/// Returns -1 with `errno` set, like `accept`.
func acceptNonBlocking(_ listener: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: UnsafeMutablePointer<socklen_t>) -> Int32 {
    let fd = accept(listener, address, length)
    guard fd >= 0 else { return fd }
    if !configure(fd) {
        let saved = errno
        close(fd)
        errno = saved
        return -1
    }
    return fd
}

func systemSend(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    send(fd, bytes, count, 0)
}
#endif
