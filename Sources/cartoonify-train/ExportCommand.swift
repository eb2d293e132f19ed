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
            --generator cartoon-to-photo writes G's cycle partner instead, for a later run's --init-partner; \
            --all-networks writes all four networks without the optimiser state, for a later run's --init-checkpoint.
            """)

    @Option(help: "A checkpoint written by cartoonify-train (CHECKPOINT-DIR/checkpoint.safetensors).")
    var checkpoint: String
    @Option(help: "Where to write the weights (.safetensors).")
    var output: String
    @Option(help: "Which generator: photo-to-cartoon (the server's model) or cartoon-to-photo (its cycle partner).")
    var generator: String = GeneratorDirection.photoToCartoon.rawValue
    @Option(help: ArgumentHelp("Extra metadata for the weights (repeatable).", valueName: "key=value"))
    var metadata: [String] = []
    @Flag(help: "Write G's weights of the checkpoint's last step, not the average of its weights that a run with --average-decay keeps (and exports by default).")
    var unaveraged = false
    @Flag(help: "Write both generators and both discriminators, without the optimiser state (a third of the checkpoint), for another run's --init-checkpoint.")
    var allNetworks = false

    func run() throws {
        let extra = try MetadataOption.parse(metadata)
        guard let direction = GeneratorDirection(rawValue: generator) else {
            throw ValidationError("--generator must be one of: " + GeneratorDirection.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard !allNetworks || (metadata.isEmpty && direction == .photoToCartoon) else {
            throw ValidationError("--all-networks writes every network with the checkpoint's own metadata: give it without --generator or --metadata")
        }
        do {
            if allNetworks {
                try Checkpoint.writeNetworks(of: checkpoint, to: output)
            } else {
                try GeneratorExport.export(checkpoint: checkpoint, direction: direction, averaged: !unaveraged, extra: extra, to: output)
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
        print("wrote \(output)")
    }
}
