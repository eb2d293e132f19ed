import Foundation
import Testing

/// `cartoonify-train` reads `CARTOONIFY_KERNELS` in the executable, as the server does, and hands the path
/// to the training engine: a lower path is run, an unknown name is refused before any work.
@Suite struct TrainerEnvironmentTests {
    /// A tiny `--benchmark 1` under `kernels`: (exit status, stdout, stderr).
    static func benchmark(kernels: String) throws -> (Int32, String, String) {
        try ToolProcess.run("cartoonify-train", ["--benchmark", "1", "--size", "16", "--ngf", "2", "--blocks", "1", "--ndf", "2",
                                                "--discriminator-layers", "2"], environment: ["CARTOONIFY_KERNELS": kernels])
    }

    @Test func unknownKernelPathIsAUsageError() throws {
        let (status, printed, message) = try Self.benchmark(kernels: "sse9")
        #expect(status == 64)
        #expect(message.contains("CARTOONIFY_KERNELS='sse9' is not a kernel path: use one of portable, avx2, avx512."),
                "\(message)")
        #expect(!printed.contains("benchmark:"), "the run started: \(printed)")
    }

    @Test func portablePathIsTheOneTrained() throws {
        let (status, printed, message) = try Self.benchmark(kernels: "portable")
        #expect(status == 0, "\(message)")
        #expect(printed.contains("portable kernels"), "\(printed)")
        #expect(printed.contains("seconds per iteration"))
    }
}
