import Foundation
import NN
import Reference
import Testing

/// Whole generators against PyTorch: small configurations of both architectures, converted official
/// checkpoints, and the official 256x256 configuration.
@Suite struct GeneratorReferenceTests {
    static let smallCases = Fixtures.files(in: "generators").filter {
        !$0.hasSuffix(".weights.safetensors") && !$0.hasPrefix("official")
    }

    static func config(from metadata: [String: String]) throws -> GeneratorConfig {
        GeneratorConfig(
            architecture: try #require(metadata["architecture"].flatMap(GeneratorArchitecture.init(rawValue:))),
            ngf: try #require(metadata["ngf"].flatMap { Int($0) }),
            nBlocks: try #require(metadata["n_blocks"].flatMap { Int($0) }),
            inputSize: try #require(metadata["input_size"].flatMap { Int($0) }),
            affineNorm: metadata["affine"] == "true",
            upsampling: try #require(GeneratorUpsampling(rawValue: metadata["upsampling"] ?? "transposed")))
    }

    @Test(arguments: smallCases)
    func smallGeneratorMatchesPyTorch(file: String) throws {
        let fixture = try Fixtures.load("generators/" + file)
        let config = try Self.config(from: fixture.metadata)
        let seed = UInt64(try fixture.integer("weights_seed"))
        let generator = try Generator(config: config, weights: Fixtures.weights(config: config, seed: seed))
        let input = try fixture.tensor("input")
        #expect(input == Fixtures.input(size: config.inputSize, seed: UInt64(try fixture.integer("input_seed"))))
        try Generator.validate(inputShape: input.shape)
        let output = generator.referenceForward(input)
        #expect(output.maxAbsDifference(try fixture.tensor("output")) <= 1e-4, "\(file)")
    }

    /// Files written by Python's safetensors load through `Generator.load`, and the Swift twin of the
    /// fixture PRNG reproduces their weights bit for bit.
    @Test(arguments: ["resnet_ngf4_b2_s16", "unet_ngf3_b1_s20_affine"])
    func loadsWeightsWrittenByPython(name: String) throws {
        let loaded = try Generator.load(from: Fixtures.url("generators/\(name).weights.safetensors"))
        let fixture = try Fixtures.load("generators/\(name).safetensors")
        let config = try Self.config(from: fixture.metadata)
        #expect(loaded.generator.config == config)
        #expect(loaded.generator.namedParameters == Fixtures.weights(config: config, seed: UInt64(try fixture.integer("weights_seed"))))
        let output = loaded.generator.referenceForward(try fixture.tensor("input"))
        #expect(output.maxAbsDifference(try fixture.tensor("output")) <= 1e-4)
    }

    @Test(arguments: [("resnet_pth", false), ("resnet_pth_affine", true)])
    func convertedOfficialCheckpointMatchesPyTorch(name: String, affine: Bool) throws {
        let loaded = try Generator.load(from: Fixtures.url("converted/\(name).safetensors"))
        #expect(loaded.generator.config == GeneratorConfig(architecture: .resnet, ngf: 4, nBlocks: 3, inputSize: 16, affineNorm: affine))
        let io = try Fixtures.load("converted/\(name)_io.safetensors")
        let output = loaded.generator.referenceForward(try io.tensor("input"))
        #expect(output.maxAbsDifference(try io.tensor("output")) <= 1e-4)
    }

    /// ngf 64, 9 blocks, 256x256 with `randomWeights(seed: 42)` — the weights PyTorch used are regenerated
    /// by scripts/reference/cyclegan.py's twin of the same PRNG.
    @Test func officialConfigurationMatchesPyTorch() throws {
        let fixture = try Fixtures.load("generators/official_resnet_256.safetensors")
        let config = GeneratorConfig()
        let generator = try Generator(config: config, weights: Generator.randomWeights(config: config, seed: 42))
        #expect(generator.parameterCount == 11_378_179)
        let output = generator.referenceForward(Fixtures.input(size: 256, seed: 43))
        #expect(output.maxAbsDifference(try fixture.tensor("output")) <= 1e-3)
    }
}
