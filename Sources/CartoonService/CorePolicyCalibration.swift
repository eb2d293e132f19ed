import Dispatch
import NN
import Parallel

/// Picks how busy workers share the cores for this model by timing both ways at start: one request on
/// every core at a time, against one request per core side by side. Small models run best side by side;
/// a model whose layers only fit the caches when split across the cores runs best whole.
package struct CorePolicyCalibration: Sendable, Equatable {
    /// Requests per second with one request at a time on every core.
    package var exclusive: Double
    /// Requests per second with one single-core request per core at once.
    package var spread: Double

    /// Exclusive must win clearly: it also makes a queued request wait for the whole one before it.
    package var policy: CoreShare.Policy {
        exclusive > 1.05 * spread ? .exclusive : .spread
    }

    package init(exclusive: Double, spread: Double) {
        self.exclusive = exclusive
        self.spread = spread
    }

    /// Times `rounds` generator passes each way on a blank input (after a warm-up), taking each way's
    /// best round, so one slow moment on a shared machine does not decide.
    package static func measure(_ plan: GeneratorPlan, cores: Int, rounds: Int = 3) -> CorePolicyCalibration {
        let size = plan.config.inputSize
        let input = Tensor(shape: [1, 3, size, size], storage: [Float](repeating: 0, count: 3 * size * size))
        let arenas = (0..<max(1, cores)).map { _ in WorkerArena() }
        let clock = ContinuousClock()
        func seconds(_ body: () -> Void) -> Double {
            let elapsed = clock.measure(body)
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        let everyCore = ComputeContext(threads: cores)
        _ = plan.forward(input, arena: arenas[0].arena, context: everyCore)
        let whole = (0..<rounds).map { _ in seconds { _ = plan.forward(input, arena: arenas[0].arena, context: everyCore) } }
            .min() ?? 1
        guard cores > 1 else { return CorePolicyCalibration(exclusive: 1 / whole, spread: 1 / whole) }
        let sideBySide = (0...rounds).map { _ in
            seconds {
                DispatchQueue.concurrentPerform(iterations: cores) { k in
                    _ = plan.forward(input, arena: arenas[k].arena, context: .serial)
                }
            }
        }.dropFirst().min() ?? 1
        return CorePolicyCalibration(exclusive: 1 / whole, spread: Double(cores) / sideBySide)
    }
}
