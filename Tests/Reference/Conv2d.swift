import KernelsCore
import NN

/// A convolution layer with its parameters (PyTorch `Conv2d` with zero padding).
package struct Conv2d: Sendable {
    /// [Cout, Cin, K, K]
    package let weight: Tensor
    /// [Cout], absent for convolutions followed by a norm with its own shift.
    package let bias: Tensor?
    package let stride: Int
    package let padding: Int

    package init(weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0) {
        precondition(weight.rank == 4, "Conv2d weight must be [Cout, Cin, K, K], got \(weight.shape)")
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
    }

    package func forward(_ input: Tensor) -> Tensor {
        conv2d(input: input, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}

/// 2-D cross-correlation with zero padding (PyTorch `Conv2d`, dilation 1, groups 1).
///
/// `input` [N, Cin, H, W], `weight` [Cout, Cin, K, K], `bias` [Cout] or nil ->
/// [N, Cout, (H + 2p - K) / s + 1, (W + 2p - K) / s + 1].
/// im2col and one blocked GEMM per band of output rows: plain enough to trust, fast enough for a 256x256
/// generator in a test.
package func conv2d(input: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int) -> Tensor {
    let (n, cin, h, w) = input.nchw
    let (cout, wcin, kh, kw) = weight.nchw
    precondition(wcin == cin, "conv2d: input has \(cin) channels, weight expects \(wcin)")
    precondition(stride >= 1 && padding >= 0, "conv2d: stride \(stride), padding \(padding)")
    precondition(bias.map { $0.shape == [cout] } ?? true, "conv2d: bias shape must be [\(cout)]")
    let g = ConvGeometry(channels: cin, height: h, width: w, kernelH: kh, kernelW: kw, stride: stride, padding: padding)
    let outH = g.outHeight, outW = g.outWidth
    precondition(outH >= 1 && outW >= 1, "conv2d: kernel \(kh)x\(kw) does not fit input \(h)x\(w) with padding \(padding)")
    let outPlane = outH * outW
    let depth = cin * kh * kw
    let direct = kh == 1 && kw == 1 && stride == 1 && padding == 0
    let band = ConvBanding.rows(depth: depth, width: outW, height: outH)

    var output = [Float](repeating: 0, count: n * cout * outPlane)
    var columns = [Float](repeating: 0, count: direct ? 0 : depth * band * outW)
    input.storage.withUnsafeBufferPointer { x in
        weight.storage.withUnsafeBufferPointer { wt in
            output.withUnsafeMutableBufferPointer { y in
                columns.withUnsafeMutableBufferPointer { col in
                    let weights = wt.baseAddress.unsafelyUnwrapped
                    for b in 0..<n {
                        let src = x.baseAddress.unsafelyUnwrapped + b * cin * h * w
                        let dst = y.baseAddress.unsafelyUnwrapped + b * cout * outPlane
                        fillBias(bias, into: dst, channels: cout, plane: outPlane)
                        if direct {
                            gemm(m: cout, n: outPlane, k: depth, a: weights, lda: depth, b: src, ldb: outPlane,
                                 c: dst, ldc: outPlane, accumulate: true)
                            continue
                        }
                        // Bands of output rows bound the column buffer (a 7x7 conv over 256x256 would
                        // otherwise unfold to hundreds of MB).
                        let columnBase = col.baseAddress.unsafelyUnwrapped
                        for row in Swift.stride(from: 0, to: outH, by: band) {
                            let rows = row..<min(outH, row + band)
                            im2col(src, g, rows: rows, into: columnBase)
                            gemm(m: cout, n: rows.count * outW, k: depth, a: weights, lda: depth,
                                 b: columnBase, ldb: rows.count * outW,
                                 c: dst + row * outW, ldc: outPlane, accumulate: true)
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: [n, cout, outH, outW], storage: output)
}

/// How many column-side rows one unfolded band holds.
enum ConvBanding {
    /// 2 Mi floats (8 MB) per column buffer: big enough for efficient GEMMs, small per worker.
    static let maxColumnFloats = 1 << 21

    static func rows(depth: Int, width: Int, height: Int) -> Int {
        max(1, min(height, maxColumnFloats / max(1, depth * width)))
    }
}

/// Writes `bias[c]` over each channel plane (zeros when there is no bias), so the GEMM can accumulate.
func fillBias(_ bias: Tensor?, into dst: UnsafeMutablePointer<Float>, channels: Int, plane: Int) {
    guard let bias else {
        dst.update(repeating: 0, count: channels * plane)
        return
    }
    for c in 0..<channels {
        (dst + c * plane).update(repeating: bias.storage[c], count: plane)
    }
}

/// Unfolds output rows `rows` of one image into the [Cin*K*K, rows.count*outW] matrix whose product with
/// the weights is that band of the convolution.
func im2col(_ image: UnsafePointer<Float>, _ g: ConvGeometry, rows: Range<Int>, into col: UnsafeMutablePointer<Float>) {
    let outW = g.outWidth
    let bandSize = rows.count * outW
    var row = col
    for c in 0..<g.channels {
        let plane = image + c * g.height * g.width
        for ky in 0..<g.kernelH {
            for kx in 0..<g.kernelW {
                for oy in rows {
                    let iy = oy * g.stride - g.padding + ky
                    let dst = row + (oy - rows.lowerBound) * outW
                    guard iy >= 0 && iy < g.height else {
                        dst.update(repeating: 0, count: outW)
                        continue
                    }
                    let srcRow = plane + iy * g.width
                    if g.stride == 1 {
                        // Contiguous run: zeros on the left/right edges, a block copy in between.
                        let lo = min(outW, max(0, g.padding - kx)), hi = max(lo, min(outW, g.width + g.padding - kx))
                        dst.update(repeating: 0, count: lo)
                        (dst + lo).update(from: srcRow + (lo - g.padding + kx), count: hi - lo)
                        (dst + hi).update(repeating: 0, count: outW - hi)
                    } else {
                        for ox in 0..<outW {
                            let ix = ox * g.stride - g.padding + kx
                            dst[ox] = (ix >= 0 && ix < g.width) ? srcRow[ix] : 0
                        }
                    }
                }
                row += bandSize
            }
        }
    }
}
