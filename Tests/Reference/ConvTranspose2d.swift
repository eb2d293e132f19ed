import KernelsCore
import NN

/// A transposed convolution layer (PyTorch `ConvTranspose2d`): the generators' learned 2x upsampling.
package struct ConvTranspose2d: Sendable {
    /// [Cin, Cout, K, K] — PyTorch's layout, so checkpoints load unchanged.
    package let weight: Tensor
    package let bias: Tensor?
    package let stride: Int
    package let padding: Int
    package let outputPadding: Int

    package init(weight: Tensor, bias: Tensor?, stride: Int, padding: Int, outputPadding: Int) {
        precondition(weight.rank == 4, "ConvTranspose2d weight must be [Cin, Cout, K, K], got \(weight.shape)")
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
    }

    package func forward(_ input: Tensor) -> Tensor {
        convTranspose2d(input: input, weight: weight, bias: bias,
                        stride: stride, padding: padding, outputPadding: outputPadding)
    }
}

/// Transposed 2-D convolution (PyTorch `ConvTranspose2d`, dilation 1, groups 1).
///
/// `input` [N, Cin, H, W], `weight` [Cin, Cout, K, K] (PyTorch's layout), `bias` [Cout] or nil ->
/// [N, Cout, (H-1)s - 2p + K + outputPadding, same for W]. Computed as the adjoint of `conv2d`: a GEMM
/// into column form, then col2im scatters the columns onto the (cropped) output, band by band.
package func convTranspose2d(
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
    // The image side of col2im is this op's output; its column side is this op's input (H x W).
    let g = ConvGeometry(channels: cout, height: outH, width: outW, kernelH: kh, kernelW: kw, stride: stride, padding: padding)
    let depth = cout * kh * kw
    let plane = h * w
    let band = ConvBanding.rows(depth: depth, width: w, height: h)

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
    var columns = [Float](repeating: 0, count: depth * band * w)
    input.storage.withUnsafeBufferPointer { x in
        transposed.withUnsafeBufferPointer { t in
            output.withUnsafeMutableBufferPointer { y in
                columns.withUnsafeMutableBufferPointer { col in
                    let columnBase = col.baseAddress.unsafelyUnwrapped
                    for b in 0..<n {
                        let src = x.baseAddress.unsafelyUnwrapped + b * cin * plane
                        let dst = y.baseAddress.unsafelyUnwrapped + b * cout * outH * outW
                        fillBias(bias, into: dst, channels: cout, plane: outH * outW)
                        for row in Swift.stride(from: 0, to: h, by: band) {
                            let rows = row..<min(h, row + band)
                            gemm(m: depth, n: rows.count * w, k: cin, a: t.baseAddress.unsafelyUnwrapped, lda: cin,
                                 b: src + row * w, ldb: plane, c: columnBase, ldc: rows.count * w, accumulate: false)
                            col2im(UnsafePointer(columnBase), g, rows: rows, addingInto: dst)
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: [n, cout, outH, outW], storage: output)
}

/// The adjoint of `im2col`: adds every entry of a band of columns (column-side rows `rows`) back onto the
/// image position it would have been read from.
func col2im(_ col: UnsafePointer<Float>, _ g: ConvGeometry, rows: Range<Int>, addingInto image: UnsafeMutablePointer<Float>) {
    let outW = g.outWidth
    let bandSize = rows.count * outW
    var row = col
    for c in 0..<g.channels {
        let plane = image + c * g.height * g.width
        for ky in 0..<g.kernelH {
            for kx in 0..<g.kernelW {
                // Columns whose image x lands inside [0, width): ox in [lo, hi).
                let lo = max(0, (g.padding - kx + g.stride - 1) / g.stride)
                let hi = min(outW, (g.width + g.padding - kx + g.stride - 1) / g.stride)
                for oy in rows {
                    let iy = oy * g.stride - g.padding + ky
                    guard iy >= 0 && iy < g.height else { continue }
                    let src = row + (oy - rows.lowerBound) * outW
                    let dstRow = plane + iy * g.width - g.padding + kx
                    var ox = lo
                    while ox < hi {
                        dstRow[ox * g.stride] += src[ox]
                        ox += 1
                    }
                }
                row += bandSize
            }
        }
    }
}
