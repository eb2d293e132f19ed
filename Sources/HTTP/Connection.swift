/// One client connection's state, owned and mutated only by the event loop thread.
///
/// Phases: `idle` (between requests) -> `reading` (a request's bytes are arriving) -> `handling` (the
/// handler has it; further pipelined bytes are buffered, not parsed) -> `writing` -> back to `idle`, or
/// to `lingering` when the server closes: our side is shut down and the peer's late bytes are drained,
/// so the kernel does not answer them with a reset that could destroy the response in flight.
final class Connection {
    enum Phase: Equatable {
        case idle
        case reading
        case handling
        case writing
        case lingering
    }

    /// What the access log needs about the request being answered.
    struct Exchange {
        var requestID: String
        var method: String
        var path: String
        var status: Int
        var bytesIn: Int
        var startedAt: ContinuousClock.Instant
    }

    let id: UInt64
    var socket: Socket?
    let remoteAddress: String
    var parser: RequestParser
    var phase = Phase.idle
    /// When the current phase times out; nil while the handler runs (the service owns that deadline).
    var deadline: ContinuousClock.Instant?
    var messageStart: ContinuousClock.Instant
    var head: RequestHead?
    var context: RequestContext?
    /// Counts handled requests so a late `respond` for an earlier one is recognised and dropped.
    var sequence: UInt64 = 0
    var exchange: Exchange?
    var output: [UInt8] = []
    var outputSent = 0
    /// Bytes written for the current exchange, for the access log.
    var bytesWritten = 0
    var closeAfterWrite = false
    var peerClosed = false
    var interest: Interest = .read

    init(id: UInt64, socket: consuming Socket, remoteAddress: String, limits: ParserLimits, now: ContinuousClock.Instant) {
        self.id = id
        self.socket = consume socket
        self.remoteAddress = remoteAddress
        self.parser = RequestParser(limits: limits)
        self.messageStart = now
    }

    var hasPendingOutput: Bool { outputSent < output.count }

    func enqueue(_ bytes: [UInt8]) {
        if output.isEmpty { output = bytes } else { output += bytes }
    }

    /// Sends as much queued output as the socket takes; true when all of it is gone.
    func flush() throws(SocketError) -> Bool {
        while outputSent < output.count {
            let result = output.withUnsafeBytes { bytes in
                Result { () throws(SocketError) in try socket?.send(UnsafeRawBufferPointer(rebasing: bytes[outputSent...])) }
            }
            switch try result.get() {
            case nil: return false
            case .bytes(let count)?:
                outputSent += count
                bytesWritten += count
            case .wouldBlock?, .endOfStream?: return false
            }
        }
        output.removeAll(keepingCapacity: output.capacity <= 64 * 1024)
        outputSent = 0
        return true
    }
}
