import ArgumentParser
import Foundation
import NN

/// Untrained weights with the trainer's initialisation: what the bundled default is until a trained
/// model replaces it, and how tests make model files of any shape.
struct InitWeightsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init-weights", abstract: "Write a randomly initialised generator weights file.")

    @Option(help: "resnet or unet-resnet.")
    var architecture = "resnet"
    @Option(help: "transposed or resize.")
    var upsampling = "transposed"
    @Option var ngf = 32
    @Option var blocks = 6
    @Option(help: "Input edge in pixels.")
    var size = 128
    @Option var seed: UInt64 = 1
    @Argument(help: "Where to write the safetensors file.")
    var output: String

    func run() throws {
        guard let arch = GeneratorArchitecture(rawValue: architecture) else {
            throw ValidationError("architecture must be resnet or unet-resnet, got '\(architecture)'.")
        }
        guard let upsampling = GeneratorUpsampling(rawValue: upsampling) else {
            throw ValidationError("upsampling must be transposed or resize, got '\(self.upsampling)'.")
        }
        guard ngf > 0, blocks >= 0, size >= 16, size % 16 == 0 else {
            throw ValidationError("ngf must be positive, blocks non-negative, size a multiple of 16 of at least 16.")
        }
        let config = GeneratorConfig(architecture: arch, ngf: ngf, nBlocks: blocks, inputSize: size, upsampling: upsampling)
        let file = SafeTensorsFile(
            tensors: Generator.randomWeights(config: config, seed: seed),
            metadata: Generator.metadata(for: config).merging(["trained_steps": "0", "seed": String(seed), "note": "untrained"]) { $1 })
        try file.write(to: URL(fileURLWithPath: output))
        print("wrote \(output)")
    }
}
