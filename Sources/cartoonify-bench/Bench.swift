import ArgumentParser
import Foundation
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
    @Option(help: "Kernel path: portable, avx2 or avx512 (default: the best this CPU runs, or CARTOONIFY_KERNELS).")
    var kernels: String?

    @Option(help: "Threads per inference (intra-op parallelism).")
    var threads = 2

    func path() throws -> KernelPath {
        try kernels.map(Self.supported) ?? KernelPath.requested(ProcessInfo.processInfo.environment[KernelPath.environmentVariable])
    }

    /// The path named `name`, where this CPU runs it.
    static func supported(_ name: String) throws -> KernelPath {
        guard let path = KernelPath(rawValue: name), KernelPath.supported.contains(path) else {
            throw ValidationError("kernel path '\(name)' is not one of \(KernelPath.supported.map(\.rawValue))")
        }
        return path
    }

    /// The path named `name`, or every path this CPU runs (best first) when nil.
    static func paths(_ name: String?) throws -> [KernelPath] {
        try name.map { [try supported($0)] } ?? KernelPath.supported.reversed()
    }
}
