import ArgumentParser
import Foundation
import Training

/// `cartoonify-train export`: the photo -> cartoon generator of any checkpoint as a weights file.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the photo -> cartoon generator of a checkpoint as a weights file the server loads.",
        discussion: "Works on a run in progress (the checkpoint is replaced atomically) and on a finished one.")

    @Option(help: "A checkpoint written by cartoonify-train (CHECKPOINT-DIR/checkpoint.safetensors).")
    var checkpoint: String
    @Option(help: "Where to write the weights (.safetensors).")
    var output: String
    @Option(help: ArgumentHelp("Extra metadata for the weights (repeatable).", valueName: "key=value"))
    var metadata: [String] = []

    func run() throws {
        let extra = try MetadataOption.parse(metadata)
        do {
            try GeneratorExport.export(checkpoint: checkpoint, extra: extra, to: output)
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
        print("wrote \(output)")
    }
}
