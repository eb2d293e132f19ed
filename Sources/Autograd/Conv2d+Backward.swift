import KernelsCore
import NN

extension Tape {
    /// Convolution (PyTorch's `Conv2d`, square kernels): input `[N, Cin, H, W]`, weight `[Cout, Cin, k, k]`,
    /// bias `[Cout]`. Forward and dX are convolutions on the per-ISA plans (dX of a 3x3 stride-1 layer is
    /// Winograd too); dW is the packed GEMM of dY with the unfolded input, unfolded again in the pullback
    /// rather than kept from the forward pass, which keeps a CycleGAN step's memory small.
    ///
    /// `paddingMode` `.reflect` is `ReflectionPad2d(padding)` followed by an unpadded convolution, with the
    /// padding done inside the plans (3x3, stride 1, padding 1 only: the residual blocks): no padded copy of
    /// the input, and no padded-size gradient to fold back.
    package func conv2d(_ input: Variable, weight: Variable, bias: Variable?, stride: Int = 1, padding: Int = 0,
                       paddingMode: PaddingMode = .zero) -> Variable {
        let x = value(input), w = value(weight)
        let (outChannels, weightChannels, k, kw) = w.nchw
        precondition(weightChannels == x.shape[1], "conv2d: input has \(x.shape[1]) channels, weight expects \(weightChannels)")
        precondition(k == kw, "conv2d: square kernels only, got \(k)x\(kw)")
        precondition(stride >= 1 && padding >= 0, "conv2d: stride \(stride), padding \(padding)")
        let g = ConvGeometry(channels: x.shape[1], height: x.shape[2], width: x.shape[3],
                             kernelH: k, kernelW: k, stride: stride, padding: padding)
        precondition(g.outHeight >= 1 && g.outWidth >= 1, "conv2d: kernel \(k) does not fit input \(x.shape)")
        let reflect = paddingMode == .reflect
        precondition(!reflect || (k == 3 && stride == 1 && padding == 1 && g.height >= 2 && g.width >= 2),
                     "conv2d: reflection padding is for 3x3 stride-1 padding-1 layers on at least 2x2 maps")
        let key = PlanCache.Key(weight: weight.id, bias: bias?.id, role: .forward, stride: stride, padding: padding,
                                outputPadding: 0, reflect: reflect)
        let kernels = self.kernels
        let plan = plans.convolution(key) {
            kernels.convolutionPlan(weights: w.storage, inChannels: x.shape[1], outChannels: outChannels, kernel: k,
                                    bias: bias.map { value($0).storage }, stride: stride, padding: padding,
                                    paddingMode: paddingMode)
        }
        let output = kernels.convolve(x, plan: plan)
        let inputs = [input, weight] + (bias.map { [$0] } ?? [])
        let plans = self.plans, weightGradients = self.weightGradients
        let batchWeightGradient = isParameter(weight) && kernels.winogradWeightGradientFits(g, gradientChannels: outChannels)
        return record(output, inputs: inputs) { dy, needs in
            let dx = !needs[0] ? nil : reflect
                ? kernels.reflectedInputGradient(dy, weights: w, plans: plans, weight: weight.id)
                : kernels.convolutionInputGradient(dy, weights: w, geometry: g, plans: plans, weight: weight.id)
            var dw: Tensor?
            if needs[1] && batchWeightGradient {
                // Summed with the weight's other uses when the pass ends.
                weightGradients.add(weight: weight.id, shape: w.shape, geometry: g, mode: paddingMode, image: x, gradient: dy)
            } else if needs[1] {
                dw = Tensor(shape: w.shape, storage: kernels.unfoldedProduct(image: x, geometry: g, gradient: dy,
                                                                             mode: paddingMode))
            }
            return [dx, dw] + (needs.count > 2 ? [needs[2] ? channelSums(dy, channels: outChannels, plane: g.outHeight * g.outWidth) : nil] : [])
        }
    }
}

/// Sum of an NCHW gradient over batch and pixels: the gradient of a per-channel bias. Float lanes over
/// runs of 512, Double across runs.
func channelSums(_ t: Tensor, channels: Int, plane: Int) -> Tensor {
    var sums = [Double](repeating: 0, count: channels)
    t.storage.withBase { ts in
        for start in stride(from: 0, to: t.count, by: plane) {
            var s = 0.0
            for run in stride(from: start, to: start + plane, by: 512) {
                let end = min(start + plane, run + 512), vectorEnd = run + (end - run) / 8 * 8
                var lanes = SIMD8<Float>(), tail: Float = 0
                for i in stride(from: run, to: vectorEnd, by: 8) {
                    lanes += UnsafeRawPointer(ts + i).loadUnaligned(as: SIMD8<Float>.self)
                }
                for i in vectorEnd..<end { tail += ts[i] }
                s += Double(lanes.sum() + tail)
            }
            sums[(start / plane) % channels] += s
        }
    }
    return Tensor(shape: [channels], storage: sums.map { Float($0) })
}
