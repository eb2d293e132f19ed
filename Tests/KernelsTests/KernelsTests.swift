import Foundation
import Kernels
import KernelsCore
import Parallel
import Reference
import Testing

/// Every path this machine can run (the portable one always) against the naive references.
@Suite struct KernelsTests {
    static let paths = KernelPath.supported

    @Test func portablePathIsAlwaysAvailable() {
        #expect(KernelPath.supported.first == .portable)
        #expect(KernelPath.supported.contains(KernelPath.best))
    }

    @Test(arguments: paths, [(m: 7, k: 300, n: 45, threads: 1), (m: 12, k: 64, n: 64, threads: 2), (m: 1, k: 5, n: 3, threads: 2),
                                 (m: 40, k: 700, n: 70, threads: 2), (m: 64, k: 300, n: 300, threads: 2)])
    func gemmMatchesNaive(path: KernelPath, shape: (m: Int, k: Int, n: Int, threads: Int)) {
        var random = TestRandom(state: 1)
        let a = random.array(shape.m * shape.k), b = random.array(shape.k * shape.n + bReadSlack)
        let bias = random.array(shape.m)
        let packed = a.withUnsafeBufferPointer { PackedPanels(rowMajor: $0, rows: shape.m, depth: shape.k, bias: bias) }
        var c = [Float](repeating: .nan, count: shape.m * shape.n)
        let offsets = (0..<shape.k).map { $0 * shape.n }
        packed.values.withUnsafeBufferPointer { ap in
            packed.bias.withUnsafeBufferPointer { biasp in
                b.withUnsafeBufferPointer { bp in
                    offsets.withUnsafeBufferPointer { op in
                        c.withUnsafeMutableBufferPointer { cp in
                            path.isa.gemm(GEMMProblem(a: ap.baseAddress!, bias: biasp.baseAddress, m: shape.m, k: shape.k,
                                                      b: bp.baseAddress!, bRowOffsets: op.baseAddress!, c: cp.baseAddress!,
                                                      ldc: shape.n, grid: .matrix(columns: shape.n)), context: ComputeContext(threads: shape.threads))
                        }
                    }
                }
            }
        }
        var expected = [Float](repeating: 0, count: shape.m * shape.n)
        for i in 0..<shape.m {
            for j in 0..<shape.n {
                var sum = Double(bias[i])
                for k in 0..<shape.k { sum += Double(a[i * shape.k + k]) * Double(b[k * shape.n + j]) }
                expected[i * shape.n + j] = Float(sum)
            }
        }
        #expect(maxAbsDifference(c, expected) < 1e-4)
    }

    struct ConvCase: Sendable, CustomStringConvertible {
        var channels: Int, outChannels: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int
        var mode: PaddingMode, algorithm: ConvAlgorithm
        var description: String { "\(channels)->\(outChannels) \(height)x\(width) k\(kernel) s\(stride) p\(padding) \(mode) \(algorithm)" }
    }

