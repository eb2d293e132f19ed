import NN

/// Reflection padding layer, the border treatment CycleGAN uses before its 7x7 and residual convolutions.
package struct ReflectionPad2d: Sendable {
    package let padding: Int

    package init(padding: Int) { self.padding = padding }

    package func forward(_ input: Tensor) -> Tensor { reflectionPad2d(input, padding: padding) }
}

/// Reflection padding of the two spatial dimensions (PyTorch `ReflectionPad2d`, edge not repeated).
///
/// [N, C, H, W] -> [N, C, H + 2p, W + 2p]; requires p < H and p < W (as PyTorch does).
package func reflectionPad2d(_ input: Tensor, padding p: Int) -> Tensor {
    let (n, c, h, w) = input.nchw
    precondition(p >= 0 && p < h && p < w, "reflectionPad2d: padding \(p) needs an input larger than \(h)x\(w)")
    if p == 0 { return input }
    let outH = h + 2 * p, outW = w + 2 * p
    var output = [Float](repeating: 0, count: n * c * outH * outW)
    input.storage.withUnsafeBufferPointer { x in
        output.withUnsafeMutableBufferPointer { y in
            for plane in 0..<(n * c) {
                let src = x.baseAddress.unsafelyUnwrapped + plane * h * w
                let dst = y.baseAddress.unsafelyUnwrapped + plane * outH * outW
                for oy in 0..<outH {
                    let srcRow = src + reflect(oy - p, size: h) * w
                    let dstRow = dst + oy * outW
                    (dstRow + p).update(from: srcRow, count: w)
                    for i in 0..<p {
                        dstRow[p - 1 - i] = srcRow[i + 1]
                        dstRow[p + w + i] = srcRow[w - 2 - i]
                    }
                }
            }
        }
    }
    return Tensor(shape: [n, c, outH, outW], storage: output)
}

/// Mirror index for positions at most one size outside [0, size).
@inline(__always)
func reflect(_ i: Int, size: Int) -> Int {
    if i < 0 { return -i }
    if i >= size { return 2 * size - 2 - i }
    return i
}
