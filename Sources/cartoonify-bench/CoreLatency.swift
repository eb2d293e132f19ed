import Dispatch
import Foundation
import Synchronization

/// Round trip of one cache line between two threads, in nanoseconds: ~50-100 ns when the two CPUs share a
/// last-level cache, several times that when a VM's two virtual CPUs sit on different chiplets or sockets.
/// Then every layer's hand-over between threads crosses the interconnect, and two threads run little faster
/// than one: timings taken in such a minute are not comparable with others.
func coreRoundTripNanoseconds(rounds: Int = 200_000) -> Double {
    final class Ball: Sendable { let value = Atomic<Int>(0) }
    let ball = Ball()
    let partner = Thread {
        for round in 0..<rounds {
            while ball.value.load(ordering: .acquiring) != 2 * round + 1 {}
            ball.value.store(2 * round + 2, ordering: .releasing)
        }
    }
    partner.start()
    let start = DispatchTime.now().uptimeNanoseconds
    for round in 0..<rounds {
        ball.value.store(2 * round + 1, ordering: .releasing)
        while ball.value.load(ordering: .acquiring) != 2 * round + 2 {}
    }
    return Double(DispatchTime.now().uptimeNanoseconds - start) / Double(rounds)
}
