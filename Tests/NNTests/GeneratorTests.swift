import Foundation
import NN
import Reference
import Testing

@Suite struct GeneratorTests {
    static let small = GeneratorConfig(ngf: 4, nBlocks: 2, inputSize: 16)

    @Test func officialTensorNamesMatchPyTorchStateDict() {
        let names = Generator.tensorNames(config: GeneratorConfig())
        #expect(names.count == 2 * (3 + 18 + 2 + 1))
        #expect(names["model.1.weight"] == [64, 3, 7, 7])
        #expect(names["model.4.weight"] == [128, 64, 3, 3])
        #expect(names["model.7.bias"] == [256])
        #expect(names["model.10.conv_block.1.weight"] == [256, 256, 3, 3])
        #expect(names["model.18.conv_block.5.bias"] == [256])
        #expect(names["model.19.weight"] == [256, 128, 3, 3])
        #expect(names["model.22.weight"] == [128, 64, 3, 3])
        #expect(names["model.26.weight"] == [3, 64, 7, 7])
        #expect(names["model.2.weight"] == nil)
        let affine = Generator.tensorNames(config: GeneratorConfig(affineNorm: true))
        #expect(affine["model.2.weight"] == [64])
        #expect(affine["model.10.conv_block.6.bias"] == [256])
        #expect(affine["model.23.weight"] == [64])
    }

    @Test func unetNamesCarryTheSkipChannels() {
        let names = Generator.tensorNames(config: GeneratorConfig(architecture: .unetResnet, ngf: 8, nBlocks: 5))
        #expect(names["up.0.deconv.weight"] == [64, 16, 3, 3])
        #expect(names["up.1.deconv.weight"] == [32, 8, 3, 3])
        #expect(names["head.conv.weight"] == [3, 16, 7, 7])
        #expect(names["blocks.4.conv2.weight"] == [32, 32, 3, 3])
        // Resize upsampling: a plain convolution after the nearest 2x, [Cout, Cin, 3, 3].
        let resize = Generator.tensorNames(config: GeneratorConfig(architecture: .unetResnet, ngf: 8, nBlocks: 5, upsampling: .resize))
        #expect(resize["up.0.conv.weight"] == [16, 64, 3, 3] && resize["up.0.deconv.weight"] == nil)
        #expect(resize["up.1.conv.weight"] == [8, 32, 3, 3])
        #expect(Generator.tensorNames(config: GeneratorConfig(ngf: 8, nBlocks: 2, upsampling: .resize))["model.12.weight"] == [16, 32, 3, 3])
    }

    @Test func randomWeightsFollowTheCycleGANInit() throws {
        let config = GeneratorConfig(ngf: 8, nBlocks: 2, affineNorm: true)
        let weights = Generator.randomWeights(config: config, seed: 5)
        #expect(weights == Generator.randomWeights(config: config, seed: 5))
        #expect(weights != Generator.randomWeights(config: config, seed: 6))
        let conv = try #require(weights["model.10.conv_block.1.weight"]).storage.map(Double.init)
        let std = (conv.reduce(0) { $0 + $1 * $1 } / Double(conv.count)).squareRoot()
        #expect(abs(std - 0.02) < 0.001)
        #expect(try #require(weights["model.1.bias"]).storage.allSatisfy { $0 == 0 })
        #expect(try #require(weights["model.2.weight"]).storage.allSatisfy { $0 == 1 })
        let generator = try Generator(config: config, weights: weights)
        #expect(generator.namedParameters == weights)
    }

