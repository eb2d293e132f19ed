import Kernels
import KernelsCore
import NN
import Parallel

/// Times single convolution layers of the official generator in isolation.
struct LayerBenchmarks {
    let path: KernelPath
    let threads: Int
    /// Only layers whose name contains this (for profiling one layer).
    var only: String?
    var runs = 7

    func conv(channels: Int, outChannels: Int, size: Int, kernel: Int, stride: Int, padding: Int,
              algorithm: ConvAlgorithm?) -> (milliseconds: Double, gflops: Double) {
        var random = SplitMix64(seed: 3)
        let weights = (0..<outChannels * channels * kernel * kernel).map { _ in random.nextUniform(bound: 1) * 0.05 }
        let input = (0..<channels * size * size).map { _ in random.nextUniform(bound: 1) }
        let plan = weights.withUnsafeBufferPointer {
            Conv2dPlan(weights: $0, bias: nil, outChannels: outChannels, inChannels: channels, kernelHeight: kernel,
                       kernelWidth: kernel, stride: stride, padding: padding, paddingMode: .reflect, algorithm: algorithm)
        }
        let out = plan.outputSize(height: size, width: size)
        var output = [Float](repeating: 0, count: outChannels * out.height * out.width)
        var workspace = [Float](repeating: 0, count: plan.workspaceCount(height: size, width: size, threads: threads))
        let time = output.withUnsafeMutableBufferPointer { o in
            workspace.withUnsafeMutableBufferPointer { ws in
                measure(runs: runs, cpuTime: threads == 1) {
                    plan.run(isa: path.isa, input: input, height: size, width: size, output: o.baseAddress!,
                             workspace: ws, context: ComputeContext(threads: threads))
                }.min
            }
        }
        let flops = 2.0 * Double(outChannels * channels * kernel * kernel * out.height * out.width)
        return (time * 1e3, flops / time / 1e9)
    }

    func convTranspose(channels: Int, outChannels: Int, size: Int, precision: Precision) -> (milliseconds: Double, gflops: Double) {
        var random = SplitMix64(seed: 4)
        let weights = (0..<outChannels * channels * 9).map { _ in random.nextUniform(bound: 1) * 0.05 }
        let input = (0..<channels * size * size).map { _ in random.nextUniform(bound: 1) }
        let plan = weights.withUnsafeBufferPointer {
            ConvTranspose2dPlan(weights: $0, bias: nil, inChannels: channels, outChannels: outChannels, kernelSize: 3,
                                stride: 2, padding: 1, outputPadding: 1, precision: precision)
        }
        var output = [Float](repeating: 0, count: outChannels * 4 * size * size)
        var workspace = [Float](repeating: 0, count: plan.workspaceCount(height: size, width: size, threads: threads))
        let time = output.withUnsafeMutableBufferPointer { o in
            workspace.withUnsafeMutableBufferPointer { ws in
                measure(runs: runs, cpuTime: threads == 1) {
                    plan.run(isa: path.isa, input: input, height: size, width: size, output: o.baseAddress!,
                             workspace: ws, context: ComputeContext(threads: threads))
                }.min
            }
        }
        let flops = 2.0 * Double(outChannels * channels * 9 * size * size)
        return (time * 1e3, flops / time / 1e9)
    }

    func report() {
        let convs: [(String, Int, Int, Int, Int, Int, Int, ConvAlgorithm?)] = [
            ("7x7 3->64 @256", 3, 64, 256, 7, 1, 3, .implicitGEMM),
            ("3x3s2 64->128 @256", 64, 128, 256, 3, 2, 1, .implicitGEMM),
            ("3x3s2 128->256 @128", 128, 256, 128, 3, 2, 1, .implicitGEMM),
            ("3x3 256->256 @64 direct", 256, 256, 64, 3, 1, 1, .implicitGEMM),
            ("3x3 256->256 @64 bf16", 256, 256, 64, 3, 1, 1, .bf16GEMM),
            ("3x3 256->256 @64 winograd", 256, 256, 64, 3, 1, 1, .winograd),
            ("3x3 128->128 @32 winograd", 128, 128, 32, 3, 1, 1, .winograd),
            ("3x3 256->256 @32 winograd", 256, 256, 32, 3, 1, 1, .winograd),
            ("7x7 64->3 @256", 64, 3, 256, 7, 1, 3, nil),
            ("3x3s2 64->128 @64", 64, 128, 64, 3, 2, 1, .implicitGEMM),
            ("7x7 32->3 @128", 32, 3, 128, 7, 1, 3, nil),
        ]
        // bfloat16 where the CPU has it: each implicit-GEMM layer again, beside its float32 time.
        let bf16: [(String, Int, Int, Int, Int, Int, Int, ConvAlgorithm?)] = !Precision.bf16Supported ? [] :
            convs.filter { $0.7 == .implicitGEMM }.map { ($0.0 + " bf16", $0.1, $0.2, $0.3, $0.4, $0.5, $0.6, .bf16GEMM) }
        for (name, c, o, size, k, s, p, algorithm) in convs + bf16 where only.map(name.contains) ?? true {
            let r = conv(channels: c, outChannels: o, size: size, kernel: k, stride: s, padding: p, algorithm: algorithm)
            print("  \(name): \(format(r.milliseconds, 2)) ms, \(format(r.gflops)) GFLOP/s (direct-equivalent)")
        }
        for (c, o, size) in [(256, 128, 64), (128, 64, 128)] {
            for precision in Precision.bf16Supported ? [Precision.f32, .bf16] : [.f32] {
                let name = "convT \(c)->\(o) @\(size)" + (precision == .bf16 ? " bf16" : "")
                guard only.map(name.contains) ?? true else { continue }
                let r = convTranspose(channels: c, outChannels: o, size: size, precision: precision)
                print("  \(name): \(format(r.milliseconds, 2)) ms, \(format(r.gflops)) GFLOP/s")
            }
        }
    }
}
