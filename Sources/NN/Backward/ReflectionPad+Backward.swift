import Tensor

extension Tape {
    /// Reflection padding as PyTorch's `ReflectionPad2d` (edge pixel not repeated). The gradient sums the
    /// output gradient back onto the pixels each padded pixel mirrors.
    public func reflectionPad(_ input: Variable, _ pad: Int) -> Variable {
        let x = value(input)
        precondition(x.shape.count == 4 && pad < x.shape[2] && pad < x.shape[3] && x.count > 0,
                     "reflection pad \(pad) needs a larger input than \(x.shape)")
        let (planes, height, width) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        let (outHeight, outWidth) = (height + 2 * pad, width + 2 * pad)
        let rows = (0..<outHeight).map { reflect($0 - pad, height) }
        let cols = (0..<outWidth).map { reflect($0 - pad, width) }
        var out = [Float](repeating: 0, count: planes * outHeight * outWidth)
        x.storage.withBase { xs in
            out.withMutableBase { ys in
                for p in 0..<planes {
                    for oy in 0..<outHeight {
                        let src = xs + (p * height + rows[oy]) * width
                        let dst = ys + (p * outHeight + oy) * outWidth
                        for ox in 0..<outWidth { dst[ox] = src[cols[ox]] }
                    }
                }
            }
        }
        let output = Tensor(shape: [x.shape[0], x.shape[1], outHeight, outWidth], storage: out)
        return record(output, inputs: [input]) { dy, _ in
            var dx = [Float](repeating: 0, count: x.count)
            dy.storage.withBase { dys in
                dx.withMutableBase { dxs in
                    for p in 0..<planes {
                        for oy in 0..<outHeight {
                            let src = dys + (p * outHeight + oy) * outWidth
                            let dst = dxs + (p * height + rows[oy]) * width
                            for ox in 0..<outWidth { dst[cols[ox]] += src[ox] }
                        }
                    }
                }
            }
            return [Tensor(shape: x.shape, storage: dx)]
        }
    }
}

/// Mirror index for reflection padding (valid for offsets within one edge length).
private func reflect(_ i: Int, _ size: Int) -> Int {
    if i < 0 { return -i }
    if i >= size { return 2 * size - 2 - i }
    return i
}
