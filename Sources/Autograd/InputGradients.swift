import KernelsCore
import NN
import Parallel

extension TrainingKernels {
    /// dX of `conv2d` (OIHW `weights`, geometry `g`) from its output gradient: the transposed convolution
    /// with the same weights, its output padding picked to reach the input size. Stride-1 layers instead
    /// convolve dY with the flipped, transposed kernel and padding k-1-p (a negative padding becomes a
    /// crop): Winograd for 3x3, and a plain convolution plan otherwise, which flattens small maps and folds
    /// the columns of kernels with few outputs, where the transposed plan's single phase does neither.
    /// Plans come from `plans` under `weight` (the weights' variable).
    func convolutionInputGradient(_ dy: Tensor, weights: Tensor, geometry g: ConvGeometry,
                                  plans: PlanCache, weight: Int) -> Tensor {
        let (outChannels, inChannels, k, _) = weights.nchw
        func key(padding: Int, outputPadding: Int) -> PlanCache.Key {
            PlanCache.Key(weight: weight, bias: nil, role: .inputGradient, stride: g.stride, padding: padding,
                          outputPadding: outputPadding)
        }
        if g.stride == 1 {
            let padding = k - 1 - g.padding
            let plan = plans.convolution(key(padding: max(padding, 0), outputPadding: 0)) {
                let taps = k * k
                let flipped = [Float](filling: weights.count) { fs in
                    weights.storage.withBase { ws in
                        parallelRanges(outChannels, context: context, work: weights.count) { range in
                            for o in range {
                                for c in 0..<inChannels {
                                    let source = ws + (o * inChannels + c) * taps, target = fs + (c * outChannels + o) * taps
                                    for t in 0..<taps { target[taps - 1 - t] = source[t] }
                                }
                            }
                        }
                    }
                }
                return convolutionPlan(weights: flipped, inChannels: outChannels, outChannels: inChannels, kernel: k,
                                       bias: nil, stride: 1, padding: max(padding, 0))
            }
            let full = convolve(dy, plan: plan)
            return crop(full, top: max(-padding, 0), height: g.height, width: g.width)
        }
        let base = { (outSize: Int) in (outSize - 1) * g.stride - 2 * g.padding + k }
        let outputPadding = max(g.height - base(g.outHeight), g.width - base(g.outWidth))
        let plan = plans.transposedConvolution(key(padding: g.padding, outputPadding: outputPadding)) {
            transposedPlan(weights: weights.storage, inChannels: outChannels, outChannels: inChannels, kernel: k,
                           bias: nil, stride: g.stride, padding: g.padding, outputPadding: outputPadding)
        }
        let full = convolveTransposed(dy, plan: plan)
        return crop(full, top: 0, height: g.height, width: g.width)
    }

    /// The `height x width` window of every plane starting at (`top`, `top`); the tensor itself when it
    /// is already that size.
    func crop(_ t: Tensor, top: Int, height: Int, width: Int) -> Tensor {
        let (batch, channels, fullHeight, fullWidth) = t.nchw
        if top == 0 && fullHeight == height && fullWidth == width { return t }
        precondition(top + height <= fullHeight && top + width <= fullWidth, "crop outside the tensor")
        let out = [Float](filling: batch * channels * height * width) { dst in
            t.storage.withBase { src in
                for plane in 0..<(batch * channels) {
                    for y in 0..<height {
                        (dst + (plane * height + y) * width)
                            .update(from: src + (plane * fullHeight + top + y) * fullWidth + top, count: width)
                    }
                }
            }
        }
        return Tensor(shape: [batch, channels, height, width], storage: out)
    }
}
