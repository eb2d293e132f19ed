import Synchronization

/// Per-request facts the handler may need beyond the request itself, shared with the I/O thread so a
/// disconnect can be observed by work still queued elsewhere.
public final class RequestContext: Sendable {
    /// X-Request-Id from the client when it is sane (1...128 of `A-Z a-z 0-9 . _ : -`), else generated.
    public let id: String
    /// "ip:port" of the peer.
    public let remoteAddress: String
    /// When the request was fully read; deadlines count from here.
    public let receivedAt: ContinuousClock.Instant
    private let cancelled = Atomic<Bool>(false)
    private let responded = Atomic<Bool>(false)

    public init(id: String, remoteAddress: String, receivedAt: ContinuousClock.Instant = .now) {
        self.id = id
        self.remoteAddress = remoteAddress
        self.receivedAt = receivedAt
    }

    /// True once the client disconnected or the server gave up on the request: its work can be dropped,
    /// and calling `respond` is then optional.
    public var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    func cancel() {
        cancelled.store(true, ordering: .releasing)
    }

    /// True for the first caller only: makes `respond` idempotent whichever thread calls it.
    func claimResponse() -> Bool {
        responded.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }

    static func requestID(from headers: HTTPHeaders) -> String {
        if let given = headers["X-Request-Id"], (1...128).contains(given.utf8.count),
           given.utf8.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "-") }) {
            return given
        }
        return generatedID()
    }

    static func generatedID() -> String {
        let hex = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(lowercasedASCII(byte))
    }
}
