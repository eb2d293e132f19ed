/// What a registered descriptor should be watched for. Hang-ups and errors are always reported.
struct Interest: OptionSet, Sendable {
    let rawValue: UInt8
    static let read = Interest(rawValue: 1)
    static let write = Interest(rawValue: 2)
}

/// One descriptor's readiness, tagged with the id it was registered under (never the fd, which the
/// kernel reuses as soon as it is closed).
struct ReadinessEvent: Sendable {
    var id: UInt64
    var readable: Bool
    var writable: Bool
    /// The peer reset or fully closed the connection, or the socket has a pending error.
    var failed: Bool
}

/// Rounds up so a timer due in 0.3 ms is not polled for with a busy loop of zero-timeout waits.
func roundUpToMilliseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
    let perMillisecond: Int64 = 1_000_000_000_000_000
    let millis = attoseconds / perMillisecond + (attoseconds % perMillisecond > 0 ? 1 : 0)
    return seconds.multipliedReportingOverflow(by: 1000).partialValue &+ millis
}
