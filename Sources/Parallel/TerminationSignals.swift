import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM, never missed. On Linux a dispatch signal source reads a signalfd, which receives only
/// a signal that every thread blocks: a thread that does not block it may take the signal itself and, with
/// the disposition set to ignore, drop it (a server that never drains). `dispatchMain()` is such a thread:
/// it waits in `sigsuspend` with nothing blocked. So `blockInThisThread()` comes first, before the process
/// starts any thread (they inherit the mask), and then either a thread of the caller's `wait()`s for the
/// signal or `sources` deliver it; one that arrives before either waits, pending.
package enum TerminationSignals {
    package static let numbers = [SIGINT, SIGTERM]

    private static var set: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for number in numbers { sigaddset(&set, number) }
        return set
    }

    /// Blocks both signals in the calling thread, and so in every thread it starts afterwards.
    package static func blockInThisThread() {
        var set = set
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits in the calling thread for either signal and returns its number.
    package static func wait() -> Int32 {
        var (set, number) = (set, Int32(0))
        while sigwait(&set, &number) != 0 {}
        return number
    }

    /// One resumed source per signal, calling `handler` with the signal's number on `queue`; they stay
    /// installed while the caller keeps them. For a process whose main thread is busy (the trainer's steps).
    package static func sources(queue: DispatchQueue, handler: @escaping @Sendable (Int32) -> Void) -> [any DispatchSourceSignal] {
        numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }
}
