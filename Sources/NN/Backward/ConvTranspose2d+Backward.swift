import Tensor

extension Tape {
    /// Transposed convolution (`convTranspose2d` of the engine, PyTorch's `ConvTranspose2d`): input
    /// `[N, Cin, H, W]`, weight `[Cin, Cout, kh, kw]`. It is the adjoint of a convolution over its output, so
    /// the gradients unfold the output gradient, band by band of input rows: dXᵇ = W · im2col(dY)ᵇ and
    /// dWᵀ += im2col(dY)ᵇ · (Xᵇ)ᵀ.
    public func convTranspose2d(_ input: Variable, weight: Variable, bias: Variable?,
                                stride: Int = 2, padding: Int = 1, outputPadding: Int = 1) -> Variable {
        let x = value(input), w = value(weight)
        let output = EngineForward.convTranspose(x, w, bias.map { value($0) },
                                                 stride: stride, padding: padding, outputPadding: outputPadding)
        let (batch, inChannels, outChannels) = (x.shape[0], x.shape[1], w.shape[1])
        let (outHeight, outWidth) = (output.shape[2], output.shape[3])
        // The convolution this op is the adjoint of: from the output image back to the input grid (output
        // padding < stride, so its size formula rounds down to exactly H x W).
        let g = ConvGeometry(channels: outChannels, height: outHeight, width: outWidth,
                             kernelH: w.shape[2], kernelW: w.shape[3], stride: stride, padding: padding)
        precondition(g.outHeight == x.shape[2] && g.outWidth == x.shape[3], "transposed convolution geometry")
        let inPixels = x.shape[2] * x.shape[3]
        let inPlane = inChannels * inPixels, outPlane = outChannels * outHeight * outWidth
        let inputs = [input, weight] + (bias.map { [$0] } ?? [])
        return record(output, inputs: inputs) { dy, needs in
            var dx = [Float](repeating: 0, count: needs[0] ? x.count : 1)
            // dWᵀ [Cout·k², Cin]: transposing X (Cin x HW) is cheaper than transposing the unfolded dY.
            var dwT = [Float](repeating: 0, count: needs[1] ? w.count : 1)
            var xT = [Float](repeating: 0, count: needs[1] ? inPlane : 1)
            var col = [Float](repeating: 0, count: g.patchSize * g.bandRows * g.outWidth)
            x.storage.withBase { xs in
                w.storage.withBase { ws in
                    dy.storage.withBase { dys in
                        col.withMutableBase { cs in
                            for n in 0..<batch {
                                if needs[1] { xT.withMutableBase { transpose(xs + n * inPlane, rows: inChannels, cols: inPixels, into: $0) } }
                                for rows in g.bands {
                                    let first = rows.lowerBound * g.outWidth, count = rows.count * g.outWidth
                                    im2col(dys + n * outPlane, g, rows: rows, into: cs)
                                    if needs[0] {
                                        dx.withMutableBase {
                                            ParallelGEMM.multiply(m: inChannels, n: count, k: g.patchSize, a: ws, lda: g.patchSize,
                                                                  b: cs, ldb: count, c: $0 + n * inPlane + first, ldc: inPixels,
                                                                  accumulate: false)
                                        }
                                    }
                                    if needs[1] {
                                        xT.withBase { xt in
                                            dwT.withMutableBase {
                                                ParallelGEMM.multiply(m: g.patchSize, n: inChannels, k: count, a: cs, lda: count,
                                                                      b: xt + first * inChannels, ldb: inChannels,
                                                                      c: $0, ldc: inChannels, accumulate: n > 0 || first > 0)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            var dw = [Float](repeating: 0, count: needs[1] ? w.count : 1)
            if needs[1] { dwT.withBase { dt in dw.withMutableBase { transpose(dt, rows: g.patchSize, cols: inChannels, into: $0) } } }
            return [needs[0] ? Tensor(shape: x.shape, storage: dx) : nil,
                    needs[1] ? Tensor(shape: w.shape, storage: dw) : nil]
                + (needs.count > 2 ? [needs[2] ? channelSums(dy, channels: outChannels, plane: outHeight * outWidth) : nil] : [])
        }
    }
}