    static let convCases: [ConvCase] = [
        ConvCase(channels: 3, outChannels: 8, height: 13, width: 37, kernel: 7, stride: 1, padding: 3, mode: .reflect, algorithm: .implicitGEMM),
        ConvCase(channels: 5, outChannels: 7, height: 9, width: 10, kernel: 3, stride: 2, padding: 1, mode: .zero, algorithm: .implicitGEMM),
        ConvCase(channels: 9, outChannels: 31, height: 11, width: 40, kernel: 3, stride: 2, padding: 1, mode: .zero, algorithm: .implicitGEMM),
        ConvCase(channels: 20, outChannels: 29, height: 12, width: 9, kernel: 3, stride: 1, padding: 1, mode: .reflect, algorithm: .winograd),
        // Big enough to be split across threads (see parallelGrainWork): by channels (100 tiles) and by
        // tile blocks (256 tiles).
        ConvCase(channels: 64, outChannels: 64, height: 40, width: 40, kernel: 3, stride: 1, padding: 1, mode: .reflect, algorithm: .winograd),
        ConvCase(channels: 32, outChannels: 40, height: 64, width: 64, kernel: 3, stride: 1, padding: 1, mode: .zero, algorithm: .winograd),
        // Transformed weights of 4.4 MB: split by channels on 2 threads; with taps, each thread's share is
        // transformed in two chunks (winogradFusedBytes) on 1 thread, in ranges ending mid-vector on 2.
        ConvCase(channels: 180, outChannels: 170, height: 16, width: 16, kernel: 3, stride: 1, padding: 1, mode: .reflect, algorithm: .winograd),
        // Tile rows of 8 and 4 tiles: two tile rows share a vector on AVX-512 (and AVX2 for 4).
        ConvCase(channels: 5, outChannels: 9, height: 32, width: 32, kernel: 3, stride: 1, padding: 1, mode: .reflect, algorithm: .winograd),
        ConvCase(channels: 5, outChannels: 9, height: 22, width: 15, kernel: 3, stride: 1, padding: 1, mode: .zero, algorithm: .winograd),
        ConvCase(channels: 16, outChannels: 40, height: 64, width: 64, kernel: 3, stride: 2, padding: 1, mode: .zero, algorithm: .implicitGEMM),
        ConvCase(channels: 11, outChannels: 13, height: 10, width: 14, kernel: 3, stride: 1, padding: 1, mode: .reflect, algorithm: .implicitGEMM),
        ConvCase(channels: 11, outChannels: 13, height: 10, width: 14, kernel: 3, stride: 1, padding: 1, mode: .reflect, algorithm: .winograd),
        ConvCase(channels: 40, outChannels: 6, height: 16, width: 16, kernel: 3, stride: 1, padding: 1, mode: .zero, algorithm: .winograd),
        ConvCase(channels: 7, outChannels: 9, height: 38, width: 70, kernel: 3, stride: 1, padding: 1, mode: .reflect, algorithm: .winograd),
        ConvCase(channels: 4, outChannels: 5, height: 7, width: 9, kernel: 3, stride: 1, padding: 0, mode: .zero, algorithm: .winograd),
        ConvCase(channels: 300, outChannels: 3, height: 5, width: 6, kernel: 3, stride: 1, padding: 1, mode: .zero, algorithm: .implicitGEMM),
        ConvCase(channels: 70, outChannels: 3, height: 12, width: 40, kernel: 7, stride: 1, padding: 3, mode: .reflect, algorithm: .foldedColumns),
        ConvCase(channels: 5, outChannels: 8, height: 9, width: 7, kernel: 3, stride: 1, padding: 0, mode: .zero, algorithm: .foldedColumns),
    ]

