import KernelsCore
import NN

extension Tape {
    /// Transposed convolution (PyTorch's `ConvTranspose2d`): input `[N, Cin, H, W]`, weight
    /// `[Cin, Cout, k, k]`. It is the adjoint of the convolution from its output back to its input grid, so
    /// dX is that convolution of dY (the same weights read as OIHW), and dW the packed GEMM of X with the
    /// unfolded dY.
    package func convTranspose2d(_ input: Variable, weight: Variable, bias: Variable?,
                                stride: Int = 2, padding: Int = 1, outputPadding: Int = 1) -> Variable {
        let x = value(input), w = value(weight)
        let (weightChannels, outChannels, k, kw) = w.nchw
        precondition(weightChannels == x.shape[1], "convTranspose2d: input has \(x.shape[1]) channels, weight expects \(weightChannels)")
        precondition(k == kw, "convTranspose2d: square kernels only, got \(k)x\(kw)")
        let key = PlanCache.Key(weight: weight.id, bias: bias?.id, role: .forward, stride: stride, padding: padding,
                                outputPadding: outputPadding)
        let kernels = self.kernels
        let plan = plans.transposedConvolution(key) {
            kernels.transposedPlan(weights: w.storage, inChannels: x.shape[1], outChannels: outChannels,
                                   kernel: k, bias: bias.map { value($0).storage }, stride: stride,
                                   padding: padding, outputPadding: outputPadding)
        }
        let output = kernels.convolveTransposed(x, plan: plan)
        let (outHeight, outWidth) = (output.shape[2], output.shape[3])
        // The convolution this op is the adjoint of (output padding < stride, so its size formula rounds
        // down to exactly H x W).
        let g = ConvGeometry(channels: outChannels, height: outHeight, width: outWidth,
                             kernelH: k, kernelW: k, stride: stride, padding: padding)
        precondition(g.outHeight == x.shape[2] && g.outWidth == x.shape[3], "transposed convolution geometry")
        let inputs = [input, weight] + (bias.map { [$0] } ?? [])
        let plans = self.plans, inChannels = x.shape[1]
        return record(output, inputs: inputs) { dy, needs in
            let dx = needs[0]
                ? kernels.convolve(dy, plan: plans.convolution(
                    PlanCache.Key(weight: weight.id, bias: nil, role: .inputGradient, stride: stride, padding: padding,
                                  outputPadding: 0)) {
                        kernels.convolutionPlan(weights: w.storage, inChannels: outChannels, outChannels: inChannels,
                                                kernel: k, bias: nil, stride: stride, padding: padding)
                    }) : nil
            let dw = needs[1]
                ? Tensor(shape: w.shape, storage: kernels.unfoldedProduct(image: dy, geometry: g, gradient: x)) : nil
            return [dx, dw] + (needs.count > 2 ? [needs[2] ? channelSums(dy, channels: outChannels, plane: outHeight * outWidth) : nil] : [])
        }
    }
}
