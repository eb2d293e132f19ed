import ArgumentParser
import Kernels

/// Peak multiply-add rate, GEMM efficiency and single convolution layers, per kernel path.
struct KernelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels", abstract: "FMA peak, GEMM GFLOP/s and per-layer convolution times.")

    @OptionGroup var options: KernelOptions

    @Flag(help: "Also time single convolution layers of the official generator.")
    var layers = false

    @Option(help: "With --layers: only the layers whose name contains this; skips the peak and GEMM runs.")
    var only: String?

    @Option(help: "With --layers: timed runs per layer.")
    var runs = 7

    func run() throws {
        let paths = try KernelOptions.paths(options.kernels)
        for path in paths {
            for threads in Set([1, options.threads]).sorted() {
                let layerBench = LayerBenchmarks(path: path, threads: threads, only: only, runs: runs)
                if only != nil {
                    layerBench.report()
                    continue
                }
                let bench = KernelBenchmarks(path: path, threads: threads)
                let peak = bench.peak()
                print("\(path) threads \(threads): multiply-add peak \(format(peak)) GFLOP/s")
                for (m, k, n) in [(256, 256, 256), (1020, 1024, 1024), (256, 2304, 4096)] {
                    let gflops = bench.gemm(m: m, k: k, n: n)
                    print("  gemm \(m)x\(k)x\(n): \(format(gflops)) GFLOP/s = \(format(100 * gflops / peak))% of peak")
                    if threads == 1, path == .avx512, let bf16 = bench.bf16Gemm(m: m, k: k, n: n) {
                        print("  bf16 gemm \(m)x\(k)x\(n): \(format(bf16)) GFLOP/s = \(format(bf16 / gflops, 2))x float32")
                    }
                }
                if layers { layerBench.report() }
            }
        }
    }
}