    @Test(arguments: paths, convCases)
    func convolutionMatchesNaive(path: KernelPath, conv: ConvCase) {
        var random = TestRandom(state: 2)
        let input = random.array(conv.channels * conv.height * conv.width)
        let weights = random.array(conv.outChannels * conv.channels * conv.kernel * conv.kernel)
        let bias = random.array(conv.outChannels)
        // Fused input affine + ReLU: the reference applies it to the input first.
        let scale = random.array(conv.channels), shift = random.array(conv.channels)
        let plane = conv.height * conv.width
        let transformed = input.indices.map { max(0, input[$0] * scale[$0 / plane] + shift[$0 / plane]) }
        let expected = Naive.conv2d(transformed, channels: conv.channels, height: conv.height, width: conv.width,
                                    weights: weights, bias: bias, outChannels: conv.outChannels, kernel: conv.kernel,
                                    stride: conv.stride, padding: conv.padding, mode: conv.mode)
        // Winograd weights transformed at plan time, and kept as taps that each run transforms.
        for taps in conv.algorithm == .winograd ? [false, true] : [false] {
        let plan = weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                Conv2dPlan(weights: w, bias: b, outChannels: conv.outChannels, inChannels: conv.channels,
                           kernelHeight: conv.kernel, kernelWidth: conv.kernel, stride: conv.stride,
                           padding: conv.padding, paddingMode: conv.mode, algorithm: conv.algorithm, winogradTaps: taps)
            }
        }
        var output = [Float](repeating: .nan, count: expected.count)
        var workspace = [Float](repeating: .nan, count: plan.workspaceCount(height: conv.height, width: conv.width, threads: 2))
        // In place last: the output overwrites the input it is computed from (as GeneratorPlan runs).
        for (threads, inPlace) in [(1, false), (2, false), (2, true)] {
            // The input, with room for an output larger than it.
            var buffer = input + [Float](repeating: .nan, count: max(0, expected.count - input.count))
            scale.withUnsafeBufferPointer { sc in
                shift.withUnsafeBufferPointer { sh in
                    output.withUnsafeMutableBufferPointer { out in
                        buffer.withUnsafeMutableBufferPointer { buffer in
                            workspace.withUnsafeMutableBufferPointer { ws in
                                plan.run(isa: path.isa, input: buffer.baseAddress!,
                                         height: conv.height, width: conv.width,
                                         output: inPlace ? buffer.baseAddress! : out.baseAddress!, workspace: ws,
                                         affine: ChannelAffine(scale: sc.baseAddress!, shift: sh.baseAddress!, relu: true),
                                         context: ComputeContext(threads: threads))
                            }
                        }
                    }
                }
            }
            if inPlace { output = Array(buffer.prefix(expected.count)) }
            #expect(maxAbsDifference(output, expected) < 1e-3, "\(conv) taps \(taps) threads \(threads) in place \(inPlace)")
        }
        }
    }

    /// Precisions this CPU runs; bfloat16 is compared with the naive result on the rounded operands.
    static let precisions: [Precision] = Precision.bf16Supported ? [.f32, .bf16] : [.f32]

    @Test(arguments: paths, [(kernel: 3, stride: 2, padding: 1, outputPadding: 1), (kernel: 4, stride: 2, padding: 1, outputPadding: 0),
                             (kernel: 3, stride: 1, padding: 1, outputPadding: 0), (kernel: 5, stride: 3, padding: 2, outputPadding: 2)])
    func transposedConvolutionMatchesNaive(path: KernelPath, geometry: (kernel: Int, stride: Int, padding: Int, outputPadding: Int)) {
        for precision in Self.precisions {
            var random = TestRandom(state: 3)
            let channels = 6, outChannels = 27
            let weights = random.array(channels * outChannels * geometry.kernel * geometry.kernel)
            let bias = random.array(outChannels)
            let plan = ConvTranspose2dPlan(arrays: weights, bias: bias, inChannels: channels, outChannels: outChannels,
                                           kernelSize: geometry.kernel, stride: geometry.stride, padding: geometry.padding,
                                           outputPadding: geometry.outputPadding, precision: precision)
            let rounded = { (values: [Float]) in precision == .bf16 ? values.map(BF16ConvolutionTests.rounded) : values }
            // Odd sizes leave phases of unequal size; 40 x 33 gives each thread several column blocks.
            for (height, width) in [(7, 9), (40, 33)] {
                let input = random.array(channels * height * width)
                let expected = Naive.convTranspose2d(rounded(input), channels: channels, height: height, width: width,
                                                     weights: rounded(weights),
                                                     bias: bias, outChannels: outChannels, kernel: geometry.kernel,
                                                     stride: geometry.stride, padding: geometry.padding,
                                                     outputPadding: geometry.outputPadding)
                let size = plan.outputSize(height: height, width: width)
                #expect(size.height * size.width * outChannels == expected.count)
                // In place last: the output overwrites the input it is computed from (as GeneratorPlan runs).
                for (threads, inPlace) in [(1, false), (2, false), (3, false), (2, true)] {
                    // The input, with room for an output larger than it.
                    var buffer = input + [Float](repeating: .nan, count: max(0, expected.count - input.count))
                    var output = [Float](repeating: .nan, count: expected.count)
                    var workspace = [Float](repeating: .nan, count: plan.workspaceCount(height: height, width: width, threads: 3))
                    output.withUnsafeMutableBufferPointer { out in
                        buffer.withUnsafeMutableBufferPointer { buffer in
                            workspace.withUnsafeMutableBufferPointer { ws in
                                plan.run(isa: path.isa, input: buffer.baseAddress!, height: height, width: width,
                                         output: inPlace ? buffer.baseAddress! : out.baseAddress!, workspace: ws,
                                         context: ComputeContext(threads: threads))
                            }
                        }
                    }
                    if inPlace { output = Array(buffer.prefix(expected.count)) }
                    #expect(maxAbsDifference(output, expected) < 1e-4,
                            "\(precision) \(height)x\(width), \(threads) threads, in place \(inPlace)")
                }
            }
        }
    }
}

