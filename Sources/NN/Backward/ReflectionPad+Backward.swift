import Kernels
import Tensor

extension Tape {
    /// Reflection padding (`reflectionPad2d` of the engine, PyTorch's `ReflectionPad2d`). The gradient sums the
    /// output gradient back onto the pixels each padded pixel mirrors.
    public func reflectionPad(_ input: Variable, _ pad: Int) -> Variable {
        let x = value(input)
        let output = EngineForward.reflectionPad(x, pad)
        let (planes, height, width) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        let (outHeight, outWidth) = (height + 2 * pad, width + 2 * pad)
        return record(output, inputs: [input]) { dy, _ in
            let rows = (0..<outHeight).map { reflect($0 - pad, height) }
            let cols = (0..<outWidth).map { reflect($0 - pad, width) }
            var dx = [Float](repeating: 0, count: x.count)
            dy.storage.withBase { dys in
                dx.withMutableBase { dxs in
                    rows.withUnsafeBufferPointer { rows in
                        cols.withUnsafeBufferPointer { cols in
                            // Planes are independent: split across the cores.
                            parallelRanges(planes, threads: TrainingKernels.threads, work: 2 * dy.count) { range in
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

/// Mirror index for reflection padding (valid for offsets within one edge length).
private func reflect(_ i: Int, _ size: Int) -> Int {
    if i < 0 { return -i }
    if i >= size { return 2 * size - 2 - i }
    return i
}
