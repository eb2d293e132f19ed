import ArgumentParser
import Kernels

@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cartoonify-bench",
        abstract: "Measures the CPU kernels, the planned generator forward pass and the face front end (build with -c release).",
        subcommands: [ModelCommand.self, KernelsCommand.self, FacesCommand.self],
        defaultSubcommand: ModelCommand.self)
}

/// Options shared by the subcommands.
struct KernelOptions: ParsableArguments {
    @Option(help: "Kernel path: portable, avx2 or avx512 (default: the best this CPU runs).")
    var kernels: String?

    @Option(help: "Threads per inference (intra-op parallelism).")
    var threads = 2

    func path() throws -> KernelPath {
        guard let kernels else { return .best }
        guard let path = KernelPath(rawValue: kernels), KernelPath.supported.contains(path) else {
            throw ValidationError("kernel path '\(kernels)' is not one of \(KernelPath.supported.map(\.rawValue))")
        }
        return path
    }
}
