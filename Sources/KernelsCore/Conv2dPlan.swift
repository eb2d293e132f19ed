/// How a `Conv2dPlan` computes.
public enum ConvAlgorithm: Sendable, Equatable {
    /// Implicit GEMM straight out of the padded (and, when strided, phase-split) input.
    case implicitGEMM
    /// Winograd F(4x4, 3x3): 3x3 stride 1 only; 4x fewer multiplications.
    case winograd
}

/// A 2-D convolution (PyTorch `Conv2d`, OIHW weights, batch 1) prepared once at load: weights packed for
/// the micro-kernel or Winograd-transformed, so a forward pass does no weight work.
public struct Conv2dPlan: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    public let stride: Int
    public let padding: Int
    public let paddingMode: PaddingMode
    public let algorithm: ConvAlgorithm
    /// `implicitGEMM`: one out x (in*kh*kw) matrix; `winograd`: 36 out x in matrices back to back.
    let weights: PackedPanels
    let winogradPanelsStride: Int
    /// Winograd adds the bias in its output transform rather than in the GEMM.
    let winogradBias: [Float]?

    /// `weights` is OIHW; `algorithm` nil picks Winograd wherever it applies.
    public init(weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?, outChannels: Int,
                inChannels: Int, kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int,
                paddingMode: PaddingMode, algorithm: ConvAlgorithm? = nil) {
        let depth = inChannels * kernelHeight * kernelWidth
        precondition(weights.count == outChannels * depth, "weight count does not match the shape")
        precondition(bias.map { $0.count == outChannels } ?? true, "bias count does not match out channels")
        precondition(stride >= 1 && padding >= 0, "bad stride or padding")
        let winogradFits = kernelHeight == 3 && kernelWidth == 3 && stride == 1
        let chosen = algorithm ?? (winogradFits ? .winograd : .implicitGEMM)
        precondition(chosen == .implicitGEMM || winogradFits, "Winograd needs a 3x3 stride-1 convolution")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        self.padding = padding
        self.paddingMode = paddingMode
        self.algorithm = chosen
        let biasArray = bias.map(Array.init)
        if chosen == .winograd {
            let u = winogradFilterTransform(weights, outChannels: outChannels, inChannels: inChannels)
            // 36 matrices stacked as one tall matrix whose panels never straddle two positions.
            let panels = (outChannels + microRows - 1) / microRows
            let paddedRows = panels * microRows
            self.weights = PackedPanels(rows: 36 * paddedRows, depth: inChannels, bias: nil) { r, c in
                let (e, o) = r.quotientAndRemainder(dividingBy: paddedRows)
                return o < outChannels ? u[(e * outChannels + o) * inChannels + c] : 0
            }
            winogradPanelsStride = panels * inChannels * microRows
            winogradBias = biasArray
        } else {
            self.weights = PackedPanels(rowMajor: weights, rows: outChannels, depth: depth, bias: biasArray)
            winogradPanelsStride = 0
            winogradBias = nil
        }
    }

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * padding - kernelHeight) / stride + 1, (width + 2 * padding - kernelWidth) / stride + 1)
    }

    func layout(height: Int, width: Int) -> PaddedLayout {
        if algorithm == .winograd {
            let out = outputSize(height: height, width: width)
            return PaddedLayout(channels: inChannels, height: height, width: width, padTop: padding,
                                padBottom: padding, padLeft: padding, padRight: padding,
                                paddedHeight: (out.height + 3) / 4 * 4 + 2, paddedWidth: (out.width + 3) / 4 * 4 + 2,
                                mode: paddingMode, columnPeriod: 4)
        }
        return PaddedLayout(channels: inChannels, height: height, width: width, padTop: padding,
                            padBottom: padding, padLeft: padding, padRight: padding, mode: paddingMode,
                            rowPeriod: stride, columnPeriod: stride)
    }

    func winogradGeometry(height: Int, width: Int) -> WinogradGeometry {
        let out = outputSize(height: height, width: width)
        let prepared = layout(height: height, width: width)
        return WinogradGeometry(inChannels: inChannels, outChannels: outChannels, outputHeight: out.height,
                                outputWidth: out.width, preparedWidth: prepared.phaseWidth,
                                preparedPhaseSize: prepared.phaseSize, preparedChannelStride: prepared.channelStride)
    }

    /// Floats of scratch `run` needs for an input of this size.
    public func workspaceCount(height: Int, width: Int) -> Int {
        let prepared = layout(height: height, width: width).count
        guard algorithm == .winograd else { return prepared }
        let g = winogradGeometry(height: height, width: width)
        return prepared + 36 * (inChannels + outChannels) * g.tileStride + bReadSlack
    }

    /// Convolves the NCHW `input` (`inChannels x height x width`) into `output` (`outChannels x outputSize`).
    /// `affine` is applied to the input on the fly (the previous layer's norm + ReLU).
    public func run(isa: any KernelISA.Type, input: UnsafePointer<Float>, height: Int, width: Int,
                    output: UnsafeMutablePointer<Float>, workspace: UnsafeMutableBufferPointer<Float>,
                    affine: ChannelAffine? = nil, threads: Int) {
        precondition(workspace.count >= workspaceCount(height: height, width: width), "workspace too small")
        guard let scratch = workspace.baseAddress else { return }
        let prepared = layout(height: height, width: width)
        prepared.prepare(input: input, output: scratch, affine: affine, threads: threads)
        let out = outputSize(height: height, width: width)
        weights.values.withUnsafeBufferPointer { a in
            guard let a = a.baseAddress else { return }
            if algorithm == .winograd {
                let g = winogradGeometry(height: height, width: width)
                let v = scratch + prepared.count
                let m = v + 36 * inChannels * g.tileStride + bReadSlack
                isa.winogradInput(g, prepared: scratch, v: v, threads: threads)
                let offsets = (0..<inChannels).map { $0 * g.tileStride }
                offsets.withUnsafeBufferPointer { offsets in
                    guard let offsets = offsets.baseAddress else { return }
                    isa.gemm(GEMMProblem(a: a, bias: nil, m: outChannels, k: inChannels, b: v, bRowOffsets: offsets,
                                         c: m, ldc: g.tileStride, grid: .matrix(columns: g.tiles), batch: 36,
                                         aBatchStride: winogradPanelsStride, bBatchStride: inChannels * g.tileStride,
                                         cBatchStride: outChannels * g.tileStride), threads: threads)
                }
                winogradBias.withOptionalPointer { bias in
                    isa.winogradOutput(g, m: m, bias: bias, output: output, threads: threads)
                }
                return
            }
            var offsets = [Int]()
            offsets.reserveCapacity(weights.depth)
            for c in 0..<inChannels {
                for ky in 0..<kernelHeight {
                    for kx in 0..<kernelWidth { offsets.append(prepared.offset(channel: c, y: ky, x: kx)) }
                }
            }
            offsets.withUnsafeBufferPointer { offsets in
                weights.bias.withUnsafeBufferPointer { bias in
                    guard let offsets = offsets.baseAddress, let bias = bias.baseAddress else { return }
                    let grid = ColumnGrid(rows: out.height, width: out.width, bRowStride: prepared.phaseWidth,
                                          cRowStride: out.width)
                    isa.gemm(GEMMProblem(a: a, bias: bias, m: outChannels, k: weights.depth, b: scratch,
                                         bRowOffsets: offsets, c: output, ldc: out.height * out.width, grid: grid),
                             threads: threads)
                }
            }
        }
    }
}

