import ArgumentParser
import Foundation
import NN
import Training

/// `cartoonify-train export`: a generator of any checkpoint as a weights file.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the photo -> cartoon generator of a checkpoint as a weights file the server loads.",
        discussion: """
            Works on a run in progress (the checkpoint is replaced atomically) and on a finished one. \
            --generator cartoon-to-photo writes G's cycle partner instead, for a later run's --init-partner.
            """)

    @Option(help: "A checkpoint written by cartoonify-train (CHECKPOINT-DIR/checkpoint.safetensors).")
    var checkpoint: String
    @Option(help: "Where to write the weights (.safetensors).")
    var output: String
    @Option(help: "Which generator: photo-to-cartoon (the server's model) or cartoon-to-photo (its cycle partner).")
    var generator: String = GeneratorDirection.photoToCartoon.rawValue
    @Option(help: ArgumentHelp("Extra metadata for the weights (repeatable).", valueName: "key=value"))
    var metadata: [String] = []

    func run() throws {
        let extra = try MetadataOption.parse(metadata)
        guard let direction = GeneratorDirection(rawValue: generator) else {
            throw ValidationError("--generator must be one of: " + GeneratorDirection.allCases.map(\.rawValue).joined(separator: ", "))
        }
        do {
            try GeneratorExport.export(checkpoint: checkpoint, direction: direction, extra: extra, to: output)
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
        print("wrote \(output)")
    }
}
