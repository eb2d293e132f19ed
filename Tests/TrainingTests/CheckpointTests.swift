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

    /// The lightening loss reaches G alone: on dark photos (which a fresh G's grey output lightens past the
    /// margin) it is logged and moves G, while F and both discriminators step exactly as without it.
    @Test func lighteningLossMovesOnlyG() throws {
        var lightConfig = Self.config
        lightConfig.lambdaLightening = 10
        var light = CycleGANState(config: lightConfig, seed: 3), plain = CycleGANState(config: Self.config, seed: 3)
        let photos = randomTensor([1, 3, 16, 16], seed: 62, scale: 0.1).map { $0 - 0.8 }
        let cartoons = randomTensor([1, 3, 16, 16], seed: 63)
        let a = light.trainStep(photos: photos, cartoons: cartoons, learningRate: 2e-4, kernels: TrainingKernels())
        let b = plain.trainStep(photos: photos, cartoons: cartoons, learningRate: 2e-4, kernels: TrainingKernels())
        #expect(a.lighteningG > 0 && b.lighteningG == 0)
        #expect(a.named.contains { $0.0 == "lighten_G" && $0.1 == a.lighteningG })
        #expect(light.g.tensors != plain.g.tensors)
        #expect(light.f.tensors == plain.f.tensors)
        #expect(light.dCartoon.tensors == plain.dCartoon.tensors && light.dPhoto.tensors == plain.dPhoto.tensors)
        #expect(Checkpoint.file(for: light, extra: [:]).metadata["lambda_lightening"] == "10.0")
        #expect(Checkpoint.changedLossWeights(checkpoint: Checkpoint.file(for: plain, extra: [:]).metadata, run: lightConfig)
            == ["lambda_lightening 0.0 -> 10.0"])
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
