import ArgumentParser
import Foundation
import NN

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Check a weights file and print its architecture and metadata.")

    @Argument(help: "A generator weights file (safetensors).")
    var weights: String

    func run() throws {
        let loaded = try Generator.load(from: URL(fileURLWithPath: weights), direction: nil)
        let config = loaded.generator.config
        print("architecture  \(config.architecture.rawValue)")
        print("ngf           \(config.ngf)")
        print("n_blocks      \(config.nBlocks)")
        print("input_size    \(config.inputSize)")
        print("affine_norm   \(config.affineNorm)")
        print("upsampling    \(config.upsampling.rawValue)")
        print("parameters    \(loaded.generator.parameterCount)")
        print("sha256        \(loaded.sha256)")
        for (key, value) in loaded.metadata.sorted(by: { $0.key < $1.key }) {
            print("meta.\(key) = \(value)")
        }
    }
}
