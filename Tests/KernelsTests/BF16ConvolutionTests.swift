import CBF16
import Kernels
import KernelsCore
import Parallel
import Reference
import Testing

/// The bfloat16 convolution against the float64-accumulated naive one on the same bfloat16-rounded operands
/// (the input after its affine + ReLU, and the weights; the bias stays float32): what is left is float32
/// summation order, so they agree to float32 precision on every ISA path's input preparation.
@Suite(.enabled(if: Precision.bf16Supported, "this CPU has no AVX512_BF16"))
struct BF16ConvolutionTests {
    static func rounded(_ value: Float) -> Float { Float(bitPattern: UInt32(cartoonify_bf16_from_float(value)) << 16) }

    /// (in, out, height, width, kernel, stride, padding, mode): the stem (7x7 reflect, odd depth), the
    /// downsampling convolutions (stride 2), row panels and column chunks with tails, and a map wide
    /// enough for several chunks a thread.
    static let cases: [(Int, Int, Int, Int, Int, Int, Int, PaddingMode)] = [
        (3, 8, 13, 37, 7, 1, 3, .reflect),
        (5, 7, 9, 10, 3, 2, 1, .zero),
        (9, 31, 11, 40, 3, 2, 1, .zero),
        (32, 64, 64, 64, 3, 2, 1, .zero),
        (3, 32, 48, 40, 7, 1, 3, .reflect),
        (300, 13, 5, 6, 3, 1, 1, .zero),
    ]

    @Test(arguments: KernelsTests.paths, cases)
    func matchesTheRoundedNaiveConvolution(path: KernelPath, conv: (Int, Int, Int, Int, Int, Int, Int, PaddingMode)) {
        let (channels, outChannels, height, width, kernel, stride, padding, mode) = conv
        var random = TestRandom(state: 5)
        let input = random.array(channels * height * width)
        let weights = random.array(outChannels * channels * kernel * kernel)
        let bias = random.array(outChannels)
        let scale = random.array(channels), shift = random.array(channels)
        let plane = height * width
        let prepared = input.indices.map { Self.rounded(max(0, input[$0] * scale[$0 / plane] + shift[$0 / plane])) }
        let expected = Naive.conv2d(prepared, channels: channels, height: height, width: width,
                                    weights: weights.map(Self.rounded), bias: bias, outChannels: outChannels,
                                    kernel: kernel, stride: stride, padding: padding, mode: mode)
        let plan = weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                Conv2dPlan(weights: w, bias: b, outChannels: outChannels, inChannels: channels, kernelHeight: kernel,
                           kernelWidth: kernel, stride: stride, padding: padding, paddingMode: mode, algorithm: .bf16GEMM)
            }
        }
        for (threads, inPlace) in [(1, false), (2, false), (2, true)] {
            var buffer = input + [Float](repeating: .nan, count: max(0, expected.count - input.count))
            var output = [Float](repeating: .nan, count: expected.count)
            var workspace = [Float](repeating: .nan, count: plan.workspaceCount(height: height, width: width, threads: threads))
            buffer.withUnsafeMutableBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target in
                    workspace.withUnsafeMutableBufferPointer { ws in
                        scale.withUnsafeBufferPointer { sc in
                            shift.withUnsafeBufferPointer { sh in
                                guard let source = source.baseAddress, let target = target.baseAddress,
                                      let sc = sc.baseAddress, let sh = sh.baseAddress else { return }
                                plan.run(isa: path.isa, input: source, height: height, width: width,
                                         output: inPlace ? source : target, workspace: ws,
                                         affine: ChannelAffine(scale: sc, shift: sh, relu: true),
                                         context: ComputeContext(threads: threads))
                            }
                        }
                    }
                }
            }
            let result = inPlace ? Array(buffer.prefix(expected.count)) : output
            #expect(maxAbsDifference(result, expected) < 1e-4, "\(conv) threads \(threads) in place \(inPlace)")
        }
    }

    /// bfloat16 replaces only the implicit GEMM: Winograd (4x fewer products) and folded columns (few
    /// output rows) stay float32.
    @Test(arguments: [(3, 32, 7, 1, ConvAlgorithm.bf16GEMM), (64, 128, 3, 2, .bf16GEMM), (128, 128, 3, 1, .winograd),
                      (32, 3, 7, 1, .foldedColumns)])
    func takesTheImplicitGEMMLayers(layer: (Int, Int, Int, Int, ConvAlgorithm)) {
        let (inChannels, outChannels, kernel, stride, expected) = layer
        let weights = [Float](repeating: 0.5, count: outChannels * inChannels * kernel * kernel)
        let plan = weights.withUnsafeBufferPointer { w in
            Conv2dPlan(weights: w, bias: nil, outChannels: outChannels, inChannels: inChannels, kernelHeight: kernel,
                       kernelWidth: kernel, stride: stride, padding: kernel / 2, paddingMode: .zero, precision: .bf16)
        }
        #expect(plan.algorithm == expected)
    }

    @Test func packsRowsFromOffsetsAsFromAStride() {
        var random = TestRandom(state: 9)
        let (k, n, ldb) = (7, 45, 50)
        let b = random.array(k * ldb)
        let kpairs = (k + 1) / 2, count = (n + 31) / 32 * kpairs * 32
        var strided = [UInt32](repeating: 1, count: count), offsetRows = [UInt32](repeating: 2, count: count)
        cartoonify_bf16_pack_b(b, Int32(k), Int32(n), Int32(ldb), &strided)
        let offsets = (0..<k).map { $0 * ldb }
        cartoonify_bf16_pack_b_rows(b, offsets, Int32(k), Int32(n), &offsetRows)
        #expect(strided == offsetRows)
        #expect(strided[0] == UInt32(cartoonify_bf16_from_float(b[0])) | UInt32(cartoonify_bf16_from_float(b[ldb])) << 16)
    }
}
