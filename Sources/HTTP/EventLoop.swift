#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// The readiness loop: accepts, reads, parses, times out and writes for every connection on one thread.
/// Handlers are called from here; responses come back through the mailbox.
final class EventLoop {
    private static let listenerID: UInt64 = 0
    /// How long a closing connection drains late client bytes before the socket is closed for good.
    private static let lingerTime: Duration = .seconds(2)
    /// How long an idle connection may still send a request once draining has begun.
    private static let lastCall: Duration = .seconds(1)
    /// Pausing accept after EMFILE lets closing connections free descriptors instead of spinning.
    private static let acceptPause: Duration = .milliseconds(100)

    private let configuration: HTTPServerConfiguration
    private let handler: HTTPHandler
    private let observer: (@Sendable (HTTPExchange) -> Void)?
    private let shared: LoopShared
    private let poller: Poller
    private var listener: Socket?
    private var listenerRegistered = false
    private var acceptResumesAt: ContinuousClock.Instant?
    private var connections: [UInt64: Connection] = [:]
    private var nextID: UInt64 = 1
    private var draining = false
    private var stopped = false
    private var nextTimerCheck: ContinuousClock.Instant
    private let readBuffer: UnsafeMutableRawBufferPointer
    private var ready: [ReadinessEvent] = []
    private var cachedDate: (second: Int, text: String) = (-1, "")
    private let clock = ContinuousClock()

    /// Bytes a connection may buffer ahead while its current request is being handled (pipelining).
    private var pipelineLimit: Int { configuration.maxHeaderBytes + 64 * 1024 }

    init(listenerFD: Int32, configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler,
         observer: (@Sendable (HTTPExchange) -> Void)?, shared: LoopShared, waker: Waker) throws(SocketError) {
        let listener = Socket(adopting: listenerFD)
        self.configuration = configuration
        self.handler = handler
        self.observer = observer
        self.shared = shared
        self.poller = try Poller(waker: waker)
        nextTimerCheck = clock.now.advanced(by: .seconds(3600))
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
        try poller.register(listener.fd, id: Self.listenerID, interest: .read)
        self.listener = consume listener
        listenerRegistered = true
    }

    deinit { readBuffer.deallocate() }

    func run() {
        while !stopped {
            let timeout = nextTimerCheck - clock.now
            do {
                try poller.wait(timeout: timeout, into: &ready)
            } catch {
                break  // the poller itself failed: nothing more can be served
            }
            for event in ready {
                if event.id == Self.listenerID {
                    acceptConnections()
                } else if let connection = connections[event.id] {
                    handle(event, on: connection)
                }
            }
            processMailbox()
            fireTimers()
            if draining && connections.isEmpty { stopped = true }
        }
        for connection in Array(connections.values) { close(connection) }
        closeListener()
        shared.finished.signal()
    }

    // MARK: Accepting

    private func acceptConnections() {
        while listener?.fd != nil {
            let accepted: AcceptedSocket?
            do {
                accepted = try listener?.accept()
            } catch {
                if [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.code) { pauseAccepting() }
                return
            }
            guard let accepted else { return }
            if connections.count >= configuration.maxConnections {
                refuse(accepted)
                continue
            }
            let now = clock.now
            let connection = Connection(id: nextID, socket: accepted.socket, remoteAddress: accepted.remoteAddress,
                                        limits: configuration.parserLimits, now: now)
            nextID += 1
            guard let fd = connection.socket?.fd, (try? poller.register(fd, id: connection.id, interest: .read)) != nil else {
                continue  // dropping `connection` closes the socket
            }
            connections[connection.id] = connection
            shared.openConnections.add(1, ordering: .relaxed)
            setDeadline(connection, now + configuration.headerTimeout)
        }
    }

    /// Over the connection limit: a best-effort 503 in one non-blocking write, then close.
    private func refuse(_ accepted: consuming AcceptedSocket) {
        let response = HTTPResponse.error(status: 503, code: "too_many_connections",
                                          message: "The server has \(configuration.maxConnections) open connections; retry later.")
        var withRetry = response
        withRetry.headers.add("Retry-After", "1")
        let bytes = ResponseEncoder.encode(withRetry, keepAlive: false, omitBody: false, date: currentDate())
        let sent = bytes.withUnsafeBytes { buffer -> Int in
            guard case .bytes(let count)? = try? accepted.socket.send(buffer) else { return 0 }
            return count
        }
        accepted.socket.shutdownWrite()
        observer?(HTTPExchange(requestID: RequestContext.generatedID(), method: "", path: "", status: 503, bytesIn: 0,
                               bytesOut: sent, duration: .zero, remoteAddress: accepted.remoteAddress))
    }

    private func pauseAccepting() {
        guard let fd = listener?.fd, listenerRegistered else { return }
        poller.unregister(fd)
        listenerRegistered = false
        let resume = clock.now + Self.acceptPause
        acceptResumesAt = resume
        nextTimerCheck = min(nextTimerCheck, resume)
    }

    private func closeListener() {
        if let fd = listener?.fd, listenerRegistered { poller.unregister(fd) }
        listenerRegistered = false
        listener = nil
    }

