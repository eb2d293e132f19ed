import Dispatch
import Foundation
import Parallel
import Synchronization

/// A request, from another thread or a signal, that a training run stop at the next step boundary: the
/// step in progress finishes, a checkpoint is written, and `TrainingRun.run` returns with `interrupted`.
/// Stopping mid-step would lose the step; waiting for the next periodic checkpoint could lose hundreds.
package final class StopRequest: Sendable {
    private let requested = Atomic<Bool>(false)

    package init() {}

    /// Asks the run to stop; returns false when a stop had already been asked for.
    @discardableResult
    package func request() -> Bool {
        !requested.exchange(true, ordering: .relaxed)
    }

    package var isRequested: Bool { requested.load(ordering: .relaxed) }

    /// Routes SIGINT and SIGTERM here: the first asks for a stop (and calls `notice`), a second one exits
    /// at once with status 130, for a user who will not wait for the step. Keep the returned sources alive
    /// for as long as the handlers should stay installed. The caller blocks both signals first, before any
    /// thread starts (`TerminationSignals.blockInThisThread`).
    package func handleSignals(notice: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        TerminationSignals.sources(queue: .global()) { [self] _ in
            if request() { notice() } else { exit(130) }
        }
    }
}
