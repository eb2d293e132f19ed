import NN

/// Uniform values in [-scale, scale), reproducible from `seed`.
package func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var rng = SplitMix64(seed: seed)
    let count = shape.reduce(1, *)
    return Tensor(shape: shape, storage: (0..<count).map { _ in Float(rng.nextUnit() * 2 - 1) * scale })
}
