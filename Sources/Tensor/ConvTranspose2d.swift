/// Transposed 2-D convolution (PyTorch `ConvTranspose2d`, dilation 1, groups 1).
///
/// `input` [N, Cin, H, W], `weight` [Cin, Cout, K, K] (PyTorch's layout), `bias` [Cout] or nil ->
/// [N, Cout, (H-1)s - 2p + K + outputPadding, same for W]. Computed as the adjoint of `conv2d`: one GEMM
/// into column form, then col2im scatters the columns onto the (cropped) output.
public func convTranspose2d(
    input: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int, outputPadding: Int
) -> Tensor {
    let (n, cin, h, w) = input.nchw
    let (wcin, cout, kh, kw) = weight.nchw
    precondition(wcin == cin, "convTranspose2d: input has \(cin) channels, weight expects \(wcin)")
    precondition(stride >= 1 && padding >= 0, "convTranspose2d: stride \(stride), padding \(padding)")
    precondition(outputPadding >= 0 && outputPadding < stride,
                 "convTranspose2d: output padding \(outputPadding) must be in 0..<stride")
    precondition(bias.map { $0.shape == [cout] } ?? true, "convTranspose2d: bias shape must be [\(cout)]")
    let outH = (h - 1) * stride - 2 * padding + kh + outputPadding
    let outW = (w - 1) * stride - 2 * padding + kw + outputPadding
    precondition(outH >= 1 && outW >= 1, "convTranspose2d: padding \(padding) leaves an empty output")
    let geometry = ConvGeometry(
        channels: cout, height: outH, width: outW, kernelH: kh, kernelW: kw, stride: stride, padding: padding)
    let depth = cout * kh * kw
    let plane = h * w

    // [Cin, Cout*K*K] -> [Cout*K*K, Cin] so the GEMM reads A row-major.
    var transposed = [Float](repeating: 0, count: depth * cin)
    weight.storage.withUnsafeBufferPointer { wt in
        transposed.withUnsafeMutableBufferPointer { t in
            for ci in 0..<cin {
                for j in 0..<depth { t[j * cin + ci] = wt[ci * depth + j] }
            }
        }
    }
    var output = [Float](repeating: 0, count: n * cout * outH * outW)
    var columns = [Float](repeating: 0, count: depth * plane)
    input.storage.withUnsafeBufferPointer { x in
        transposed.withUnsafeBufferPointer { t in
            output.withUnsafeMutableBufferPointer { y in
                columns.withUnsafeMutableBufferPointer { col in
                    for b in 0..<n {
                        let dst = y.baseAddress.unsafelyUnwrapped + b * cout * outH * outW
                        gemm(m: depth, n: plane, k: cin, a: t.baseAddress.unsafelyUnwrapped,
                             b: x.baseAddress.unsafelyUnwrapped + b * cin * plane,
                             c: col.baseAddress.unsafelyUnwrapped, accumulate: false)
                        fillBias(bias, into: dst, channels: cout, plane: outH * outW)
                        col2im(UnsafePointer(col.baseAddress.unsafelyUnwrapped), geometry, addingInto: dst)
                    }
                }
            }
        }
    }
    return Tensor(shape: [n, cout, outH, outW], storage: output)
}

/// The adjoint of `im2col`: adds every column entry back onto the image position it was read from.
func col2im(_ col: UnsafePointer<Float>, _ g: ConvGeometry, addingInto image: UnsafeMutablePointer<Float>) {
    let outH = g.outHeight, outW = g.outWidth
    var row = col
    for c in 0..<g.channels {
        let plane = image + c * g.height * g.width
        for ky in 0..<g.kernelH {
            for kx in 0..<g.kernelW {
                for oy in 0..<outH {
                    let iy = oy * g.stride - g.padding + ky
                    guard iy >= 0 && iy < g.height else { continue }
                    let src = row + oy * outW
                    let dstRow = plane + iy * g.width
                    let lo = max(0, (g.padding - kx + g.stride - 1) / g.stride)
                    let hi = min(outW, (g.width + g.padding - kx + g.stride - 1) / g.stride)
                    var ox = lo
                    while ox < hi {
                        dstRow[ox * g.stride - g.padding + kx] += src[ox]
                        ox += 1
                    }
                }
                row += outH * outW
            }
        }
    }
}
