import ArgumentParser
import Foundation
import Training

/// `cartoonify-train plot`: the loss plot of a run, from its log, at any time.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plot", abstract: "Draw a run's losses.jsonl as a PNG plot.")

    @Option(help: "The run's loss log (CHECKPOINT-DIR/losses.jsonl).")
    var log: String
    @Option(help: "Where to write the plot (.png).")
    var output: String

    func run() throws {
        do {
            try LossPlot.write(logPath: log, to: output)
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
        print("wrote \(output)")
    }
}
