import CCPUFeatures
import Dispatch
import Foundation
import Synchronization

/// How long a team's helper polls for the next region before it parks.
package let threadTeamSpinNanoseconds: UInt64 = 200_000

/// Helper threads that stay awake between the parallel regions of one forward or backward pass.
///
/// A forward pass of a 128x128 generator runs 70-110 regions of 50-300 us each; waking a parked Dispatch
/// worker for every one costs 15-20 us, a tenth of the work. A team's helpers instead spin (with the CPU's
/// pause hint) for `threadTeamSpinNanoseconds` after each part, so the next region starts in well under a
/// microsecond, and only then park on a semaphore, so an idle server burns no CPU.
///
/// Each helper has its own ticket: the owner writes the job, then bumps the tickets of the helpers it
/// needs; a helper runs its part and decrements `pending`. The job is rewritten only once `pending` is
/// zero, so a helper never sees a half-written job.
@usableFromInline
final class ThreadTeam: @unchecked Sendable {

    /// One helper's mailbox, on its own cache lines (the class allocation) so helpers don't share one.
    private final class Slot: Sendable {
        let ticket = Atomic<Int>(0)
        let parked = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
    }

    let helperCount: Int
    private let slots: [Slot]
    private let pending = Atomic<Int>(0)
    private var generation = 0
    /// The job in flight: written by the owner before tickets are issued, read by helpers that hold one.
    private var job: (Int) -> Void = { _ in }

    init(helpers: Int) {
        helperCount = helpers
        slots = (0..<helpers).map { _ in Slot() }
        for (index, slot) in slots.enumerated() {
            let thread = Thread { self.serve(slot, part: index + 1) }
            thread.name = "cartoonify-kernel-\(index + 1)"
            thread.start()
        }
    }

    /// Runs `body(0 ..< parts)` with the caller doing part 0; returns when every part is done.
    /// `parts - 1` must not exceed `helperCount`. Only one caller may run a team at a time.
    @usableFromInline
    func run(parts: Int, _ body: (Int) -> Void) {
        precondition(parts - 1 <= helperCount, "ThreadTeam.run: more parts than threads")
        withoutActuallyEscaping(body) { escapable in
            job = escapable
            generation += 1
            pending.store(parts - 1, ordering: .sequentiallyConsistent)
            for slot in slots.prefix(parts - 1) {
                slot.ticket.store(generation, ordering: .sequentiallyConsistent)
                if slot.parked.exchange(false, ordering: .sequentiallyConsistent) { slot.wake.signal() }
            }
            escapable(0)
            var polls = 0
            while pending.load(ordering: .acquiring) != 0 {
                polls += 1
                if polls & 1023 == 0 { sched_yield() } else { cartoonify_cpu_relax() }
            }
            job = { _ in }
        }
    }

    private func serve(_ slot: Slot, part: Int) {
        var seen = 0
        while true {
            seen = waitForTicket(slot, after: seen)
            job(part)
            pending.subtract(1, ordering: .releasing)
        }
    }

    /// Spins for a new ticket, then parks. Parking publishes `parked` before rechecking the ticket, and the
    /// owner publishes the ticket before taking `parked`, so one of the two always sees the other.
    private func waitForTicket(_ slot: Slot, after seen: Int) -> Int {
        var deadline: UInt64 = 0
        var polls = 0
        while true {
            let ticket = slot.ticket.load(ordering: .acquiring)
            if ticket != seen { return ticket }
            polls += 1
            guard polls & 63 == 0 else {
                cartoonify_cpu_relax()
                continue
            }
            let now = DispatchTime.now().uptimeNanoseconds
            if deadline == 0 { deadline = now + threadTeamSpinNanoseconds }
            guard now >= deadline else { continue }
            slot.parked.store(true, ordering: .sequentiallyConsistent)
            if slot.ticket.load(ordering: .sequentiallyConsistent) != seen,
               slot.parked.exchange(false, ordering: .sequentiallyConsistent) {
                continue  // work came before we slept, and nobody will signal
            }
            slot.wake.wait()
            deadline = 0
        }
    }
}

/// Idle teams, reused by whichever thread next runs a parallel region: there are only as many teams as
/// callers running regions at once (one per inference worker), and none is created per region.
@usableFromInline
enum ThreadTeams {
    private static let idle = Mutex<[ThreadTeam]>([])

    @usableFromInline
    static func withTeam<R>(helpers: Int, _ body: (ThreadTeam) -> R) -> R {
        let team = idle.withLock { teams -> ThreadTeam? in
            guard let index = teams.firstIndex(where: { $0.helperCount >= helpers }) else { return nil }
            return teams.remove(at: index)
        } ?? ThreadTeam(helpers: helpers)
        defer { idle.withLock { $0.append(team) } }
        return body(team)
    }
}