    @Test func rejectsMissingExtraAndMisshapenTensors() {
        var weights = Generator.randomWeights(config: Self.small, seed: 1)
        weights["model.4.bias"] = nil
        #expect(throws: WeightsError.missingTensor(name: "model.4.bias", shape: [8])) {
            try Generator(config: Self.small, weights: weights)
        }
        weights = Generator.randomWeights(config: Self.small, seed: 1)
        weights["model.4.weight"] = Tensor(zeros: [8, 4, 3, 1])
        #expect(throws: WeightsError.shapeMismatch(name: "model.4.weight", expected: [8, 4, 3, 3], found: [8, 4, 3, 1])) {
            try Generator(config: Self.small, weights: weights)
        }
        weights = Generator.randomWeights(config: Self.small, seed: 1)
        weights["model.2.weight"] = Tensor(zeros: [4])
        #expect(throws: WeightsError.unexpectedTensor(name: "model.2.weight", shape: [4])) {
            try Generator(config: Self.small, weights: weights)
        }
        #expect(throws: WeightsError.self) {
            try Generator(config: GeneratorConfig(ngf: 0), weights: [:])
        }
    }

    @Test(arguments: [[1, 3, 16], [0, 3, 16, 16], [1, 4, 16, 16], [1, 3, 18, 16], [1, 3, 16, 6], [1, 3, 4, 4]])
    func validateRejectsUnusableShapes(shape: [Int]) {
        #expect(throws: GeneratorInputError.self) { try Generator.validate(inputShape: shape) }
    }

    @Test func acceptsNonSquareMultiplesOfFour() throws {
        try Generator.validate(inputShape: [2, 3, 12, 20])
        for architecture in GeneratorArchitecture.allCases {
            let config = GeneratorConfig(architecture: architecture, ngf: 2, nBlocks: 1, inputSize: 16)
            let generator = try Generator(config: config, weights: Generator.randomWeights(config: config, seed: 3))
            let output = generator.referenceForward(Tensor(repeating: 0.5, shape: [2, 3, 12, 20]))
            #expect(output.shape == [2, 3, 12, 20])
            #expect(output.storage.allSatisfy { $0 >= -1 && $0 <= 1 })
        }
    }

    /// Save, then load: the config comes back from metadata and shapes, and the output is identical.
    @Test(arguments: GeneratorArchitecture.allCases, GeneratorUpsampling.allCases)
    func savedGeneratorLoadsBack(architecture: GeneratorArchitecture, upsampling: GeneratorUpsampling) throws {
        let config = GeneratorConfig(architecture: architecture, ngf: 3, nBlocks: 2, inputSize: 12, affineNorm: true,
                                     upsampling: upsampling)
        let generator = try Generator(config: config, weights: Fixtures.weights(config: config, seed: 9))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gen-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafeTensorsFile(tensors: generator.namedParameters, metadata: Generator.metadata(for: config)).write(to: url)
        let loaded = try Generator.load(from: url)
        #expect(loaded.generator.config == config)
        let input = Fixtures.input(size: 12, seed: 1)
        #expect(loaded.generator.referenceForward(input) == generator.referenceForward(input))
        #expect(loaded.sha256.count == 64)
    }

    /// Names and shapes tell the architecture and the upsampling (the resnet's up stages only by shape).
    @Test(arguments: GeneratorArchitecture.allCases, GeneratorUpsampling.allCases)
    func loadInfersConfigWithoutMetadata(architecture: GeneratorArchitecture, upsampling: GeneratorUpsampling) throws {
        let config = GeneratorConfig(architecture: architecture, ngf: 2, nBlocks: 3, inputSize: 256, upsampling: upsampling)
        let file = SafeTensorsFile(tensors: Generator.randomWeights(config: config, seed: 2), metadata: [:])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gen-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try file.write(to: url)
        #expect(try Generator.load(from: url).generator.config == config)
    }

    @Test(arguments: [
        (["architecture": "vgg"], "architecture"),
        (["ngf": "5"], "ngf"),
        (["n_blocks": "two"], "n_blocks"),
        (["norm": "batch"], "norm"),
        (["input_size": "30"], "input_size"),
        (["affine": "true"], "affine"),
        (["upsampling": "bilinear"], "upsampling"),
        (["direction": "sideways"], "direction"),
        (["direction": "cartoon-to-photo"], "direction"),
    ])
    func loadRejectsContradictoryMetadata(metadata: [String: String], field: String) throws {
        let file = SafeTensorsFile(tensors: Generator.randomWeights(config: Self.small, seed: 2), metadata: metadata)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gen-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try file.write(to: url)
        #expect {
            try Generator.load(from: url)
        } throws: { error in
            guard case WeightsError.invalidMetadata(let name, _, _) = error else { return false }
            return name == field
        }
    }

    /// A trainer's partner file (cartoon -> photo) loads only where asked for, never as the served model.
    @Test func loadTakesACartoonToPhotoFileOnlyWhenAsked() throws {
        let file = SafeTensorsFile(tensors: Generator.randomWeights(config: Self.small, seed: 2),
                                   metadata: ["direction": "cartoon-to-photo"])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gen-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try file.write(to: url)
        #expect(throws: WeightsError.invalidMetadata(field: "direction", value: "cartoon-to-photo", reason:
            "a cartoon -> photo generator (a trainer's partner file, for cartoonify-train --init-partner), where a photo -> cartoon one is needed")) {
            try Generator.load(from: url)
        }
        #expect(try Generator.load(from: url, direction: .cartoonToPhoto).metadata["direction"] == "cartoon-to-photo")
        #expect(try Generator.load(from: url, direction: nil).metadata["direction"] == "cartoon-to-photo")
    }

    @Test func forwardIsSafeFromManyThreads() async throws {
        let generator = try Generator(config: Self.small, weights: Generator.randomWeights(config: Self.small, seed: 4))
        let input = Fixtures.input(size: 16, seed: 5)
        let expected = generator.referenceForward(input)
        let outputs = await withTaskGroup(of: Tensor.self) { group in
            for _ in 0..<4 { group.addTask { generator.referenceForward(input) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outputs.allSatisfy { $0 == expected })
    }
}

@Suite struct GeneratorLoadErrorTests {
    @Test func wrongArchitectureInMetadataIsExplained() throws {
        let config = GeneratorConfig(ngf: 2, nBlocks: 1, inputSize: 16)
        let file = SafeTensorsFile(tensors: Generator.randomWeights(config: config, seed: 1),
                                   metadata: ["architecture": "unet-resnet"])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gen-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try file.write(to: url)
        #expect {
            try Generator.load(from: url)
        } throws: { error in
            guard case WeightsError.cannotInfer(let reason) = error else { return false }
            return reason.contains("stem.conv.weight")
        }
    }

    @Test func truncatedWeightsFileNamesTheTensor() throws {
        let source = Fixtures.url("generators/resnet_ngf4_b2_s16.weights.safetensors")
        let bytes = try Data(contentsOf: source)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gen-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try bytes.prefix(bytes.count - 100).write(to: url)
        #expect {
            try Generator.load(from: url)
        } throws: { error in
            guard case WeightsError.truncated(let tensor, _, _) = error else { return false }
            return tensor.hasPrefix("model.")
        }
    }
}
