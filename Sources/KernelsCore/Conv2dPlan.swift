import Parallel

/// How a `Conv2dPlan` computes.
public enum ConvAlgorithm: Sendable, Equatable {
    /// Implicit GEMM straight out of the padded (and, when strided, phase-split) input.
    case implicitGEMM
    /// Winograd F(4x4, 3x3): 3x3 stride 1 only; 4x fewer multiplications.
    case winograd
    /// For few output channels (stride 1): the kernel columns become extra GEMM rows,
    /// `Y[o, kx][y][x] = sum over c, ky`, then `out[o][y][x] = sum over kx of Y[o, kx][y][x + kx]`. A 3-channel
    /// output would otherwise leave half of every 6-row micro-tile idle and pack B for a single use.
    case foldedColumns
    /// Implicit GEMM on bfloat16 operands with float32 sums (`Precision.bf16`, AVX512_BF16 only), over the
    /// flattened output rows (`Conv2dPlan+Flat`), in column chunks each rounded to bfloat16 as it is packed.
    /// Chosen where float32 would take `implicitGEMM`; Winograd's 4x fewer products beat bfloat16's 2x rate
    /// (and its transformed tiles would lose more to the rounding), and folded columns serve too few rows.
    case bf16GEMM
}

/// A 2-D convolution (PyTorch `Conv2d`, OIHW weights, batch 1) prepared once at load: weights packed for
/// the micro-kernel. Large Winograd weights (`winogradTapsWeightBytes`) are kept as packed taps and
/// transformed by each run into its workspace (36/9 = 4x the weights: ~170 MB resident for the official
/// model otherwise); smaller ones, and training plans (`reweighted`, which serve a whole batch), are
/// transformed once.
public struct Conv2dPlan: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    public let stride: Int
    public let padding: Int
    public let paddingMode: PaddingMode
    public let algorithm: ConvAlgorithm
    /// `implicitGEMM`: out x (in*kh*kw) with the bias; `winograd`: 36 transformed out x in matrices back to
    /// back, or (`winogradTaps`) the 9 untransformed ones, one per kernel position; `foldedColumns`:
    /// (out*kw) x (in*kh); nil for `bf16GEMM`, which has `bf16Weights` instead.
    let weights: PackedPanels?
    /// `bf16GEMM`: out x (in*kh*kw) as bfloat16 pairs.
    let bf16Weights: BF16Weights?
    /// Winograd: `weights` holds the 9 tap matrices, which `run` transforms into its workspace.
    let winogradTaps: Bool
    /// The bias where it is added outside the GEMM (Winograd, folded columns).
    let separateBias: [Float]?

    /// `weights` is OIHW; `algorithm` nil picks the fastest that applies at `precision` (bfloat16 needs
    /// `Precision.bf16Supported`); `winogradTaps` nil keeps taps from `winogradTapsWeightBytes` of
    /// transformed weights.
    public init(weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?, outChannels: Int,
                inChannels: Int, kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int,
                paddingMode: PaddingMode, algorithm: ConvAlgorithm? = nil, precision: Precision = .f32,
                winogradTaps: Bool? = nil) {
        let depth = inChannels * kernelHeight * kernelWidth
        precondition(weights.count == outChannels * depth, "weight count does not match the shape")
        precondition(bias.map { $0.count == outChannels } ?? true, "bias count does not match out channels")
        precondition(stride >= 1 && padding >= 0, "bad stride or padding")
        let winogradFits = kernelHeight == 3 && kernelWidth == 3 && stride == 1
        let foldFits = stride == 1 && kernelWidth > 1 && outChannels < 2 * microRows
        let fastest: ConvAlgorithm = winogradFits && !foldFits ? .winograd : foldFits ? .foldedColumns : .implicitGEMM
        let chosen = algorithm ?? (precision == .bf16 && fastest == .implicitGEMM ? .bf16GEMM : fastest)
        precondition(chosen != .bf16GEMM || Precision.bf16Supported, "bfloat16 needs a CPU with AVX512_BF16")
        precondition(chosen != .winograd || winogradFits, "Winograd needs a 3x3 stride-1 convolution")
        precondition(chosen != .foldedColumns || stride == 1, "folded columns need stride 1")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        self.padding = padding
        self.paddingMode = paddingMode
        self.algorithm = chosen
        let transformedBytes = 36 * outChannels * inChannels * MemoryLayout<Float>.size
        self.winogradTaps = chosen == .winograd && (winogradTaps ?? (transformedBytes >= winogradTapsWeightBytes))
        let biasArray = bias.map(Array.init)
        bf16Weights = chosen == .bf16GEMM ? BF16Weights(rowMajor: weights, rows: outChannels, depth: depth) : nil
        switch chosen {
        case .implicitGEMM:
            self.weights = PackedPanels(rowMajor: weights, rows: outChannels, depth: depth, bias: biasArray)
            separateBias = nil
        case .bf16GEMM:
            self.weights = nil
            separateBias = biasArray
        case .winograd where !self.winogradTaps:
            self.weights = winogradPanels(weights, outChannels: outChannels, inChannels: inChannels, context: .serial)
            separateBias = biasArray
        case .winograd:
            // 9 matrices stacked as one tall matrix whose panels never straddle two positions: the layout
            // of the 36 transformed ones, so the transform is elementwise.
            let paddedRows = (outChannels + microRows - 1) / microRows * microRows
            self.weights = PackedPanels(rows: 9 * paddedRows, depth: inChannels, bias: nil) { r, c in
                let (tap, o) = r.quotientAndRemainder(dividingBy: paddedRows)
                return o < outChannels ? weights[(o * inChannels + c) * 9 + tap] : 0
            }
            separateBias = biasArray
        case .foldedColumns:
            let kh = kernelHeight, kw = kernelWidth
            self.weights = PackedPanels(rows: outChannels * kw, depth: inChannels * kh, bias: nil) { r, k in
                let (o, kx) = r.quotientAndRemainder(dividingBy: kw), (c, ky) = k.quotientAndRemainder(dividingBy: kh)
                return weights[((o * inChannels + c) * kh + ky) * kw + kx]
            }
            separateBias = biasArray
        }
    }

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * padding - kernelHeight) / stride + 1, (width + 2 * padding - kernelWidth) / stride + 1)
    }

    func layout(height: Int, width: Int) -> PaddedLayout {
        let out = outputSize(height: height, width: width)
        let winograd = algorithm == .winograd
        return PaddedLayout(channels: inChannels, height: height, width: width, padTop: padding,
                            padBottom: padding, padLeft: padding, padRight: padding,
                            paddedHeight: winograd ? (out.height + 3) / 4 * 4 + 2 : nil,
                            paddedWidth: winograd ? (out.width + 3) / 4 * 4 + 2 : nil,
                            mode: paddingMode, rowPeriod: stride, columnPeriod: winograd ? 4 : stride)
    }

    func winogradGeometry(height: Int, width: Int, threads: Int) -> WinogradGeometry {
        let out = outputSize(height: height, width: width)
        let prepared = layout(height: height, width: width)
        return WinogradGeometry(inChannels: inChannels, outChannels: outChannels, outputHeight: out.height,
                                outputWidth: out.width, preparedWidth: prepared.phaseWidth,
                                preparedPhaseSize: prepared.phaseSize, preparedChannelStride: prepared.channelStride,
                                threads: threads, transformsWeights: winogradTaps)
    }

    /// Floats of scratch after the prepared input: Winograd's transformed input and products (and weights,
    /// when transformed per run), or the folded-column partial sums.
    func intermediateCount(height: Int, width: Int, threads: Int) -> Int {
        let out = outputSize(height: height, width: width)
        switch algorithm {
        case .implicitGEMM:
            return 0
        case .bf16GEMM:
            return bf16IntermediateCount(layout(height: height, width: width), threads: threads)
        case .winograd:
            return winogradGeometry(height: height, width: width, threads: threads).scratchCount(threads: threads)
        case .foldedColumns:
            return outChannels * kernelWidth * out.height * (out.width + kernelWidth - 1)
        }
    }

    /// Floats of scratch `run` needs for an input of this size on `threads` threads.
    public func workspaceCount(height: Int, width: Int, threads: Int) -> Int {
        layout(height: height, width: width).count + intermediateCount(height: height, width: width, threads: threads)
    }

    /// Convolves the NCHW `input` (`inChannels x height x width`) into `output` (`outChannels x outputSize`).
    /// `affine` is applied to the input on the fly (the previous layer's norm + ReLU). `output` may overlap
    /// `input`: the input is only read by the preparation pass, which ends before anything is written.
    public func run(isa: any KernelISA.Type, input: UnsafePointer<Float>, height: Int, width: Int,
                    output: UnsafeMutablePointer<Float>, workspace: UnsafeMutableBufferPointer<Float>,
                    affine: ChannelAffine? = nil, context: ComputeContext) {
        precondition(workspace.count >= workspaceCount(height: height, width: width, threads: context.threads),
                     "workspace too small")
        guard let scratch = workspace.baseAddress else { return }
        let prepared = layout(height: height, width: width)
        isa.prepareInput(prepared, input: input, output: scratch, affine: affine, context: context)
        let intermediate = scratch + prepared.count
        if let bf16Weights {
            return runBF16(bf16Weights, prepared: prepared, scratch: scratch, product: intermediate, output: output,
                           context: context)
        }
        guard let weights else { return }
        weights.values.withUnsafeBufferPointer { a in
            guard let a = a.baseAddress else { return }
            switch algorithm {
            case .implicitGEMM:
                runImplicit(isa: isa, a: a, weights: weights, prepared: prepared, scratch: scratch, output: output,
                            context: context)
            case .winograd:
                separateBias.withOptionalPointer { bias in
                    isa.winogradConvolution(winogradGeometry(height: height, width: width, threads: context.threads),
                                            prepared: scratch, weights: winogradTaps ? .taps(a) : .transformed(a),
                                            bias: bias, scratch: intermediate, output: output, context: context)
                }
            case .foldedColumns:
                runFolded(isa: isa, a: a, depth: weights.depth, prepared: prepared, scratch: scratch,
                          partial: intermediate, output: output, context: context)
            case .bf16GEMM:
                break  // ran above
            }
        }
    }

    /// Row offsets of B: padded pixel (y, x) of channel c for every (c, y, x) the GEMM's k walks.
    func rowOffsets(_ prepared: PaddedLayout, rows: Int, columns: Int) -> [Int] {
        var offsets = [Int]()
        offsets.reserveCapacity(inChannels * rows * columns)
        for c in 0..<inChannels {
            for y in 0..<rows {
                for x in 0..<columns { offsets.append(prepared.offset(channel: c, y: y, x: x)) }
            }
        }
        return offsets
    }

    func runImplicit(isa: any KernelISA.Type, a: UnsafePointer<Float>, weights: PackedPanels, prepared: PaddedLayout,
                     scratch: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, context: ComputeContext) {
        let out = outputSize(height: prepared.height, width: prepared.width)
        let offsets = rowOffsets(prepared, rows: kernelHeight, columns: kernelWidth)
        offsets.withUnsafeBufferPointer { offsets in
            weights.bias.withUnsafeBufferPointer { bias in
                guard let offsets = offsets.baseAddress, let bias = bias.baseAddress else { return }
                let grid = ColumnGrid(rows: out.height, width: out.width, bRowStride: prepared.phaseWidth,
                                      cRowStride: out.width)
                isa.gemm(GEMMProblem(a: a, bias: bias, m: outChannels, k: weights.depth, b: scratch,
                                     bRowOffsets: offsets, c: output, ldc: out.height * out.width, grid: grid),
                         context: context)
            }
        }
    }

    func runFolded(isa: any KernelISA.Type, a: UnsafePointer<Float>, depth: Int, prepared: PaddedLayout,
                   scratch: UnsafePointer<Float>, partial: UnsafeMutablePointer<Float>,
                   output: UnsafeMutablePointer<Float>, context: ComputeContext) {
        let out = outputSize(height: prepared.height, width: prepared.width)
        let kw = kernelWidth, partialWidth = out.width + kw - 1
        let offsets = rowOffsets(prepared, rows: kernelHeight, columns: 1)
        offsets.withUnsafeBufferPointer { offsets in
            guard let offsets = offsets.baseAddress else { return }
            // When the prepared rows are exactly as wide as the partial rows, the whole plane is one run:
            // column blocks then never straddle a row's short tail.
            let grid = prepared.phaseWidth == partialWidth
                ? ColumnGrid.matrix(columns: out.height * partialWidth)
                : ColumnGrid(rows: out.height, width: partialWidth, bRowStride: prepared.phaseWidth,
                             cRowStride: partialWidth)
            isa.gemm(GEMMProblem(a: a, bias: nil, m: outChannels * kw, k: depth, b: scratch,
                                 bRowOffsets: offsets, c: partial, ldc: out.height * partialWidth, grid: grid),
                     context: context)
        }
        let plane = out.height * partialWidth
        parallelRanges(outChannels * out.height, context: context, work: kw * outChannels * plane) { rows in
            for item in rows {
                let (o, y) = item.quotientAndRemainder(dividingBy: out.height)
                let target = output + (o * out.height + y) * out.width
                let bias = separateBias?[o] ?? 0
                target.update(repeating: bias, count: out.width)
                for kx in 0..<kw {
                    let source = partial + (o * kw + kx) * plane + y * partialWidth + kx
                    for x in 0..<out.width { target[x] += source[x] }
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
