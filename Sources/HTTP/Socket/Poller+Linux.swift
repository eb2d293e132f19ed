#if os(Linux)
import CEpoll
import Glibc

/// Wakes a `Poller` from any thread. Owns its eventfd for as long as anyone may still call `wake()`.
final class Waker: Sendable {
    fileprivate let fd: Int32

    init() throws(SocketError) {
        fd = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard fd >= 0 else { throw SocketError("eventfd") }
    }

    deinit { close(fd) }

    func wake() {
        var one: UInt64 = 1
        _ = write(fd, &one, 8)  // EAGAIN means the counter is already non-zero: a wake-up is pending anyway
    }

    fileprivate func reset() {
        var value: UInt64 = 0
        _ = read(fd, &value, 8)
    }
}

/// The readiness loop's kernel side on Linux: level-triggered epoll. Confined to the loop thread.
final class Poller {
    /// The id `wait` never reports: the waker's own events are consumed internally.
    static let wakerID = UInt64.max

    let waker: Waker
    private let epoll: Socket
    private var events: [epoll_event]

    init(waker: Waker) throws(SocketError) {
        let fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw SocketError("epoll_create1") }
        epoll = Socket(adopting: fd)
        self.waker = waker
        events = Array(repeating: epoll_event(), count: 256)
        try control(EPOLL_CTL_ADD, waker.fd, id: Poller.wakerID, interest: .read)
    }

    func register(_ fd: Int32, id: UInt64, interest: Interest) throws(SocketError) {
        try control(EPOLL_CTL_ADD, fd, id: id, interest: interest)
    }

    func modify(_ fd: Int32, id: UInt64, interest: Interest) throws(SocketError) {
        try control(EPOLL_CTL_MOD, fd, id: id, interest: interest)
    }

    func unregister(_ fd: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(epoll.fd, EPOLL_CTL_DEL, fd, &event)
    }

    /// Blocks until something is ready, the waker fires, or `timeout` passes (nil: wait indefinitely).
    func wait(timeout: Duration?, into ready: inout [ReadinessEvent]) throws(SocketError) {
        ready.removeAll(keepingCapacity: true)
        let milliseconds = timeout.map { Int32(clamping: roundUpToMilliseconds($0)) } ?? -1
        let count = events.withUnsafeMutableBufferPointer {
            epoll_wait(epoll.fd, $0.baseAddress, Int32($0.count), milliseconds)
        }
        if count < 0 {
            if errno == EINTR { return }
            throw SocketError("epoll_wait")
        }
        let failure = EPOLLERR.rawValue | EPOLLHUP.rawValue
        for event in events[0..<Int(count)] {
            if event.data.u64 == Poller.wakerID {
                waker.reset()
                continue
            }
            ready.append(ReadinessEvent(
                id: event.data.u64,
                readable: event.events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue) != 0,
                writable: event.events & EPOLLOUT.rawValue != 0,
                failed: event.events & failure != 0))
        }
    }

    private func control(_ operation: Int32, _ fd: Int32, id: UInt64, interest: Interest) throws(SocketError) {
        // RDHUP only with read interest: level-triggered, it would otherwise fire in a loop while we
        // deliberately stop reading a half-closed connection.
        var mask: UInt32 = 0
        if interest.contains(.read) { mask |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue }
        if interest.contains(.write) { mask |= EPOLLOUT.rawValue }
        var event = epoll_event()
        event.events = mask
        event.data.u64 = id
        guard epoll_ctl(epoll.fd, operation, fd, &event) == 0 else { throw SocketError("epoll_ctl") }
    }
}
#endif
