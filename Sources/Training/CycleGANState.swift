import NN

/// Everything a run needs to continue exactly: the four networks, both optimisers, the image pools, the step
/// counter and the random state. A checkpoint is this value on disk.
package struct CycleGANState: Sendable {
    package var config: CycleGANConfig
    /// photo -> cartoon (the exported generator).
    package var g: ParameterSet
    /// cartoon -> photo.
    package var f: ParameterSet
    package var dCartoon: ParameterSet
    package var dPhoto: ParameterSet
    package var adamG: AdamState
    package var adamF: AdamState
    package var adamDCartoon: AdamState
    package var adamDPhoto: AdamState
    package var poolCartoon: ImagePool
    package var poolPhoto: ImagePool
    /// G's weights averaged over the steps, when the run keeps an average (`--average-decay`).
    package var gAverage: WeightAverage?
    /// Completed training steps.
    package var step: Int
    package var rng: SplitMix64

    /// The photo -> cartoon weights the run exports and draws its sample sheets with: G's average when kept.
    package var exportedG: ParameterSet { gAverage?.parameters ?? g }

    /// Fresh networks initialised N(0, 0.02), each from its own stream derived from `seed`.
    package init(config: CycleGANConfig, seed: UInt64) {
        func stream(_ key: UInt64) -> UInt64 {
            var rng = SplitMix64.derived(from: seed, key)
            return rng.next()
        }
        self.init(config: config,
                  g: ParameterSet(tensors: Generator.randomWeights(config: config.generator, seed: stream(1))),
                  f: ParameterSet(tensors: Generator.randomWeights(config: config.generator, seed: stream(2))),
                  dCartoon: .initialized(config.discriminator, seed: stream(3)),
                  dPhoto: .initialized(config.discriminator, seed: stream(4)),
                  rng: .derived(from: seed, 5))
    }

    package init(config: CycleGANConfig, g: ParameterSet, f: ParameterSet, dCartoon: ParameterSet, dPhoto: ParameterSet,
                 adamG: AdamState = AdamState(), adamF: AdamState = AdamState(),
                 adamDCartoon: AdamState = AdamState(), adamDPhoto: AdamState = AdamState(),
                 poolCartoon: ImagePool? = nil, poolPhoto: ImagePool? = nil, step: Int = 0, rng: SplitMix64) {
        self.config = config
        self.g = g
        self.f = f
        self.dCartoon = dCartoon
        self.dPhoto = dPhoto
        self.adamG = adamG
        self.adamF = adamF
        self.adamDCartoon = adamDCartoon
        self.adamDPhoto = adamDPhoto
        self.poolCartoon = poolCartoon ?? ImagePool(capacity: config.poolSize)
        self.poolPhoto = poolPhoto ?? ImagePool(capacity: config.poolSize)
        self.step = step
        self.rng = rng
    }
}
