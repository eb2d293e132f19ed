import Dispatch
import Synchronization

/// What other threads ask of the loop.
enum LoopMessage: Sendable {
    case respond(connection: UInt64, sequence: UInt64, HTTPResponse)
    case drain
    case forceClose
}

/// The loop's inbox: a locked queue plus the waker that interrupts its `epoll_wait`.
final class LoopMailbox: Sendable {
    private let waker: Waker
    private let messages = Mutex<[LoopMessage]>([])

    init(waker: Waker) {
        self.waker = waker
    }

    func post(_ message: LoopMessage) {
        let wasEmpty = messages.withLock { queue in
            queue.append(message)
            return queue.count == 1
        }
        if wasEmpty { waker.wake() }  // a non-empty queue already has a wake-up pending
    }

    func takeAll() -> [LoopMessage] {
        messages.withLock { queue in
            defer { queue = [] }
            return queue
        }
    }
}

/// Carries one handler's response to the loop, once. If the handler lets go of `respond` without
/// calling it, the client gets a 500 rather than a connection that waits forever.
final class ResponseSlot: Sendable {
    private let context: RequestContext
    private let mailbox: LoopMailbox
    private let connectionID: UInt64
    private let sequence: UInt64

    init(context: RequestContext, mailbox: LoopMailbox, connectionID: UInt64, sequence: UInt64) {
        self.context = context
        self.mailbox = mailbox
        self.connectionID = connectionID
        self.sequence = sequence
    }

    func deliver(_ response: HTTPResponse) {
        guard context.claimResponse() else { return }
        mailbox.post(.respond(connection: connectionID, sequence: sequence, response))
    }

    deinit {
        deliver(.error(status: 500, code: "internal_error", message: "The request handler finished without answering."))
    }
}

/// State the server object and its loop thread share.
final class LoopShared: Sendable {
    let mailbox: LoopMailbox
    let openConnections = Atomic<Int>(0)
    /// Signalled once when the loop has closed everything and returned.
    let finished = DispatchSemaphore(value: 0)

    init(mailbox: LoopMailbox) {
        self.mailbox = mailbox
    }
}
