import Autograd
import NN
import Reference
import Testing

/// The trainable networks against the reference forward and the official shapes.
@Suite struct NetworkTests {
    /// The tape's generator is the reference generator layer for layer, in both architectures.
    @Test(arguments: [(GeneratorArchitecture.resnet, false), (.resnet, true), (.unetResnet, false), (.unetResnet, true)])
    func tapeGeneratorMatchesInference(architecture: GeneratorArchitecture, affine: Bool) throws {
        let config = GeneratorConfig(architecture: architecture, ngf: 4, nBlocks: 2, inputSize: 16, affineNorm: affine)
        var weights = Generator.randomWeights(config: config, seed: 3)
        if affine {
            // Non-trivial scales and shifts, so a missing affine step would show.
            for (name, tensor) in weights where tensor.shape.count == 1 {
                weights[name] = randomTensor(tensor.shape, seed: UInt64(name.utf8.count), scale: 0.5)
            }
        }
        let generator = try Generator(config: config, weights: weights)
        let input = randomTensor([2, 3, 16, 16], seed: 4)
        let tape = Tape()
        let output = tape.generator(tape.constant(input), config: config,
                                    parameters: weights.mapValues { tape.constant($0) })
        #expect(tape.value(output).maxAbsDifference(generator.referenceForward(input)) <= 1e-5)
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
        let tape = Tape()
        let parameters = small.tensorShapes.mapValues { shape in
            tape.constant(Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in rng.nextUniform(bound: 0.1) }))
        }
        let scores = tape.patchGAN(tape.constant(Tensor(zeros: [1, 3, 256, 256])), config: small, parameters: parameters)
        #expect(tape.value(scores).shape == [1, 1, 30, 30])
    }
}