/// The flattened implicit GEMM (small maps: output rows back to back at the input's row pitch) against
/// the per-row one: the same sums in the same order, so bit-identical, with a NaN-filled workspace showing
/// that the dropped columns never leak into real ones.
@Suite struct FlattenedConvolutionTests {
    /// The discriminator's small layers (4x4, stride 1 and 2), maps that flatten on 8- and 16-column tiles
    /// (13, 9), and one wide enough to stay per-row on all.
    @Test(arguments: KernelPath.supported, [(size: 16, stride: 1), (size: 32, stride: 2), (size: 13, stride: 1),
                                            (size: 9, stride: 1), (size: 64, stride: 1)])
    func matchesPerRowRun(path: KernelPath, geometry: (size: Int, stride: Int)) {
        var random = TestRandom(state: 5)
        let channels = 9, outChannels = 20, size = geometry.size
        let input = random.array(channels * size * size)
        let weights = random.array(outChannels * channels * 16), bias = random.array(outChannels)
        let plan = weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                Conv2dPlan(weights: w, bias: b, outChannels: outChannels, inChannels: channels, kernelHeight: 4,
                           kernelWidth: 4, stride: geometry.stride, padding: 1, paddingMode: .zero, algorithm: .implicitGEMM)
            }
        }
        let out = plan.outputSize(height: size, width: size)
        let (expected, flattened) = bothRuns(
            count: outChannels * out.height * out.width, workspace: plan.workspaceCount(height: size, width: size, threads: 2),
            flatWorkspace: plan.flattenedWorkspaceCount(isa: path.isa, height: size, width: size, threads: 2),
            plain: { plan.run(isa: path.isa, input: input, height: size, width: size, output: $0, workspace: $1, context: ComputeContext(threads: 2)) },
            flattened: {
                plan.runFlattened(isa: path.isa, input: input, height: size, width: size, output: $0, workspace: $1, context: ComputeContext(threads: 2))
            })
        #expect(flattened == expected)
    }
}

