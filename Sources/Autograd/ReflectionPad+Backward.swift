import NN
import Parallel

extension Tape {
    /// Reflection padding (PyTorch's `ReflectionPad2d`). The gradient sums the output gradient back onto the
    /// pixels each padded pixel mirrors.
    package func reflectionPad(_ input: Variable, _ pad: Int) -> Variable {
        let x = value(input)
        let output = reflectionPadded(x, pad, context: kernels.context)
        let (planes, height, width) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        let (outHeight, outWidth) = (height + 2 * pad, width + 2 * pad)
        let context = kernels.context
        return record(output, inputs: [input]) { dy, _ in
            let rows = mirrored(height, pad), cols = mirrored(width, pad)
            var dx = [Float](repeating: 0, count: x.count)
            dy.storage.withBase { dys in
                dx.withMutableBase { dxs in
                    rows.withUnsafeBufferPointer { rows in
                        cols.withUnsafeBufferPointer { cols in
                            // Planes are independent: split across the cores.
                            parallelRanges(planes, context: context, work: 2 * dy.count) { range in
                                for p in range {
                                    for oy in 0..<outHeight {
                                        let src = dys + (p * outHeight + oy) * outWidth
                                        let dst = dxs + (p * height + rows[oy]) * width
                                        for ox in 0..<outWidth { dst[cols[ox]] += src[ox] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return [Tensor(shape: x.shape, storage: dx)]
        }
    }
}

/// `x` reflection-padded by `pad` on both spatial axes (edge not repeated; `pad` below the height and
/// width): each row copies the row it mirrors, its border columns the columns they mirror.
func reflectionPadded(_ x: Tensor, _ pad: Int, context: ComputeContext) -> Tensor {
    let (batch, channels, height, width) = x.nchw
    precondition(pad >= 0 && pad < height && pad < width, "reflection padding \(pad) needs an input larger than \(height)x\(width)")
    if pad == 0 { return x }
    let (planes, outHeight, outWidth) = (batch * channels, height + 2 * pad, width + 2 * pad)
    let rows = mirrored(height, pad), cols = mirrored(width, pad)
    let output = [Float](filling: planes * outHeight * outWidth) { ys in
        x.storage.withBase { xs in
            parallelRanges(planes, context: context, work: 2 * planes * outHeight * outWidth) { range in
                for p in range {
                    for oy in 0..<outHeight {
                        let src = xs + (p * height + rows[oy]) * width
                        let dst = ys + (p * outHeight + oy) * outWidth
                        (dst + pad).update(from: src, count: width)
                        for ox in 0..<pad { dst[ox] = src[cols[ox]] }
                        for ox in (pad + width)..<outWidth { dst[ox] = src[cols[ox]] }
                    }
                }
            }
        }
    }
    return Tensor(shape: [batch, channels, outHeight, outWidth], storage: output)
}

/// For each position of an axis of `size` padded by `pad` on both sides, the position it mirrors.
private func mirrored(_ size: Int, _ pad: Int) -> [Int] {
    (0..<(size + 2 * pad)).map { i in
        let j = i - pad
        if j < 0 { return -j }
        if j >= size { return 2 * size - 2 - j }
        return j
    }
}