    // MARK: Readiness

    private func handle(_ event: ReadinessEvent, on connection: Connection) {
        if event.failed {
            close(connection)  // reset or error: nothing can be written any more
            return
        }
        if event.readable { read(connection) }
        if event.writable && connection.socket != nil { write(connection) }
    }

    private func read(_ connection: Connection) {
        let result: Socket.Transfer?
        do {
            result = try connection.socket?.receive(into: readBuffer)
        } catch {
            close(connection)
            return
        }
        switch result {
        case nil:
            return
        case .bytes(let count)?:
            if connection.phase != .lingering {
                connection.parser.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
            }
        case .endOfStream?:
            connection.peerClosed = true
        case .wouldBlock?:
            return
        }
        switch connection.phase {
        case .lingering:
            if connection.peerClosed { close(connection) }
        case .handling:
            // The client is gone: cancel so queued work can be dropped; a late respond finds nothing.
            if connection.peerClosed { close(connection) } else { updateInterest(connection) }
        case .writing:
            updateInterest(connection)
        case .idle, .reading:
            advance(connection)
        }
    }

    private func write(_ connection: Connection) {
        let done: Bool
        do {
            done = try connection.flush()
        } catch {
            close(connection)
            return
        }
        if done && connection.phase == .writing {
            responseWritten(connection)
        } else {
            if connection.phase == .writing { setDeadline(connection, clock.now + configuration.bodyTimeout) }
            updateInterest(connection)
        }
    }

    // MARK: The request state machine

    /// Parses what is buffered while the connection may start or continue reading a request.
    private func advance(_ connection: Connection) {
        if connection.phase == .idle && !connection.parser.isIdle {
            connection.phase = .reading
            connection.messageStart = clock.now
            setDeadline(connection, connection.messageStart + configuration.headerTimeout)
        }
        guard connection.phase == .reading else {
            if connection.peerClosed || draining { close(connection) } else { updateInterest(connection) }
            return
        }
        do {
            while let event = try connection.parser.next() {
                switch event {
                case .head(let head):
                    connection.head = head
                    if head.framing != .none { setDeadline(connection, clock.now + configuration.bodyTimeout) }
                    if head.expectsContinue && connection.parser.bufferedByteCount == 0 {
                        connection.enqueue(ResponseEncoder.continueLine)
                        write(connection)
                        guard connection.socket != nil else { return }
                    }
                case .request(let request, let wireBytes):
                    startHandling(request, wireBytes: wireBytes, on: connection)
                    return
                }
            }
        } catch {
            let line = connection.parser.currentRequestLine
            let response = HTTPResponse.error(status: error.status, code: error.code, message: error.description)
            sendFinal(response, method: line?.method ?? "", target: line?.target ?? "", on: connection)
            return
        }
        if connection.peerClosed {
            close(connection)  // the client stopped mid-request: there is no one left to answer
        } else {
            updateInterest(connection)
        }
    }

    private func startHandling(_ request: HTTPRequest, wireBytes: Int, on connection: Connection) {
        let now = clock.now
        let context = RequestContext(id: RequestContext.requestID(from: request.headers),
                                     remoteAddress: connection.remoteAddress, receivedAt: now)
        connection.phase = .handling
        connection.context = context
        connection.sequence += 1
        connection.deadline = nil
        connection.exchange = Connection.Exchange(requestID: context.id, method: request.method, path: request.path,
                                                  status: 0, bytesIn: wireBytes, startedAt: connection.messageStart)
        let slot = ResponseSlot(context: context, mailbox: shared.mailbox, connectionID: connection.id, sequence: connection.sequence)
        handler(request, context) { response in slot.deliver(response) }
        if connection.socket != nil { updateInterest(connection) }
    }

    private func respond(_ response: HTTPResponse, connectionID: UInt64, sequence: UInt64) {
        guard let connection = connections[connectionID], connection.phase == .handling,
              connection.sequence == sequence, let head = connection.head else { return }
        let keepAlive = head.keepAlive && !connection.closeAfterWrite && !draining && !ResponseEncoder.requestsClose(response)
        connection.closeAfterWrite = !keepAlive
        connection.context = nil
        connection.exchange?.status = response.status
        connection.phase = .writing
        connection.bytesWritten = 0
        connection.enqueue(ResponseEncoder.encode(response, keepAlive: keepAlive, omitBody: head.method == "HEAD", date: currentDate()))
        write(connection)
    }

    /// A response the server makes itself (parse error, timeout), after which the connection closes.
    private func sendFinal(_ response: HTTPResponse, method: String, target: String, on connection: Connection) {
        connection.exchange = Connection.Exchange(
            requestID: RequestContext.generatedID(), method: method, path: target.isEmpty ? "" : RequestTarget.split(target).path,
            status: response.status, bytesIn: connection.parser.consumedByteCount, startedAt: connection.messageStart)
        connection.phase = .writing
        connection.closeAfterWrite = true
        connection.bytesWritten = 0
        connection.enqueue(ResponseEncoder.encode(response, keepAlive: false, omitBody: method == "HEAD", date: currentDate()))
        setDeadline(connection, clock.now + configuration.bodyTimeout)
        write(connection)
    }

