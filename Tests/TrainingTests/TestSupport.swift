import NN
import Tensor
import Training

/// Uniform values in [-scale, scale), reproducible from `seed`.
func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var rng = SplitMix64(seed: seed)
    let count = shape.reduce(1, *)
    return Tensor(shape: shape, storage: (0..<count).map { _ in Float(rng.nextUnit() * 2 - 1) * scale })
}

/// Checks `op`'s analytical gradients against central differences of the scalar
/// `L = Σ (y - t)²` (t a fixed random tensor), accumulated in Double, at up to `samples` entries per input.
/// Returns the worst error relative to the largest gradient of that input.
func worstGradientError(
    inputs: [Tensor], samples: Int = 24, epsilon: Float = 1e-2,
    _ op: (Tape, [Variable]) -> Variable
) -> Double {
    func loss(_ values: [Tensor], target: Tensor?) -> (Double, Tensor) {
        let tape = Tape()
        let y = tape.value(op(tape, values.map { tape.constant($0) }))
        let t = target ?? randomTensor(y.shape, seed: 99)
        var sum = 0.0
        for (a, b) in zip(y.storage, t.storage) { sum += Double(a - b) * Double(a - b) }
        return (sum, t)
    }
    let tape = Tape()
    let variables = inputs.map { tape.parameter($0) }
    let output = op(tape, variables)
    let target = randomTensor(tape.value(output).shape, seed: 99)
    // Σ (y - t)² = n · mean((y - t)²): the mean squared error op with a shifted target gives the same gradient
    // when the target is a tensor, so build it from primitives: d = y - t, L = n · mean(d²).
    let difference = tape.add(output, tape.constant(Tensor(shape: target.shape, storage: target.storage.map { -$0 })))
    let total = tape.scale(tape.meanSquaredError(difference, target: 0), by: Float(target.count))
    tape.backward(from: total)

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
            let numerical = (loss(plus, target: target).0 - loss(minus, target: target).0) / (2 * Double(epsilon))
            worst = max(worst, abs(numerical - Double(analytical[i])) / scale)
        }
    }
    return worst
}
