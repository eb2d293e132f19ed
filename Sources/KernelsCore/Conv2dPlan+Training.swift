import Parallel

/// Plans for training, where the weights change every step and every layer is re-planned twice per pass
/// (forward, and the flipped kernel of its data gradient). `Conv2dPlan.init` packs through a per-element
/// closure and keeps Winograd weights as taps that every run transforms: right for an inference plan built
/// once at load and run once per image, but a training plan serves a whole batch, and per-element packing
/// would cost training more than the convolutions themselves. These pack with pointer loops and transform
/// Winograd weights once, vectorised, written straight into the packed layout.
extension Conv2dPlan {
    /// The plan `init(weights:...)` would choose (algorithm nil), with fast weight preparation for
    /// Winograd and implicit GEMM (folded columns, used only by layers with few output channels, keep
    /// the general path).
    public static func reweighted(weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?,
                                  outChannels: Int, inChannels: Int, kernelSize: Int, stride: Int, padding: Int,
                                  paddingMode: PaddingMode, context: ComputeContext) -> Conv2dPlan {
        let depth = inChannels * kernelSize * kernelSize
        precondition(weights.count == outChannels * depth, "weight count does not match the shape")
        precondition(bias.map { $0.count == outChannels } ?? true, "bias count does not match out channels")
        precondition(stride >= 1 && padding >= 0, "bad stride or padding")
        let foldFits = stride == 1 && kernelSize > 1 && outChannels < 2 * microRows
        let biasArray = bias.map(Array.init)
        if kernelSize == 3 && stride == 1 && !foldFits {
            return Conv2dPlan(inChannels: inChannels, outChannels: outChannels, kernelSize: 3, stride: 1,
                              padding: padding, paddingMode: paddingMode, algorithm: .winograd,
                              weights: winogradPanels(weights, outChannels: outChannels, inChannels: inChannels,
                                                       context: context),
                              separateBias: biasArray)
        }
        if foldFits {
            return Conv2dPlan(weights: weights, bias: bias, outChannels: outChannels, inChannels: inChannels,
                              kernelHeight: kernelSize, kernelWidth: kernelSize, stride: stride, padding: padding,
                              paddingMode: paddingMode)
        }
        return Conv2dPlan(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
                          padding: padding, paddingMode: paddingMode, algorithm: .implicitGEMM,
                          weights: PackedPanels(packing: weights, rows: outChannels, depth: depth, bias: biasArray,
                                                context: context),
                          separateBias: nil)
    }

    init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int, padding: Int, paddingMode: PaddingMode,
         algorithm: ConvAlgorithm, weights: PackedPanels, separateBias: [Float]?) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        kernelHeight = kernelSize
        kernelWidth = kernelSize
        self.stride = stride
        self.padding = padding
        self.paddingMode = paddingMode
        self.algorithm = algorithm
        self.weights = weights
        bf16Weights = nil
        winogradTaps = false
        self.separateBias = separateBias
    }
}

extension PackedPanels {
    /// Packs a row-major `rows x depth` matrix with pointer loops (the closure initialiser costs a call
    /// per element), panels split over `context`'s threads.
    public init(packing matrix: UnsafeBufferPointer<Float>, rows: Int, depth: Int, bias: [Float]?, context: ComputeContext) {
        precondition(rows > 0 && depth > 0 && matrix.count == rows * depth, "matrix size does not match rows x depth")
        let panels = (rows + microRows - 1) / microRows
        var values = [Float](repeating: 0, count: panels * depth * microRows)
        values.withUnsafeMutableBufferPointer { out in
            guard let target = out.baseAddress, let source = matrix.baseAddress else { return }
            parallelRanges(panels, context: context, work: rows * depth) { range in
                for r in (range.lowerBound * microRows)..<min(rows, range.upperBound * microRows) {
                    var dst = target + (r / microRows) * depth * microRows + r % microRows
                    let src = source + r * depth
                    for k in 0..<depth {
                        dst.pointee = src[k]
                        dst += microRows
                    }
                }
            }
        }
        self.init(rows: rows, depth: depth, values: values, bias: bias)
    }

