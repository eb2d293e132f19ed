extension Generator {
    /// Fresh weights as CycleGAN's `init_weights('normal')` makes them: conv weights N(0, 0.02), biases 0,
    /// affine norm scale 1 and shift 0. Deterministic for a seed (splitmix64 + Box-Muller, names in sorted
    /// order), so tests and tools can regenerate large weights instead of storing them.
    package static func randomWeights(config: GeneratorConfig, seed: UInt64) -> [String: Tensor] {
        var rng = SplitMix64(seed: seed)
        var weights: [String: Tensor] = [:]
        let parameters = GeneratorLayout(config: config).parameters(affine: config.affineNorm)
        for parameter in parameters.sorted(by: { $0.name < $1.name }) {
            let shape = parameter.shape
            switch parameter.role {
            case .convWeight:
                let values = (0..<shape.reduce(1, *)).map { _ in Float(rng.nextGaussian() * 0.02) }
                weights[parameter.name] = Tensor(shape: shape, storage: values)
            case .convBias, .normShift:
                weights[parameter.name] = Tensor(zeros: shape)
            case .normScale:
                weights[parameter.name] = Tensor(repeating: 1, shape: shape)
            }
        }
        return weights
    }
}
