import Foundation
import Kernels
import NN
import Parallel
import Reference
import Testing

/// The planned (fast-kernel) forward pass against PyTorch's outputs and the reference `Generator.forward`,
/// on every kernel path this machine runs (the portable one always).
@Suite struct GeneratorPlanTests {
    static let paths = KernelPath.supported

    @Test(arguments: paths, GeneratorReferenceTests.smallCases)
    func smallGeneratorsMatchPyTorch(path: KernelPath, file: String) throws {
        let fixture = try Fixtures.load("generators/" + file)
        let config = try GeneratorReferenceTests.config(from: fixture.metadata)
        let seed = UInt64(try fixture.integer("weights_seed"))
        let generator = try Generator(config: config, weights: Fixtures.weights(config: config, seed: seed))
        let plan = GeneratorPlan(generator, kernels: path)
        let output = plan.forward(try fixture.tensor("input"), arena: InferenceArena(), context: ComputeContext(threads: 2))
        #expect(output.maxAbsDifference(try fixture.tensor("output")) <= 1e-4, "\(file) on \(path)")
    }

    @Test(arguments: paths)
    func officialConfigurationMatchesPyTorch(path: KernelPath) throws {
        let fixture = try Fixtures.load("generators/official_resnet_256.safetensors")
        let config = GeneratorConfig()
        let generator = try Generator(config: config, weights: Generator.randomWeights(config: config, seed: 42))
        let plan = GeneratorPlan(generator, kernels: path)
        let arena = InferenceArena()
        let output = plan.forward(Fixtures.input(size: 256, seed: 43), arena: arena, context: ComputeContext(threads: 2))
        #expect(output.maxAbsDifference(try fixture.tensor("output")) <= 1e-3)
        // Issue 5's memory bound (README, Performance): one full-resolution slot for every raw output, the
        // residual stream and the largest workspace (the head's), ~42 MiB; a slot per role was 62 MiB.
        #expect(arena.capacity * MemoryLayout<Float>.size <= 44 << 20)
    }

    /// Batches, non-square inputs, affine norms, conv biases, one arena reused across sizes and thread counts.
    /// Resize upsampling runs as a 4x4 transposed convolution; the reference upsamples, then convolves.
    @Test(arguments: paths, [(GeneratorArchitecture.resnet, GeneratorUpsampling.transposed), (.unetResnet, .transposed),
                             (.resnet, .resize), (.unetResnet, .resize)])
    func matchesReferenceForwardAcrossShapes(path: KernelPath, model: (GeneratorArchitecture, GeneratorUpsampling)) throws {
        let config = GeneratorConfig(architecture: model.0, ngf: 8, nBlocks: 2, inputSize: 32, affineNorm: true,
                                     upsampling: model.1)
        var weights = Generator.randomWeights(config: config, seed: 9)
        var rng = SplitMix64(seed: 10)
        for (name, tensor) in weights where name.hasSuffix(".bias") || name.hasSuffix("norm.weight") {
            weights[name] = Tensor(shape: tensor.shape, storage: tensor.storage.map { _ in Float(rng.nextGaussian() * 0.5) + 0.5 })
        }
        let generator = try Generator(config: config, weights: weights)
        let plan = GeneratorPlan(generator, kernels: path)
        let arena = InferenceArena()
        for (shape, threads) in [([2, 3, 32, 48], 2), ([1, 3, 20, 8], 1), ([1, 3, 36, 36], 2)] {
            let input = Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in Float(rng.nextGaussian()) })
            let output = plan.forward(input, arena: arena, context: ComputeContext(threads: threads))
            #expect(output.maxAbsDifference(generator.referenceForward(input)) <= 1e-4, "\(shape) on \(path)")
        }
    }

    /// Workers share one plan, each with its own arena, at the same time.
    @Test func concurrentForwardsOnOnePlanAgree() throws {
        let config = GeneratorConfig(ngf: 8, nBlocks: 2, inputSize: 32)
        let generator = try Generator(config: config, weights: Generator.randomWeights(config: config, seed: 3))
        let plan = GeneratorPlan(generator)
        let inputs = (0..<4).map { i in
            Tensor(shape: [1, 3, 32, 32], storage: (0..<3 * 32 * 32).map { Float(($0 * (i + 7)) % 97) / 48 - 1 })
        }
        let expected = inputs.map { generator.referenceForward($0) }
        let results = Results(count: inputs.count)
        DispatchQueue.concurrentPerform(iterations: inputs.count) { i in
            results.set(i, plan.forward(inputs[i], arena: InferenceArena(), context: .serial))
        }
        for i in inputs.indices {
            #expect(try #require(results.get(i)).maxAbsDifference(expected[i]) <= 1e-4)
        }
    }

    /// Outputs written from several threads, read after they joined.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Tensor?]

        init(count: Int) { values = Array(repeating: nil, count: count) }

        func set(_ i: Int, _ value: Tensor) {
            lock.lock()
            values[i] = value
            lock.unlock()
        }

        func get(_ i: Int) -> Tensor? {
            lock.lock()
            defer { lock.unlock() }
            return values[i]
        }
    }

    @Test func observerSeesEveryLayerOnce() throws {
        let config = GeneratorConfig(ngf: 4, nBlocks: 3, inputSize: 16)
        let generator = try Generator(config: config, weights: Generator.randomWeights(config: config, seed: 1))
        var layers: [String] = []
        _ = GeneratorPlan(generator).forward(Tensor(zeros: [1, 3, 16, 16]), arena: InferenceArena(), context: .serial) { name, seconds in
            layers.append(name)
            #expect(seconds >= 0)
        }
        #expect(layers == ["stem", "down.0", "down.1"] + (0..<3).flatMap { ["block.\($0).conv1", "block.\($0).conv2"] }
            + ["up.0", "up.1", "head"])
    }
}