extension Optional where Wrapped == [Float] {
    /// Runs `body` with a pointer to the array's storage, or nil.
    func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        switch self {
        case .some(let array): array.withUnsafeBufferPointer { body($0.baseAddress) }
        case .none: body(nil)
        }
    }
}

/// U = G g G^T for every (out, in) pair, in Double, laid out [36][out][in].
func winogradFilterTransform(_ weights: UnsafeBufferPointer<Float>, outChannels: Int, inChannels: Int) -> [Float] {
    let g: [[Double]] = [
        [1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
        [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1],
    ]
    var u = [Float](repeating: 0, count: 36 * outChannels * inChannels)
    for o in 0..<outChannels {
        for c in 0..<inChannels {
            let kernel = (o * inChannels + c) * 9
            var gk = [[Double]](repeating: [0, 0, 0], count: 6)  // G g: 6 x 3
            for i in 0..<6 {
                for j in 0..<3 {
                    gk[i][j] = (0..<3).reduce(0) { $0 + g[i][$1] * Double(weights[kernel + $1 * 3 + j]) }
                }
            }
            for i in 0..<6 {
                for j in 0..<6 {
                    let value = (0..<3).reduce(0) { $0 + gk[i][$1] * g[j][$1] }
                    u[((i * 6 + j) * outChannels + o) * inChannels + c] = Float(value)
                }
            }
        }
    }
    return u
}
