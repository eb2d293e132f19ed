import ArgumentParser

@main
struct CartoonifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cartoonify",
        abstract: "Run, inspect and make Cartoonify weights files from the command line.",
        subcommands: [RunCommand.self, InspectCommand.self, InitWeightsCommand.self, EvalCommand.self,
                      MeasureFramingCommand.self])
}
