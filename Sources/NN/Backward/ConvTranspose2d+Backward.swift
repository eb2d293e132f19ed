import Tensor

extension Tape {
    /// Transposed convolution as PyTorch's `ConvTranspose2d`: input `[N, Cin, H, W]`, weight `[Cin, Cout, kh, kw]`,
    /// output `(H - 1) * stride - 2 * padding + kh + outputPadding`. It is the adjoint of a convolution over
    /// the output, so forward folds columns (`col2im`) and the gradients unfold (`im2col`): the same two
    /// primitives and GEMM as `conv2d`, with roles swapped.
    public func convTranspose2d(_ input: Variable, weight: Variable, bias: Variable?,
                                stride: Int = 2, padding: Int = 1, outputPadding: Int = 1) -> Variable {
        let x = value(input), w = value(weight)
        precondition(x.shape.count == 4 && w.shape.count == 4 && x.shape[1] == w.shape[0] && x.count > 0,
                     "convTranspose2d shape mismatch: input \(x.shape), weight \(w.shape)")
        precondition(outputPadding < stride, "output padding must be smaller than the stride")
        let (batch, inChannels, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let outChannels = w.shape[1]
        let outHeight = (height - 1) * stride - 2 * padding + w.shape[2] + outputPadding
        let outWidth = (width - 1) * stride - 2 * padding + w.shape[3] + outputPadding
        precondition(outHeight > 0 && outWidth > 0, "convTranspose2d output would be empty for input \(x.shape)")
        // The convolution this op is the adjoint of: from the output image back to the input grid.
        let g = ConvGeometry(channels: outChannels, height: outHeight, width: outWidth,
                             kernelHeight: w.shape[2], kernelWidth: w.shape[3], stride: stride, padding: padding,
                             outHeight: height, outWidth: width)
        let inPlane = inChannels * g.outPixels, outPlane = outChannels * outHeight * outWidth
        var out = [Float](repeating: 0, count: batch * outPlane)
        var col = [Float](repeating: 0, count: g.patchSize * g.outPixels)
        x.storage.withBase { xs in
            w.storage.withBase { ws in
                col.withMutableBase { cs in
                    out.withMutableBase { ys in
                        for n in 0..<batch {
                            matrixMultiply(m: g.patchSize, n: g.outPixels, k: inChannels,
                                           a: MatrixOperand(ws, rowStride: g.patchSize, transposed: true),
                                           b: MatrixOperand(xs + n * inPlane, rowStride: g.outPixels),
                                           c: cs, ldc: g.outPixels, accumulate: false)
                            col2imAccumulate(cs, g, into: ys + n * outPlane)
                        }
                    }
                }
            }
        }
        if let bias { addChannelBias(value(bias), to: &out, channels: outChannels, plane: outHeight * outWidth) }
        let output = Tensor(shape: [batch, outChannels, outHeight, outWidth], storage: out)
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
                                im2col(dys + n * outPlane, g, into: cs)
                                let dcol = MatrixOperand(cs, rowStride: g.outPixels)
                                if needs[0] {
                                    dx.withMutableBase { dxs in
                                        matrixMultiply(m: inChannels, n: g.outPixels, k: g.patchSize,
                                                       a: MatrixOperand(ws, rowStride: g.patchSize), b: dcol,
                                                       c: dxs + n * inPlane, ldc: g.outPixels, accumulate: false)
                                    }
                                }
                                if needs[1] {
                                    dw.withMutableBase { dws in
                                        matrixMultiply(m: inChannels, n: g.patchSize, k: g.outPixels,
                                                       a: MatrixOperand(xs + n * inPlane, rowStride: g.outPixels),
                                                       b: MatrixOperand(cs, rowStride: g.outPixels, transposed: true),
                                                       c: dws, ldc: g.patchSize, accumulate: n > 0)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return [needs[0] ? Tensor(shape: x.shape, storage: dx) : nil,
                    needs[1] ? Tensor(shape: w.shape, storage: dw) : nil]
                + (needs.count > 2 ? [needs[2] ? channelSums(dy, channels: outChannels, plane: outHeight * outWidth) : nil] : [])
        }
    }
}
