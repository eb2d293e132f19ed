import KernelsCore
import NN

/// Winograd weight gradients held back until the end of `Tape.backward`. A CycleGAN step runs each generator
/// three times, so each residual-block weight collects three (input, output gradient) pairs; summed as one
/// batch they are one weight-gradient call with three times the tiles, instead of three calls (each with
/// its own filter transform and thread wake-ups) and two additions.
final class WeightGradientBatches {
    private struct Batch {
        let weight: Int
        let shape: [Int]
        let geometry: ConvGeometry
        let mode: PaddingMode
        var pairs: [(image: Tensor, gradient: Tensor)]
    }

    /// In the order first seen, so the sums are reproducible.
    private var batches: [Batch] = []

    func add(weight: Int, shape: [Int], geometry: ConvGeometry, mode: PaddingMode, image: Tensor, gradient: Tensor) {
        if let i = batches.firstIndex(where: { $0.weight == weight && $0.geometry == geometry && $0.mode == mode }) {
            batches[i].pairs.append((image, gradient))
        } else {
            batches.append(Batch(weight: weight, shape: shape, geometry: geometry, mode: mode, pairs: [(image, gradient)]))
        }
    }

    /// Computes every held-back gradient on `kernels`, hands each to `deliver` (weight variable id, gradient),
    /// and forgets them.
    func flush(on kernels: TrainingKernels, _ deliver: (Int, Tensor) -> Void) {
        for batch in batches {
            let sum = kernels.winogradWeightGradient(batch.pairs, geometry: batch.geometry, mode: batch.mode)
            deliver(batch.weight, Tensor(shape: batch.shape, storage: sum))
        }
        batches = []
    }
}
