/// 2-D cross-correlation with zero padding (PyTorch `Conv2d`, dilation 1, groups 1).
///
/// `input` [N, Cin, H, W], `weight` [Cout, Cin, K, K], `bias` [Cout] or nil ->
/// [N, Cout, (H + 2p - K) / s + 1, (W + 2p - K) / s + 1].
/// The only convolution entry point of the engine: a faster kernel replaces this body, not its callers.
public func conv2d(input: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int) -> Tensor {
    let (n, cin, h, w) = input.nchw
    let (cout, wcin, kh, kw) = weight.nchw
    precondition(wcin == cin, "conv2d: input has \(cin) channels, weight expects \(wcin)")
    precondition(stride >= 1 && padding >= 0, "conv2d: stride \(stride), padding \(padding)")
    precondition(bias.map { $0.shape == [cout] } ?? true, "conv2d: bias shape must be [\(cout)]")
    let geometry = ConvGeometry(
        channels: cin, height: h, width: w, kernelH: kh, kernelW: kw, stride: stride, padding: padding)
    precondition(geometry.outHeight >= 1 && geometry.outWidth >= 1,
                 "conv2d: kernel \(kh)x\(kw) does not fit input \(h)x\(w) with padding \(padding)")
    let outPlane = geometry.outHeight * geometry.outWidth
    let depth = cin * kh * kw
    let direct = kh == 1 && kw == 1 && stride == 1 && padding == 0

    var output = [Float](repeating: 0, count: n * cout * outPlane)
    var columns = [Float](repeating: 0, count: direct ? 0 : depth * outPlane)
    input.storage.withUnsafeBufferPointer { x in
        weight.storage.withUnsafeBufferPointer { wt in
            output.withUnsafeMutableBufferPointer { y in
                columns.withUnsafeMutableBufferPointer { col in
                    for b in 0..<n {
                        let src = x.baseAddress.unsafelyUnwrapped + b * cin * h * w
                        let dst = y.baseAddress.unsafelyUnwrapped + b * cout * outPlane
                        fillBias(bias, into: dst, channels: cout, plane: outPlane)
                        let rhs: UnsafePointer<Float>
                        if direct {
                            rhs = src
                        } else {
                            im2col(src, geometry, into: col.baseAddress.unsafelyUnwrapped)
                            rhs = UnsafePointer(col.baseAddress.unsafelyUnwrapped)
                        }
                        gemm(m: cout, n: outPlane, k: depth, a: wt.baseAddress.unsafelyUnwrapped,
                             b: rhs, c: dst, accumulate: true)
                    }
                }
            }
        }
    }
    return Tensor(shape: [n, cout, geometry.outHeight, geometry.outWidth], storage: output)
}

/// Sizes shared by im2col (forward) and col2im (transposed convolution, and later the backward pass).
struct ConvGeometry {
    let channels: Int, height: Int, width: Int
    let kernelH: Int, kernelW: Int, stride: Int, padding: Int
    var outHeight: Int { (height + 2 * padding - kernelH) / stride + 1 }
    var outWidth: Int { (width + 2 * padding - kernelW) / stride + 1 }
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

/// Unfolds one image into the [Cin*K*K, outH*outW] matrix whose product with the weights is the convolution.
func im2col(_ image: UnsafePointer<Float>, _ g: ConvGeometry, into col: UnsafeMutablePointer<Float>) {
    let outH = g.outHeight, outW = g.outWidth
    var row = col
    for c in 0..<g.channels {
        let plane = image + c * g.height * g.width
        for ky in 0..<g.kernelH {
            for kx in 0..<g.kernelW {
                for oy in 0..<outH {
                    let iy = oy * g.stride - g.padding + ky
                    let dst = row + oy * outW
                    guard iy >= 0 && iy < g.height else {
                        dst.update(repeating: 0, count: outW)
                        continue
                    }
                    let srcRow = plane + iy * g.width
                    if g.stride == 1 {
                        // Contiguous run: zeros on the left/right edges, a block copy in between.
                        let lo = max(0, g.padding - kx), hi = min(outW, g.width + g.padding - kx)
                        if lo > 0 { dst.update(repeating: 0, count: min(lo, outW)) }
                        if hi > lo { (dst + lo).update(from: srcRow + (lo - g.padding + kx), count: hi - lo) }
                        if hi < outW { (dst + max(hi, 0)).update(repeating: 0, count: outW - max(hi, 0)) }
                    } else {
                        for ox in 0..<outW {
                            let ix = ox * g.stride - g.padding + kx
                            dst[ox] = (ix >= 0 && ix < g.width) ? srcRow[ix] : 0
                        }
                    }
                }
                row += outH * outW
            }
        }
    }
}
