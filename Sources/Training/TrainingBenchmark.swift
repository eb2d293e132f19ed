import Autograd
import Foundation
import NN

/// Seconds per training iteration on random data (no folders needed), for comparison with
/// scripts/bench/bench_train_torch.py doing the same iteration in PyTorch.
package enum TrainingBenchmark {
    /// Runs one warm-up step, then `iterations` timed steps on `kernels`; returns each step's seconds.
    package static func run(model: CycleGANConfig, batchSize: Int, iterations: Int, seed: UInt64 = 0,
                            kernels: TrainingKernels) -> [Double] {
        var state = CycleGANState(config: model, seed: seed)
        var rng = SplitMix64.derived(from: seed, 99)
        let size = model.generator.inputSize
        func batch() -> Tensor {
            Tensor(shape: [batchSize, 3, size, size],
                   storage: (0..<(batchSize * 3 * size * size)).map { _ in rng.nextUniform(bound: 1) })
        }
        _ = state.trainStep(photos: batch(), cartoons: batch(), learningRate: 2e-4, kernels: kernels)
        return (0..<iterations).map { _ in
            let (photos, cartoons) = (batch(), batch())
            let started = Date()
            _ = state.trainStep(photos: photos, cartoons: cartoons, learningRate: 2e-4, kernels: kernels)
            return Date().timeIntervalSince(started)
        }
    }
}