/// Runs both ways over NaN-filled outputs and workspaces; returns (plain, flattened) outputs.
private func bothRuns(count: Int, workspace: Int, flatWorkspace: Int,
                      plain: (UnsafeMutablePointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void,
                      flattened: (UnsafeMutablePointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void) -> ([Float], [Float]) {
    func run(_ size: Int, _ body: (UnsafeMutablePointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
        var output = [Float](repeating: .nan, count: count), scratch = [Float](repeating: .nan, count: size)
        output.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer { body(o.baseAddress!, $0) } }
        return output
    }
    return (run(workspace, plain), run(flatWorkspace, flattened))
}

/// Transposed convolutions with every phase flattened into scratch and dealt out: bit-identical to `run`.
@Suite struct FlattenedTransposedConvolutionTests {
    /// The generator's up-sampling (k3 s2 p1 op1), the discriminator's data gradients (k4 s2 p1) and a
    /// stride-1 phase.
    @Test(arguments: KernelPath.supported, [(kernel: 3, stride: 2, padding: 1, outputPadding: 1, size: 16),
                                            (kernel: 4, stride: 2, padding: 1, outputPadding: 0, size: 16),
                                            (kernel: 4, stride: 1, padding: 1, outputPadding: 0, size: 13)])
    func matchesRun(path: KernelPath, geometry: (kernel: Int, stride: Int, padding: Int, outputPadding: Int, size: Int)) {
        var random = TestRandom(state: 6)
        let channels = 10, outChannels = 14, size = geometry.size
        let input = random.array(channels * size * size)
        let weights = random.array(channels * outChannels * geometry.kernel * geometry.kernel)
        let bias = random.array(outChannels)
        let plan = ConvTranspose2dPlan(arrays: weights, bias: bias, inChannels: channels, outChannels: outChannels,
                                       kernelSize: geometry.kernel, stride: geometry.stride, padding: geometry.padding,
                                       outputPadding: geometry.outputPadding)
        let out = plan.outputSize(height: size, width: size)
        let (expected, flattened) = bothRuns(
            count: outChannels * out.height * out.width, workspace: plan.workspaceCount(height: size, width: size, threads: 1),
            flatWorkspace: plan.flattenedWorkspaceCount(height: size, width: size),
            plain: { plan.run(isa: path.isa, input: input, height: size, width: size, output: $0, workspace: $1, context: ComputeContext(threads: 2)) },
            flattened: {
                plan.runFlattened(isa: path.isa, input: input, height: size, width: size, output: $0, workspace: $1, context: ComputeContext(threads: 2))
            })
        #expect(flattened == expected)
    }
}

/// Instance-norm statistics and the fused affine / ReLU / residual pass.
@Suite struct ChannelOpsTests {
    @Test(arguments: KernelPath.supported)
    func statisticsMatchTwoPassDouble(path: KernelPath) {
        var random = TestRandom(state: 4)
        let channels = 3, plane = 2_500  // not a multiple of any vector width or of the 1024-value runs
        // A large offset checks the single pass against cancellation.
        let x = (0..<channels * plane).map { 1000 + random.next() * Float($0 / plane + 1) }
        var statistics = [Float](repeating: .nan, count: 2 * channels)
        statistics.withUnsafeMutableBufferPointer { s in
            path.isa.channelStatistics(x, channels: channels, plane: plane, into: s.baseAddress!, context: ComputeContext(threads: 2))
        }
        for c in 0..<channels {
            let values = x[c * plane ..< (c + 1) * plane].map(Double.init)
            let mean = values.reduce(0, +) / Double(plane)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(plane)
            #expect(abs(Double(statistics[2 * c]) - mean) < 1e-4)
            #expect(abs(Double(statistics[2 * c + 1]) - variance) < 1e-4 * max(1, variance))
        }
    }

    @Test(arguments: KernelPath.supported, [false, true])
    func affineMatchesScalar(path: KernelPath, relu: Bool) {
        var random = TestRandom(state: 5)
        let channels = 2, plane = 37
        let x = random.array(channels * plane), residual = random.array(channels * plane)
        let scale = random.array(channels), shift = random.array(channels)
        var output = [Float](repeating: .nan, count: x.count)
        output.withUnsafeMutableBufferPointer { out in
            path.isa.applyChannelAffine(x, channels: channels, plane: plane,
                                        affine: ChannelAffine(scale: scale, shift: shift, relu: relu),
                                        residual: residual, output: out.baseAddress!, context: ComputeContext(threads: 2))
        }
        let expected = x.indices.map { i in
            let v = x[i] * scale[i / plane] + shift[i / plane]
            return (relu ? max(v, 0) : v) + residual[i]
        }
        #expect(maxAbsDifference(output, expected) < 1e-6)
    }

    @Test(arguments: KernelPath.supported)
    func tanhMatchesLibm(path: KernelPath) {
        let values = (0..<4001).map { Float($0 - 2000) / 200 } + [-100, 100, .leastNonzeroMagnitude, 0]
        var x = values
        x.withUnsafeMutableBufferPointer { path.isa.tanhInPlace($0.baseAddress!, count: $0.count, context: ComputeContext(threads: 2)) }
        let worst = zip(x, values).map { abs(Double($0) - Foundation.tanh(Double($1))) }.max() ?? .infinity
        #expect(worst < 1e-6)
    }
}

extension ConvTranspose2dPlan {
    /// A plan from test arrays.
    init(arrays weights: [Float], bias: [Float], inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int,
         padding: Int, outputPadding: Int, precision: Precision = .f32) {
        self = weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                ConvTranspose2dPlan(weights: w, bias: b, inChannels: inChannels, outChannels: outChannels,
                                    kernelSize: kernelSize, stride: stride, padding: padding, outputPadding: outputPadding,
                                    precision: precision)
            }
        }
    }
}
