#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Synchronization

public enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    case alreadyStarted

    public var description: String {
        switch self {
        case .alreadyStarted: "The server was already started; a server object serves once."
        }
    }
}

/// An HTTP/1.1 server on one readiness-loop thread (epoll on Linux): connections cost a descriptor and
/// about a kilobyte each, never a thread.
///
/// - The handler runs on that thread once a request is completely read, so it must not block: answer
///   cheap routes inline, hand heavy work (decoding, multipart parsing of big bodies, inference) to a
///   worker pool and call `respond` from there. Never call `shutdown` from a handler or the observer.
/// - Requests on one connection are handled one at a time; pipelined ones wait, parsed in order.
/// - Bad framing, limits and timeouts are answered by the server itself with a JSON error, and the
///   connection is closed. A client that disconnects while its request is handled gets its context
///   cancelled (a half-close counts as a disconnect, as in Go's net/http) and is logged as status 499.
/// - The observer is called on the I/O thread after each response is written (or abandoned).
/// - Call `shutdown` before dropping the server: the loop thread runs until then.
public final class HTTPServer: Sendable {
    private enum State {
        case notStarted
        case running(LoopShared)
        case stopped
    }

    private let configuration: HTTPServerConfiguration
    private let handler: HTTPHandler
    private let observer: (@Sendable (HTTPExchange) -> Void)?
    private let state = Mutex(State.notStarted)
    /// Held for the whole of `shutdown`, so concurrent callers wait for, and return, the first one's outcome.
    private let shutdownOutcome = Mutex<Bool?>(nil)
    /// Separate from `state` so `openConnections` never waits behind a `start` in progress.
    private let runningLoop = Mutex<LoopShared?>(nil)

    public init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler,
                observer: (@Sendable (HTTPExchange) -> Void)? = nil) {
        self.configuration = configuration
        self.handler = handler
        self.observer = observer
    }

    /// Binds and listens, starts the I/O thread, and returns the bound port. Also ignores SIGPIPE
    /// process-wide: a peer that vanishes mid-write must cost an error code, not the process.
    @discardableResult
    public func start() throws -> Int {
        signal(SIGPIPE, SIG_IGN)
        return try state.withLock { state in
            guard case .notStarted = state else { throw HTTPServerError.alreadyStarted }
            let listener = try Socket.listen(host: configuration.host, port: configuration.port,
                                             backlog: Int32(clamping: configuration.listenBacklog))
            let port = try listener.localPort()
            let waker = try Waker()
            let shared = LoopShared(mailbox: LoopMailbox(waker: waker))
            let started = DispatchSemaphore(value: 0)
            let failure = Mutex<SocketError?>(nil)
            let listenerFD = listener.release()
            let (configuration, handler, observer) = (self.configuration, self.handler, self.observer)
            let thread = Thread {
                let loop: EventLoop
                do throws(SocketError) {
                    loop = try EventLoop(listenerFD: listenerFD, configuration: configuration, handler: handler,
                                         observer: observer, shared: shared, waker: waker)
                } catch {
                    failure.withLock { $0 = error }
                    started.signal()
                    return
                }
                started.signal()
                loop.run()
            }
            thread.name = "http-io"
            thread.start()
            started.wait()
            if let error = failure.withLock({ $0 }) { throw error }
            state = .running(shared)
            runningLoop.withLock { $0 = shared }
            return port
        }
    }

    /// Stops accepting, lets requests already being read or handled finish and their responses be
    /// written, and closes idle connections after a one-second last call (a request one sends meanwhile
    /// is still answered, with `Connection: close`). Returns true once everything closed within `gracePeriod`;
    /// false when the grace ran out and the rest was closed by force (their contexts are cancelled).
    /// Idempotent: later calls return the first outcome.
    public func shutdown(gracePeriod: Duration) -> Bool {
        shutdownOutcome.withLock { outcome in
            if let outcome { return outcome }
            let shared = state.withLock { state -> LoopShared? in
                defer { state = .stopped }
                if case .running(let shared) = state { return shared }
                return nil
            }
            guard let shared else {
                outcome = true
                return true
            }
            shared.mailbox.post(.drain)
            let (seconds, attoseconds) = gracePeriod.components
            let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue &+ attoseconds / 1_000_000_000
            let drained = shared.finished.wait(timeout: .now() + .nanoseconds(Int(clamping: max(0, nanoseconds)))) == .success
            if !drained {
                shared.mailbox.post(.forceClose)
                shared.finished.wait()
            }
            outcome = drained
            return drained
        }
    }

    /// Connections currently open (including ones finishing a response before closing).
    public var openConnections: Int {
        runningLoop.withLock { $0?.openConnections.load(ordering: .relaxed) ?? 0 }
    }
}
