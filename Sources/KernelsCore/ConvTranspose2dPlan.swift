import Parallel

/// A transposed convolution (PyTorch `ConvTranspose2d`, IOHW weights, batch 1), decomposed into
/// `stride x stride` output phases. Output pixel `(s*m + a, s*n + b)` only meets the kernel taps with
/// `ky = a + padding (mod s)`, `kx = b + padding (mod s)`, each a fixed input offset, so every phase is a
/// small stride-1 implicit GEMM with no multiplications by inserted zeros (k3 s2: 1, 2, 2, 4 taps).
public struct ConvTranspose2dPlan: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public let outputPadding: Int
    /// `bf16`: every phase multiplies bfloat16 operands (`BF16Weights`) into a flattened product.
    public let precision: Precision

    /// Taps of one phase along one axis: kernel index and input offset (`m + offset`).
    struct Tap: Sendable {
        let kernel: Int
        let offset: Int
    }

    struct Phase: Sendable {
        let rowTaps: [Tap]
        let columnTaps: [Tap]
        /// float32: out x depth with the bias; nil at `bf16`, which has `bf16Weights` instead.
        let weights: PackedPanels?
        let bf16Weights: BF16Weights?
        var depth: Int { weights?.depth ?? bf16Weights?.depth ?? 0 }
    }

    /// Indexed `a * stride + b`.
    let phases: [Phase]
    let paddingBefore: Int
    let paddingAfter: Int
    /// `bf16`: the bias, added as the product is dealt out.
    let separateBias: [Float]?

    /// `precision` `bf16` needs `Precision.bf16Supported`.
    public init(weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?, inChannels: Int,
                outChannels: Int, kernelSize: Int, stride: Int, padding: Int, outputPadding: Int,
                precision: Precision = .f32) {
        precondition(weights.count == inChannels * outChannels * kernelSize * kernelSize, "weight count does not match the shape")
        precondition(bias.map { $0.count == outChannels } ?? true, "bias count does not match out channels")
        precondition(kernelSize >= stride && padding < kernelSize && outputPadding < stride, "unsupported geometry")
        precondition(precision == .f32 || Precision.bf16Supported, "bfloat16 needs a CPU with AVX512_BF16")
        self.precision = precision
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        let taps: [[Tap]] = (0..<stride).map { a in
            (0..<kernelSize).filter { (a + padding - $0) % stride == 0 }
                .map { Tap(kernel: $0, offset: (a + padding - $0) / stride) }
        }
        let offsets = taps.flatMap { $0.map(\.offset) }
        paddingBefore = max(0, -(offsets.min() ?? 0))
        paddingAfter = max(0, offsets.max() ?? 0)
        let biasArray = bias.map(Array.init)
        separateBias = precision == .bf16 ? biasArray : nil
        var phases = [Phase]()
        for a in 0..<stride {
            for b in 0..<stride {
                let rows = taps[a], columns = taps[b]
                let depth = inChannels * rows.count * columns.count
                func element(_ o: Int, _ k: Int) -> Float {
                    let (c, tap) = k.quotientAndRemainder(dividingBy: rows.count * columns.count)
                    let ky = rows[tap / columns.count].kernel, kx = columns[tap % columns.count].kernel
                    return weights[((c * outChannels + o) * kernelSize + ky) * kernelSize + kx]
                }
                if precision == .bf16 {
                    let matrix = (0 ..< outChannels * depth).map { element($0 / depth, $0 % depth) }
                    let bf16 = matrix.withUnsafeBufferPointer { BF16Weights(rowMajor: $0, rows: outChannels, depth: depth) }
                    phases.append(Phase(rowTaps: rows, columnTaps: columns, weights: nil, bf16Weights: bf16))
                } else {
                    let packed = PackedPanels(rows: outChannels, depth: depth, bias: biasArray, element: element)
                    phases.append(Phase(rowTaps: rows, columnTaps: columns, weights: packed, bf16Weights: nil))
                }
            }
        }
        self.phases = phases
    }

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        let size = { (n: Int) in (n - 1) * stride - 2 * padding + kernelSize + outputPadding }
        return (size(height), size(width))
    }

    /// The input zero-padded so every phase's last output row/column reads inside the buffer.
    func layout(height: Int, width: Int) -> PaddedLayout {
        let out = outputSize(height: height, width: width)
        let last = { (n: Int) in (n + stride - 1) / stride - 1 }
        let after = { (outSize: Int, size: Int) in max(paddingAfter, last(outSize) + paddingAfter - (size - 1)) }
        return PaddedLayout(channels: inChannels, height: height, width: width, padTop: paddingBefore,
                            padBottom: after(out.height, height), padLeft: paddingBefore,
                            padRight: after(out.width, width), mode: .zero)
    }

    /// Floats of scratch `run` needs for an input of this size on `threads` threads.
    public func workspaceCount(height: Int, width: Int, threads: Int) -> Int {
        guard precision == .bf16 else { return layout(height: height, width: width).count }
        let depth = phases.map(\.depth).max() ?? 0
        return flattenedWorkspaceCount(height: height, width: width) + BF16Weights.bufferCount(depth: depth, threads: threads)
    }

    /// Transposed-convolves the NCHW `input` into `output`; `affine` is applied to the input on the fly.
    /// `output` may overlap `input`, which is only read while it is prepared, before anything is written.
    public func run(isa: any KernelISA.Type, input: UnsafePointer<Float>, height: Int, width: Int,
                    output: UnsafeMutablePointer<Float>, workspace: UnsafeMutableBufferPointer<Float>,
                    affine: ChannelAffine? = nil, context: ComputeContext) {
        precondition(workspace.count >= workspaceCount(height: height, width: width, threads: context.threads),
                     "workspace too small")
        guard let scratch = workspace.baseAddress else { return }
        let prepared = layout(height: height, width: width)
        isa.prepareInput(prepared, input: input, output: scratch, affine: affine, context: context)
        if precision == .bf16 {
            return runBF16(prepared: prepared, scratch: scratch, output: output, context: context)
        }
        let out = outputSize(height: height, width: width)
        for py in 0..<stride {
            for px in 0..<stride {
                let phase = phases[py * stride + px]
                let rows = (out.height - py + stride - 1) / stride, columns = (out.width - px + stride - 1) / stride
                guard rows > 0 && columns > 0, let weights = phase.weights else { continue }
                let offsets = phaseOffsets(phase, prepared)
                let grid = ColumnGrid(rows: rows, width: columns, bRowStride: prepared.phaseWidth,
                                      cRowStride: stride * out.width, cColumnStride: stride)
                offsets.withUnsafeBufferPointer { offsets in
                    weights.values.withUnsafeBufferPointer { a in
                        weights.bias.withUnsafeBufferPointer { bias in
                            guard let offsets = offsets.baseAddress, let a = a.baseAddress,
                                  let bias = bias.baseAddress else { return }
                            isa.gemm(GEMMProblem(a: a, bias: bias, m: outChannels, k: weights.depth,
                                                 b: scratch, bRowOffsets: offsets,
                                                 c: output + py * out.width + px, ldc: out.height * out.width,
                                                 grid: grid), context: context)
                        }
                    }
                }
            }
        }
    }
}
