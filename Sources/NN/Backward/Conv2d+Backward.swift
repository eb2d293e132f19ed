import Tensor

extension Tape {
    /// Zero-padded convolution (`conv2d` of the engine, PyTorch's `Conv2d`): input `[N, Cin, H, W]`, weight
    /// `[Cout, Cin, kh, kw]`, bias `[Cout]`. The gradients are GEMMs over the unfolded patches, band by band of
    /// output rows: dWᵀ += colᵇ · (dYᵇ)ᵀ and dXᵇ += col2im(Wᵀ · dYᵇ). The patches are unfolded again in the
    /// pullback rather than kept from the forward pass, which keeps a whole CycleGAN step's memory small.
    public func conv2d(_ input: Variable, weight: Variable, bias: Variable?, stride: Int = 1, padding: Int = 0) -> Variable {
        let x = value(input), w = value(weight)
        let output = EngineForward.conv(x, w, bias.map { value($0) }, stride: stride, padding: padding)
        let g = ConvGeometry(channels: x.shape[1], height: x.shape[2], width: x.shape[3],
                             kernelH: w.shape[2], kernelW: w.shape[3], stride: stride, padding: padding)
        let (batch, outChannels) = (x.shape[0], w.shape[0])
        let outPixels = g.outHeight * g.outWidth
        let inPlane = g.channels * g.height * g.width, outPlane = outChannels * outPixels
        let inputs = [input, weight] + (bias.map { [$0] } ?? [])
        return record(output, inputs: inputs) { dy, needs in
            var dx = [Float](repeating: 0, count: needs[0] ? x.count : 1)
            // dWᵀ [patch, Cout]: transposing dY (Cout x P) is cheaper than transposing the patches (Cin·k² x P).
            var dwT = [Float](repeating: 0, count: needs[1] ? w.count : 1)
            var dyT = [Float](repeating: 0, count: needs[1] ? outPlane : 1)
            var wT = [Float](repeating: 0, count: needs[0] ? w.count : 1)
            var col = [Float](repeating: 0, count: g.patchSize * g.bandRows * g.outWidth)
            if needs[0] { w.storage.withBase { ws in wT.withMutableBase { transpose(ws, rows: outChannels, cols: g.patchSize, into: $0) } } }
            x.storage.withBase { xs in
                dy.storage.withBase { dys in
                    col.withMutableBase { cs in
                        for n in 0..<batch {
                            let dyn = dys + n * outPlane
                            if needs[1] { dyT.withMutableBase { transpose(dyn, rows: outChannels, cols: outPixels, into: $0) } }
                            for rows in g.bands {
                                let first = rows.lowerBound * g.outWidth, count = rows.count * g.outWidth
                                if needs[1] {
                                    im2col(xs + n * inPlane, g, rows: rows, into: cs)
                                    dyT.withBase { dt in
                                        dwT.withMutableBase {
                                            ParallelGEMM.multiply(m: g.patchSize, n: outChannels, k: count, a: cs, lda: count,
                                                                  b: dt + first * outChannels, ldb: outChannels,
                                                                  c: $0, ldc: outChannels, accumulate: n > 0 || first > 0)
                                        }
                                    }
                                }
                                if needs[0] {
                                    wT.withBase {
                                        ParallelGEMM.multiply(m: g.patchSize, n: count, k: outChannels, a: $0, lda: outChannels,
                                                              b: dyn + first, ldb: outPixels, c: cs, ldc: count, accumulate: false)
                                    }
                                    dx.withMutableBase { col2im(cs, g, rows: rows, addingInto: $0 + n * inPlane) }
                                }
                            }
                        }
                    }
                }
            }
            var dw = [Float](repeating: 0, count: needs[1] ? w.count : 1)
            if needs[1] { dwT.withBase { dt in dw.withMutableBase { transpose(dt, rows: g.patchSize, cols: outChannels, into: $0) } } }
            return [needs[0] ? Tensor(shape: x.shape, storage: dx) : nil,
                    needs[1] ? Tensor(shape: w.shape, storage: dw) : nil]
                + (needs.count > 2 ? [needs[2] ? channelSums(dy, channels: outChannels, plane: outPixels) : nil] : [])
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