    private func responseWritten(_ connection: Connection) {
        report(connection)
        connection.head = nil
        if connection.peerClosed {
            close(connection)
        } else if connection.closeAfterWrite || draining {
            connection.socket?.shutdownWrite()
            connection.phase = .lingering
            setDeadline(connection, clock.now + min(Self.lingerTime, configuration.idleTimeout))
            updateInterest(connection)
        } else {
            connection.phase = .idle
            setDeadline(connection, clock.now + configuration.idleTimeout)
            advance(connection)  // a pipelined request may already be buffered
        }
    }

    private func report(_ connection: Connection) {
        guard let exchange = connection.exchange else { return }
        connection.exchange = nil
        observer?(HTTPExchange(requestID: exchange.requestID, method: exchange.method, path: exchange.path, status: exchange.status,
                               bytesIn: exchange.bytesIn, bytesOut: connection.bytesWritten,
                               duration: clock.now - exchange.startedAt, remoteAddress: connection.remoteAddress))
    }

    private func close(_ connection: Connection) {
        connection.context?.cancel()
        connection.context = nil
        if connection.phase == .handling { connection.exchange?.status = 499 }  // nginx's "client closed request"
        if connection.phase == .writing || connection.phase == .handling { report(connection) }
        guard let socket = connection.socket.take() else { return }
        poller.unregister(socket.fd)
        socket.close()
        connections[connection.id] = nil
        shared.openConnections.subtract(1, ordering: .relaxed)
    }

    private func updateInterest(_ connection: Connection) {
        guard let fd = connection.socket?.fd else { return }
        var interest: Interest = []
        switch connection.phase {
        case .idle, .reading, .lingering:
            interest.insert(.read)
        case .handling, .writing:
            // Keep reading (to notice a disconnect, and to buffer pipelined requests) up to a bound.
            if !connection.closeAfterWrite && connection.parser.bufferedByteCount < pipelineLimit { interest.insert(.read) }
        }
        if connection.peerClosed { interest.remove(.read) }
        if connection.hasPendingOutput { interest.insert(.write) }
        guard interest != connection.interest else { return }
        do {
            try poller.modify(fd, id: connection.id, interest: interest)
            connection.interest = interest
        } catch {
            close(connection)
        }
    }

    // MARK: Timers

    private func setDeadline(_ connection: Connection, _ deadline: ContinuousClock.Instant) {
        connection.deadline = deadline
        nextTimerCheck = min(nextTimerCheck, deadline)
    }

    private func fireTimers() {
        let now = clock.now
        guard now >= nextTimerCheck else { return }
        var earliest = now + .seconds(3600)
        if let resume = acceptResumesAt {
            if resume <= now, let fd = listener?.fd, !draining {
                acceptResumesAt = nil
                listenerRegistered = (try? poller.register(fd, id: Self.listenerID, interest: .read)) != nil
            } else {
                earliest = min(earliest, resume)
            }
        }
        var expired: [Connection] = []
        for connection in connections.values {
            guard let deadline = connection.deadline else { continue }
            if deadline <= now { expired.append(connection) } else { earliest = min(earliest, deadline) }
        }
        nextTimerCheck = earliest
        for connection in expired where connection.socket != nil { expire(connection) }
    }

    private func expire(_ connection: Connection) {
        switch connection.phase {
        case .reading:
            let line = connection.parser.currentRequestLine
            let what = connection.head == nil ? "request head" : "request body"
            let limit = connection.head == nil ? configuration.headerTimeout : configuration.bodyTimeout
            let response = HTTPResponse.error(status: 408, code: "request_timeout",
                                              message: "The \(what) was not received within \(limit).")
            sendFinal(response, method: line?.method ?? "", target: line?.target ?? "", on: connection)
        case .idle, .writing, .lingering:
            close(connection)
        case .handling:
            break
        }
    }

    // MARK: Messages

    private func processMailbox() {
        for message in shared.mailbox.takeAll() {
            switch message {
            case .respond(let id, let sequence, let response):
                respond(response, connectionID: id, sequence: sequence)
            case .drain:
                draining = true
                // Connections the kernel already completed would be reset by closing the listener, though
                // their clients may have sent a request: take them, so they get an answer instead.
                acceptConnections()
                closeListener()
                acceptResumesAt = nil
                // An idle connection may carry a request that is on its way: a fresh one whose client has
                // connected but not yet written, or a keep-alive one reused just now. Closing it at once
                // would lose that request; it gets a last call to send it (and is answered, then closed).
                let lastCall = clock.now + Self.lastCall
                for connection in connections.values where connection.phase == .idle {
                    setDeadline(connection, min(connection.deadline ?? lastCall, lastCall))
                }
            case .forceClose:
                for connection in Array(connections.values) { close(connection) }
                stopped = true
            }
        }
    }

    private func currentDate() -> String {
        let second = Int(time(nil))
        if second != cachedDate.second { cachedDate = (second, ResponseEncoder.httpDate(secondsSinceEpoch: second)) }
        return cachedDate.text
    }
}
