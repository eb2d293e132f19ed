import Autograd
import NN
import Parallel
import Reference
import Testing

/// The trainable networks against the reference forward and the official shapes.
@Suite struct NetworkTests {
    /// The tape's generator is the reference generator layer for layer, in both architectures.
    @Test(arguments: [(GeneratorArchitecture.resnet, false, GeneratorUpsampling.transposed), (.resnet, true, .transposed),
                      (.unetResnet, false, .transposed), (.unetResnet, true, .transposed), (.unetResnet, true, .resize),
                      (.resnet, false, .resize)])
    func tapeGeneratorMatchesInference(architecture: GeneratorArchitecture, affine: Bool, upsampling: GeneratorUpsampling) throws {
        let config = GeneratorConfig(architecture: architecture, ngf: 4, nBlocks: 2, inputSize: 16, affineNorm: affine,
                                     upsampling: upsampling)
        var weights = Generator.randomWeights(config: config, seed: 3)
        if affine {
            // Non-trivial scales and shifts, so a missing affine step would show.
            for (name, tensor) in weights where tensor.shape.count == 1 {
                weights[name] = randomTensor(tensor.shape, seed: UInt64(name.utf8.count), scale: 0.5)
            }
        }
        let generator = try Generator(config: config, weights: weights)
        let input = randomTensor([2, 3, 16, 16], seed: 4)
        let tape = Tape(kernels: TrainingKernels())
        let output = tape.generator(tape.constant(input), config: config,
                                    parameters: weights.mapValues { tape.constant($0) })
        #expect(tape.value(output).maxAbsDifference(generator.referenceForward(input)) <= 1e-5)
    }

    /// Generators no fixture has (other widths and block counts, none to several blocks), built from the
    /// layout alone with seeded weights: the inference plan and the training tape both walk the layout's
    /// stages and skips, so they agree without either knowing the variant.
    @Test(arguments: [(GeneratorArchitecture.resnet, 3, 0), (.resnet, 5, 3), (.unetResnet, 3, 1), (.unetResnet, 6, 4)])
    func planAndTapeAgreeOnLayoutVariants(architecture: GeneratorArchitecture, ngf: Int, blocks: Int) throws {
        let config = GeneratorConfig(architecture: architecture, ngf: ngf, nBlocks: blocks, inputSize: 12, affineNorm: true)
        let layout = GeneratorLayout(config: config)
        // The U-Net joins each encoder output to the decoder stage of its size; the head takes the stem's.
        #expect(layout.skips.map { [$0.encoder, $0.decoder, $0.channels] }
            == (architecture == .unetResnet ? [[2, 0, 4 * ngf], [1, 1, 2 * ngf], [0, 2, ngf]] : []))
        var weights = Generator.randomWeights(config: config, seed: UInt64(10 * ngf + blocks))
        for (name, tensor) in weights where tensor.shape.count == 1 {
            weights[name] = randomTensor(tensor.shape, seed: UInt64(name.utf8.count + blocks), scale: 0.5)
        }
        #expect(weights[layout.head.prefix + ".weight"]?.shape == [3, architecture == .unetResnet ? 2 * ngf : ngf, 7, 7])
        let input = randomTensor([2, 3, 12, 16], seed: 5)
        let planned = GeneratorPlan(try Generator(config: config, weights: weights))
            .forward(input, arena: InferenceArena(), context: ComputeContext(threads: 2))
        let tape = Tape(kernels: TrainingKernels())
        let recorded = tape.value(tape.generator(tape.constant(input), config: config,
                                                 parameters: weights.mapValues { tape.constant($0) }))
        #expect(recorded.shape == [2, 3, 12, 16])
        #expect(recorded.storage.contains { abs($0) > 0.05 }, "a near-zero output would compare nothing")
        #expect(planned.maxAbsDifference(recorded) <= 1e-4)
    }

    @Test func patchGANShapesAndReceptiveField() {
        let config = PatchGANConfig(ndf: 64, layers: 3)
        let shapes = config.tensorShapes
        #expect(shapes["model.0.weight"] == [64, 3, 4, 4])
        #expect(shapes["model.2.weight"] == [128, 64, 4, 4])
        #expect(shapes["model.5.weight"] == [256, 128, 4, 4])
        #expect(shapes["model.8.weight"] == [512, 256, 4, 4])
        #expect(shapes["model.11.weight"] == [1, 512, 4, 4])
        #expect(shapes.count == 10)
        #expect(config.minimumInputSize == 24)
        // 70x70 patches on a 256 input give the familiar 30x30 score map.
        let small = PatchGANConfig(ndf: 2, layers: 3)
        var rng = SplitMix64(seed: 1)
        let tape = Tape(kernels: TrainingKernels())
        let parameters = small.tensorShapes.mapValues { shape in
            tape.constant(Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in rng.nextUniform(bound: 0.1) }))
        }
        let scores = tape.patchGAN(tape.constant(Tensor(zeros: [1, 3, 256, 256])), config: small, parameters: parameters)
        #expect(tape.value(scores).shape == [1, 1, 30, 30])
    }
}
