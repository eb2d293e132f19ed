import Tensor

extension Tape {
    /// Zero-padded convolution as PyTorch's `Conv2d`: input `[N, Cin, H, W]`, weight `[Cout, Cin, kh, kw]`,
    /// bias `[Cout]`. Forward and both gradients are one GEMM per image over the unfolded patches; the patch
    /// matrix is rebuilt in the pullback rather than kept, which keeps a whole CycleGAN step's memory small.
    public func conv2d(_ input: Variable, weight: Variable, bias: Variable?, stride: Int = 1, padding: Int = 0) -> Variable {
        let x = value(input), w = value(weight)
        precondition(x.shape.count == 4 && w.shape.count == 4 && x.shape[1] == w.shape[1] && x.count > 0,
                     "conv2d shape mismatch: input \(x.shape), weight \(w.shape)")
        let (batch, outChannels) = (x.shape[0], w.shape[0])
        let g = ConvGeometry(channels: x.shape[1], height: x.shape[2], width: x.shape[3],
                             kernelHeight: w.shape[2], kernelWidth: w.shape[3], stride: stride, padding: padding)
        precondition(g.outHeight > 0 && g.outWidth > 0, "conv2d output would be empty for input \(x.shape)")
        let inPlane = g.channels * g.height * g.width, outPlane = outChannels * g.outPixels
        var out = [Float](repeating: 0, count: batch * outPlane)
        var col = [Float](repeating: 0, count: g.patchSize * g.outPixels)
        x.storage.withBase { xs in
            w.storage.withBase { ws in
                col.withMutableBase { cs in
                    out.withMutableBase { ys in
                        for n in 0..<batch {
                            im2col(xs + n * inPlane, g, into: cs)
                            matrixMultiply(m: outChannels, n: g.outPixels, k: g.patchSize,
                                           a: MatrixOperand(ws, rowStride: g.patchSize),
                                           b: MatrixOperand(cs, rowStride: g.outPixels),
                                           c: ys + n * outPlane, ldc: g.outPixels, accumulate: false)
                        }
                    }
                }
            }
        }
        if let bias { addChannelBias(value(bias), to: &out, channels: outChannels, plane: g.outPixels) }
        let output = Tensor(shape: [batch, outChannels, g.outHeight, g.outWidth], storage: out)
        let inputs = [input, weight] + (bias.map { [$0] } ?? [])
        return record(output, inputs: inputs) { dy, needs in
            var dx = [Float](repeating: 0, count: needs[0] ? x.count : 1)
            var dw = [Float](repeating: 0, count: needs[1] ? w.count : 1)
            var col = [Float](repeating: 0, count: g.patchSize * g.outPixels)
            x.storage.withBase { xs in
                w.storage.withBase { ws in
                    dy.storage.withBase { dys in
                        col.withMutableBase { cs in
                            for n in 0..<batch {
                                let dyn = MatrixOperand(dys + n * outPlane, rowStride: g.outPixels)
                                if needs[1] {
                                    im2col(xs + n * inPlane, g, into: cs)
                                    dw.withMutableBase { dws in
                                        matrixMultiply(m: outChannels, n: g.patchSize, k: g.outPixels, a: dyn,
                                                       b: MatrixOperand(cs, rowStride: g.outPixels, transposed: true),
                                                       c: dws, ldc: g.patchSize, accumulate: n > 0)
                                    }
                                }
                                if needs[0] {
                                    matrixMultiply(m: g.patchSize, n: g.outPixels, k: outChannels,
                                                   a: MatrixOperand(ws, rowStride: g.patchSize, transposed: true),
                                                   b: dyn, c: cs, ldc: g.outPixels, accumulate: false)
                                    dx.withMutableBase { col2imAccumulate(cs, g, into: $0 + n * inPlane) }
                                }
                            }
                        }
                    }
                }
            }
            return [needs[0] ? Tensor(shape: x.shape, storage: dx) : nil,
                    needs[1] ? Tensor(shape: w.shape, storage: dw) : nil]
                + (needs.count > 2 ? [needs[2] ? channelSums(dy, channels: outChannels, plane: g.outPixels) : nil] : [])
        }
    }
}

/// Adds `bias[c]` to every pixel of channel `c` in an NCHW buffer.
func addChannelBias(_ bias: Tensor, to out: inout [Float], channels: Int, plane: Int) {
    let count = out.count
    bias.storage.withBase { bs in
        out.withMutableBase { ys in
            for start in stride(from: 0, to: count, by: plane) {
                let b = bs[(start / plane) % channels]
                for i in start..<(start + plane) { ys[i] += b }
            }
        }
    }
}

/// Sum of an NCHW gradient over batch and pixels: the gradient of a per-channel bias.
func channelSums(_ t: Tensor, channels: Int, plane: Int) -> Tensor {
    var sums = [Double](repeating: 0, count: channels)
    t.storage.withBase { ts in
        for start in stride(from: 0, to: t.count, by: plane) {
            var s = 0.0
            for i in start..<(start + plane) { s += Double(ts[i]) }
            sums[(start / plane) % channels] += s
        }
    }
    return Tensor(shape: [channels], storage: sums.map { Float($0) })
}
