import Autograd
import Foundation
import NN
import Testing
import Training

/// The whole first CycleGAN step against PyTorch (scripts/fixtures/make_train_fixtures.py): same deterministic weights
/// and batches, so losses, gradients (Adam's first moment is 0.5 x gradient after one step) and updated
/// weights must agree to float precision.
@Suite struct FirstStepTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/first_step.safetensors")

    /// Sorted names, 4-D tensors uniform in +-0.05, others in +-0.02: the script's `fill_deterministic`.
    static func deterministic(_ shapes: [String: [Int]], seed: UInt64) -> ParameterSet {
        var rng = SplitMix64(seed: seed)
        var tensors: [String: Tensor] = [:]
        for name in shapes.keys.sorted() {
            let shape = shapes[name] ?? []
            let scale = shape.count == 4 ? 0.05 : 0.02
            tensors[name] = Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in Float((2 * rng.nextUnit() - 1) * scale) })
        }
        return ParameterSet(tensors: tensors)
    }

    static func batch(seed: UInt64) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor(shape: [2, 3, 32, 32], storage: (0..<(2 * 3 * 32 * 32)).map { _ in Float(2 * rng.nextUnit() - 1) })
    }

    @Test(arguments: GeneratorArchitecture.allCases)
    func matchesPyTorch(architecture: GeneratorArchitecture) throws {
        let file = try SafeTensorsFile(bytes: Array(try Data(contentsOf: Self.fixture)))
        let key = architecture.rawValue
        let generator = GeneratorConfig(architecture: architecture, ngf: 8, nBlocks: 2, inputSize: 32)
        let discriminator = PatchGANConfig(ndf: 8, layers: 3)
        let config = CycleGANConfig(generator: generator, discriminator: discriminator)
        let gShapes = Generator.tensorNames(config: generator), dShapes = discriminator.tensorShapes
        var state = CycleGANState(config: config,
                                  g: Self.deterministic(gShapes, seed: 101), f: Self.deterministic(gShapes, seed: 102),
                                  dCartoon: Self.deterministic(dShapes, seed: 103), dPhoto: Self.deterministic(dShapes, seed: 104),
                                  rng: SplitMix64(seed: 1))
        let losses = state.trainStep(photos: Self.batch(seed: 201), cartoons: Self.batch(seed: 202), learningRate: 2e-4,
                                     kernels: TrainingKernels())

        let expected = try #require(file.tensors["\(key)/losses"]).storage
        for ((name, value), reference) in zip(losses.named, expected) {
            #expect(abs(value - reference) <= 1e-4 * abs(reference), "loss \(name): \(value) vs \(reference)")
        }

        let networks: [(String, ParameterSet, AdamState, Set<String>)] = [
            ("G", state.g, state.adamG, Self.biasesBeforeNorm(gShapes)),
            ("F", state.f, state.adamF, Self.biasesBeforeNorm(gShapes)),
            ("D_cartoon", state.dCartoon, state.adamDCartoon, Self.biasesBeforeNorm(discriminator)),
            ("D_photo", state.dPhoto, state.adamDPhoto, Self.biasesBeforeNorm(discriminator)),
        ]
        var worstWeight = 0.0, worstGradient = 0.0
        for (network, parameters, adam, normalizedBiases) in networks {
            for name in parameters.sortedNames {
                let weights = try #require(parameters.tensors[name]).storage
                let moments = try #require(adam.firstMoments[name]).storage
                let indices = Array(stride(from: 0, to: weights.count, by: max(1, weights.count / 128)))
                let referenceWeights = try #require(file.tensors["\(key)/\(network).\(name)"]).storage
                let referenceMoments = try #require(file.tensors["\(key)/\(network).\(name).m"]).storage
                try #require(indices.count == referenceWeights.count, "\(network).\(name) \(weights.count)")
                if normalizedBiases.contains(name) {
                    // A bias followed by instance norm has zero gradient in exact arithmetic; both frameworks see
                    // rounding noise, which Adam's first step turns into at most +-lr.
                    for (i, reference) in zip(indices, referenceWeights) {
                        #expect(abs(weights[i] - reference) <= 2.01e-4 * 2, "\(network).\(name)[\(i)]")
                    }
                    continue
                }
                let weightScale = referenceWeights.map { abs($0) }.max() ?? 0
                let gradientScale = referenceMoments.map { abs($0) }.max() ?? 0
                for (k, i) in indices.enumerated() {
                    worstWeight = max(worstWeight, Double(abs(weights[i] - referenceWeights[k]) / weightScale))
                    worstGradient = max(worstGradient, Double(abs(moments[i] - referenceMoments[k]) / gradientScale))
                }
            }
        }
        print("\(key) first step vs PyTorch: worst weight error \(worstWeight), worst gradient error \(worstGradient) (relative to each tensor's largest)")
        #expect(worstWeight <= 1e-4)
        #expect(worstGradient <= 1e-3)
    }

    /// Every generator conv bias except the output conv's (the only one with 3 channels) is followed by
    /// instance norm.
    static func biasesBeforeNorm(_ shapes: [String: [Int]]) -> Set<String> {
        Set(shapes.keys.filter { $0.hasSuffix(".bias") && shapes[$0] != [3] })
    }

    /// The discriminator's normalised stages: every bias but the first conv's and the 1-channel output's.
    static func biasesBeforeNorm(_ discriminator: PatchGANConfig) -> Set<String> {
        let shapes = discriminator.tensorShapes
        return Set(shapes.keys.filter { $0.hasSuffix(".bias") && $0 != "model.0.bias" && shapes[$0] != [1] })
    }
}
