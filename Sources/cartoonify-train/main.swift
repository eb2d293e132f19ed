import ArgumentParser

/// `cartoonify-train`: trains the CycleGAN whose photo -> cartoon generator the server loads, and the tools
/// around a run (export a checkpoint, plot its losses).
struct TrainerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cartoonify-train",
        abstract: "Train a CycleGAN that turns face photos into cartoons, and export the photo -> cartoon generator.",
        subcommands: [TrainCommand.self, ExportCommand.self, PlotCommand.self, TargetCommand.self],
        defaultSubcommand: TrainCommand.self)
}

TrainerCommand.main()
