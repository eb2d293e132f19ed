#if canImport(Darwin)
import Darwin

/// Wakes a `Poller` from any thread through a self-pipe. Owns both ends while anyone may call `wake()`.
final class Waker: Sendable {
    fileprivate let readEnd: Int32
    private let writeEnd: Int32

    init() throws(SocketError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw SocketError("pipe") }
        for fd in ends {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    func wake() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)  // a full pipe already holds a pending wake-up
    }

    fileprivate func reset() {
        var sink = [UInt8](repeating: 0, count: 64)
        while read(readEnd, &sink, sink.count) > 0 {}
    }
}

/// The readiness loop's kernel side where epoll is missing: portable `poll(2)`, rebuilt per wait.
/// Confined to the loop thread.
final class Poller {
    static let wakerID = UInt64.max

    let waker: Waker
    private var watched: [Int32: (id: UInt64, interest: Interest)] = [:]
    private var descriptors: [pollfd] = []

    init(waker: Waker) throws(SocketError) {
        self.waker = waker
        watched[waker.readEnd] = (Poller.wakerID, .read)
    }

    func register(_ fd: Int32, id: UInt64, interest: Interest) throws(SocketError) {
        watched[fd] = (id, interest)
    }

    func modify(_ fd: Int32, id: UInt64, interest: Interest) throws(SocketError) {
        watched[fd] = (id, interest)
    }

    func unregister(_ fd: Int32) {
        watched[fd] = nil
    }

    func wait(timeout: Duration?, into ready: inout [ReadinessEvent]) throws(SocketError) {
        ready.removeAll(keepingCapacity: true)
        descriptors.removeAll(keepingCapacity: true)
        var ids: [UInt64] = []
        for (fd, entry) in watched {
            var events: Int16 = 0
            if entry.interest.contains(.read) { events |= Int16(POLLIN) }
            if entry.interest.contains(.write) { events |= Int16(POLLOUT) }
            descriptors.append(pollfd(fd: fd, events: events, revents: 0))
            ids.append(entry.id)
        }
        let milliseconds = timeout.map { Int32(clamping: roundUpToMilliseconds($0)) } ?? -1
        let count = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
        if count < 0 {
            if errno == EINTR { return }
            throw SocketError("poll")
        }
        for (index, descriptor) in descriptors.enumerated() where descriptor.revents != 0 {
            if ids[index] == Poller.wakerID {
                waker.reset()
                continue
            }
            let revents = Int32(descriptor.revents)
            ready.append(ReadinessEvent(
                id: ids[index],
                readable: revents & Int32(POLLIN) != 0,
                writable: revents & Int32(POLLOUT) != 0,
                failed: revents & Int32(POLLERR | POLLHUP | POLLNVAL) != 0))
        }
    }
}
#endif
