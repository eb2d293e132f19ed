import Autograd
import Foundation
import NN
import Reference
import Testing
import Training

@Suite struct CheckpointTests {
    static let config = CycleGANConfig(
        generator: GeneratorConfig(architecture: .unetResnet, ngf: 4, nBlocks: 1, inputSize: 16),
        discriminator: PatchGANConfig(ndf: 4, layers: 2), poolSize: 3)

    /// Everything a step depends on survives the file: the next step after a round trip is bit-identical.
    @Test func roundTripContinuesIdentically() throws {
        var state = CycleGANState(config: Self.config, seed: 11)
        for k in 0..<4 {
            _ = state.trainStep(photos: randomTensor([1, 3, 16, 16], seed: UInt64(k)),
                                cartoons: randomTensor([1, 3, 16, 16], seed: UInt64(100 + k)), learningRate: 2e-4,
                                kernels: TrainingKernels())
        }
        let file = Checkpoint.file(for: state, extra: ["seed": "11"])
        let names = Set(file.tensors.keys)
        for prefix in ["G.", "F.", "D_cartoon.", "D_photo.", "adam_m.G.", "adam_v.D_photo."] {
            #expect(names.contains { $0.hasPrefix(prefix) }, "no tensor under \(prefix)")
        }
        #expect(file.tensors["pool.cartoon"]?.shape == [3, 3, 16, 16])   // capacity 3, 4 fakes seen
        #expect(file.metadata["step"] == "4" && file.metadata["architecture"] == "unet-resnet")
        #expect(file.metadata["seed"] == "11" && file.metadata["adam_step.G"] == "4")

        let root = try GeneratedImages.temporaryFolder("checkpoint")
        defer { GeneratedImages.remove(root) }
        let path = root.appendingPathComponent("c.safetensors").path
        try Checkpoint.write(state, to: path)
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
        var (restored, _) = try Checkpoint.read(from: path, config: Self.config)
        #expect(restored.step == 4 && restored.rng.state == state.rng.state)

        let photos = randomTensor([1, 3, 16, 16], seed: 50), cartoons = randomTensor([1, 3, 16, 16], seed: 51)
        let expected = state.trainStep(photos: photos, cartoons: cartoons, learningRate: 1e-4, kernels: TrainingKernels())
        let actual = restored.trainStep(photos: photos, cartoons: cartoons, learningRate: 1e-4, kernels: TrainingKernels())
        #expect(actual == expected)
        for name in state.g.sortedNames { #expect(restored.g.tensors[name] == state.g.tensors[name]) }
        for name in state.dPhoto.sortedNames { #expect(restored.dPhoto.tensors[name] == state.dPhoto.tensors[name]) }
    }

    /// Noise on the fakes reaches only the reconstructions: the adversarial, identity and colour terms are
    /// those of a run without it, the cycle terms are not, and the checkpoint records it.
    @Test func cycleNoiseOnlyChangesTheReconstructions() throws {
        var noisyConfig = Self.config
        noisyConfig.cycleNoise = 0.5
        noisyConfig.lambdaColour = 1
        var quietConfig = noisyConfig
        quietConfig.cycleNoise = 0
        var noisy = CycleGANState(config: noisyConfig, seed: 3), quiet = CycleGANState(config: quietConfig, seed: 3)
        let photos = randomTensor([1, 3, 16, 16], seed: 60), cartoons = randomTensor([1, 3, 16, 16], seed: 61)
        let a = noisy.trainStep(photos: photos, cartoons: cartoons, learningRate: 2e-4, kernels: TrainingKernels())
        let b = quiet.trainStep(photos: photos, cartoons: cartoons, learningRate: 2e-4, kernels: TrainingKernels())
        #expect(a.adversarialG == b.adversarialG && a.adversarialF == b.adversarialF)
        #expect(a.identityG == b.identityG && a.colourG == b.colourG)
        #expect(a.cyclePhoto != b.cyclePhoto && a.cycleCartoon != b.cycleCartoon)
        #expect(noisy.rng.state != quiet.rng.state)
        #expect(Checkpoint.file(for: noisy, extra: [:]).metadata["cycle_noise"] == "0.5")

        var negative = noisyConfig
        negative.cycleNoise = -0.1
        #expect(throws: TrainingError.invalidOption("pool size, loss weights and --cycle-noise must not be negative")) {
            try negative.validate()
        }
    }

    /// One step with a G-only loss term on (`config`) beside one without, from the same start (`g`, else the
    /// seeded G): the term is logged under `key`, moves G, and leaves F and both discriminators exactly as
    /// without it; its weight (`weightKey`, as `weight`) is recorded and may change on resume.
    static func expectMovesOnlyG(_ config: CycleGANConfig, photos: Tensor, g: ParameterSet? = nil,
                                 term: KeyPath<StepLosses, Float>, key: String, weightKey: String, weight: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        var on = CycleGANState(config: config, seed: 3), off = CycleGANState(config: Self.config, seed: 3)
        if let g { (on.g, off.g) = (g, g) }
        let cartoons = randomTensor([1, 3, 16, 16], seed: 63)
        let a = on.trainStep(photos: photos, cartoons: cartoons, learningRate: 2e-4, kernels: TrainingKernels())
        let b = off.trainStep(photos: photos, cartoons: cartoons, learningRate: 2e-4, kernels: TrainingKernels())
        #expect(a[keyPath: term] > 0 && b[keyPath: term] == 0, sourceLocation: sourceLocation)
        #expect(a.named.contains { $0.0 == key && $0.1 == a[keyPath: term] }, sourceLocation: sourceLocation)
        #expect(on.g.tensors != off.g.tensors, sourceLocation: sourceLocation)
        #expect(on.f.tensors == off.f.tensors, sourceLocation: sourceLocation)
        #expect(on.dCartoon.tensors == off.dCartoon.tensors && on.dPhoto.tensors == off.dPhoto.tensors,
                sourceLocation: sourceLocation)
        let recorded = Checkpoint.file(for: off, extra: [:]).metadata
        #expect(Checkpoint.changedLossWeights(checkpoint: recorded, run: config) == ["\(weightKey) 0.0 -> \(weight)"],
                sourceLocation: sourceLocation)
        var older = recorded
        older[weightKey] = nil
        #expect(Checkpoint.changedLossWeights(checkpoint: older, run: Self.config).isEmpty, sourceLocation: sourceLocation)
    }

    /// The lightening loss reaches G alone, on dark photos (which a fresh G's grey output lightens past the
    /// margin).
    @Test func lighteningLossMovesOnlyG() {
        var config = Self.config
        config.lambdaLightening = 10
        Self.expectMovesOnlyG(config, photos: randomTensor([1, 3, 16, 16], seed: 62, scale: 0.1).map { $0 - 0.8 },
                              term: \.lighteningG, key: "lighten_G", weightKey: "lambda_lightening", weight: "10.0")
    }

    /// The peak loss reaches G alone: with G's first stem filter a single centre tap, a photo that is flat but
    /// for one bright pixel spikes that channel's norm output past the limit (one pixel of 256 is 16 standard
    /// deviations out).
    @Test func peakLossMovesOnlyG() throws {
        var config = Self.config
        config.lambdaPeaks = 1
        var g = CycleGANState(config: Self.config, seed: 3).g
        var stem = try #require(g.tensors["stem.conv.weight"])
        stem.storage = stem.storage.indices.map { $0 == 3 * 7 + 3 ? 1 : $0 < 3 * 49 ? 0 : stem.storage[$0] }
        g.tensors["stem.conv.weight"] = stem
        Self.expectMovesOnlyG(config, photos: Tensor(shape: [1, 3, 16, 16], storage: (0..<768).map { $0 % 256 == 77 ? 1 : -0.5 }),
                              g: g, term: \.peaksG, key: "peaks_G", weightKey: "lambda_peaks", weight: "1.0")
    }

    @Test func unusableFilesAreNamed() throws {
        let root = try GeneratedImages.temporaryFolder("checkpoint")
        defer { GeneratedImages.remove(root) }
        let path = root.appendingPathComponent("c.safetensors").path
        try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: TrainingError.self) { try Checkpoint.read(from: path, config: Self.config) }
        // A weights file (not a checkpoint) is refused by its format field.
        try SafeTensorsFile(tensors: ["x": Tensor(zeros: [1])], metadata: [:]).write(to: URL(fileURLWithPath: path))
        #expect(throws: TrainingError.badCheckpoint(path: path, reason: "not a cartoonify-train checkpoint (format missing)")) {
            try Checkpoint.read(from: path, config: Self.config)
        }
    }
}