    init(rows: Int, depth: Int, values: [Float], bias: [Float]?) {
        self.rows = rows
        self.depth = depth
        self.values = values
        var paddedBias = [Float](repeating: 0, count: (rows + microRows - 1) / microRows * microRows)
        if let bias { paddedBias.replaceSubrange(0..<rows, with: bias) }
        self.bias = paddedBias
    }
}

/// The 36 transformed matrices, stacked as one tall matrix of `36 * paddedRows` rows (panels never straddle
/// two positions), packed: the layout a Winograd run multiplies by. Vectorised across
/// the six output channels of a panel, so each of the 36 results of an (input channel, panel) pair is one
/// contiguous store into its packed row (the two spare lanes land in the next channel's slot, which is
/// written after; the last channel stores exactly six).
func winogradPanels(_ weights: UnsafeBufferPointer<Float>, outChannels: Int, inChannels: Int,
                    context: ComputeContext) -> PackedPanels {
    let panels = (outChannels + microRows - 1) / microRows
    let depth = inChannels, rows = 36 * panels * microRows, panelSize = depth * microRows
    // The weights as [in][tap][out] (plus one vector of slack), so the six output channels of a panel
    // load as one vector.
    var regrouped = [Float](repeating: 0, count: weights.count + 8)
    regrouped.withUnsafeMutableBufferPointer { r in
        guard let target = r.baseAddress, let source = weights.baseAddress else { return }
        // A transpose of [out][in * 9], in 16 x 16 tiles so neither side strides through memory.
        let depth = inChannels * 9
        for o0 in stride(from: 0, to: outChannels, by: 16) {
            for k0 in stride(from: 0, to: depth, by: 16) {
                for o in o0..<min(o0 + 16, outChannels) {
                    for k in k0..<min(k0 + 16, depth) { target[k * outChannels + o] = source[o * depth + k] }
                }
            }
        }
    }
    var values = [Float](repeating: 0, count: rows * depth)
    values.withUnsafeMutableBufferPointer { out in
        guard let target = out.baseAddress else { return }
        regrouped.withUnsafeBufferPointer { r in
            guard let source = r.baseAddress else { return }
            parallelRanges(panels, context: context, work: 36 * outChannels * inChannels) { range in
                // 18 vectors of G g, then the 36 of G g G^T.
                let scratch = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: 54)
                defer { scratch.deallocate() }
                let half = scratch, u = scratch + 18
                for panel in range {
                    // Lanes past the panel's real rows (the last panel) read neighbours; they are zeroed.
                    // As a bit mask: `replacing(with:where:)` compiles to a loop over lanes.
                    var real = SIMD8<UInt32>()
                    for l in 0..<min(microRows, outChannels - panel * microRows) { real[l] = .max }
                    for c in 0..<inChannels {
                        let kernels = source + c * 9 * outChannels + panel * microRows
                        func tap(_ t: Int) -> SIMD8<Float> {
                            let v = UnsafeRawPointer(kernels + t * outChannels).loadUnaligned(as: SIMD8<UInt32>.self)
                            return unsafeBitCast(v & real, to: SIMD8<Float>.self)
                        }
                        // Columns of g (down the kernel rows), then the rows of G g.
                        for j in 0..<3 {
                            let r = winogradFilterPass(tap(j), tap(3 + j), tap(6 + j))
                            half[j] = r.0; half[3 + j] = r.1; half[6 + j] = r.2
                            half[9 + j] = r.3; half[12 + j] = r.4; half[15 + j] = r.5
                        }
                        for i in 0..<6 {
                            let r = winogradFilterPass(half[3 * i], half[3 * i + 1], half[3 * i + 2])
                            u[6 * i] = r.0; u[6 * i + 1] = r.1; u[6 * i + 2] = r.2
                            u[6 * i + 3] = r.3; u[6 * i + 4] = r.4; u[6 * i + 5] = r.5
                        }
                        for e in 0..<36 {
                            let dst = target + (e * panels + panel) * panelSize + c * microRows
                            if c + 1 < inChannels {
                                UnsafeMutableRawPointer(dst).storeBytes(of: u[e], as: SIMD8<Float>.self)
                            } else {
                                for l in 0..<microRows { dst[l] = u[e][l] }
                            }
                        }
                    }
                }
            }
        }
    }
    return PackedPanels(rows: rows, depth: depth, values: values, bias: nil)
}
