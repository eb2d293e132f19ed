import Autograd
import NN
import Reference

/// Checks `op`'s analytical gradients against central differences of the scalar
/// `L = Σ (y - t)²` (t a fixed random tensor), accumulated in Double, at up to `samples` entries per input.
/// Returns the worst error relative to the largest gradient of that input.
func worstGradientError(
    inputs: [Tensor], samples: Int = 24, epsilon: Float = 1e-2,
    _ op: (Tape, [Variable]) -> Variable
) -> Double {
    /// L on `tape`, built from the library's (optimised) ops: n · mean((y + (-t))²).
    func loss(_ tape: Tape, _ output: Variable, negatedTarget: Tensor) -> Variable {
        let difference = tape.add(output, tape.constant(negatedTarget))
        return tape.scale(tape.meanSquaredError(difference, target: 0), by: Float(negatedTarget.count))
    }
    let tape = Tape(kernels: TrainingKernels())
    let variables = inputs.map { tape.parameter($0) }
    let output = op(tape, variables)
    let negatedTarget = randomTensor(tape.value(output).shape, seed: 99)
    tape.backward(from: loss(tape, output, negatedTarget: negatedTarget))
    /// L in Double (a Float scalar would round away the finite difference on large outputs).
    func evaluate(_ values: [Tensor]) -> Double {
        let probe = Tape(kernels: TrainingKernels())
        let y = probe.value(op(probe, values.map { probe.constant($0) }))
        return y.storage.withUnsafeBufferPointer { ys in
            negatedTarget.storage.withUnsafeBufferPointer { ts in
                var sum = 0.0
                for i in 0..<ys.count {
                    let d = Double(ys[i]) + Double(ts[i])
                    sum += d * d
                }
                return sum
            }
        }
    }

    var worst = 0.0
    for (k, input) in inputs.enumerated() {
        let analytical = tape.gradient(of: variables[k])?.storage ?? [Float](repeating: 0, count: input.count)
        let scale = max(analytical.map { Double(abs($0)) }.max() ?? 0, 1e-3)
        var rng = SplitMix64(seed: UInt64(k) + 7)
        for s in 0..<min(samples, input.count) {
            let i = s < samples / 2 ? s * input.count / max(1, samples / 2) : Int(rng.next() % UInt64(input.count))
            var plus = inputs, minus = inputs
            plus[k].storage[i] += epsilon
            minus[k].storage[i] -= epsilon
            let numerical = (evaluate(plus) - evaluate(minus)) / (2 * Double(epsilon))
            worst = max(worst, abs(numerical - Double(analytical[i])) / scale)
        }
    }
    return worst
}
