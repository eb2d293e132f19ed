import KernelsCore
import NN
import Parallel

extension TrainingKernels {
    /// Whether `foldedProduct` takes this weight gradient: stride 1, fewer gradient channels than a panel's
    /// rows (the generator's 3-channel head), enough image channels for channels-last rows.
    func foldedProductFits(_ g: ConvGeometry, gradientChannels j: Int) -> Bool {
        g.stride == 1 && j < microRows && g.channels >= Self.channelsLastMinimum
    }

    /// `channelsLastProduct` for few gradient channels. There each tap's GEMM has j rows (3 of a 6-row panel
    /// for the head) and streams the whole image once: 49 passes over it for a 7x7 kernel. Here the kernel
    /// columns become GEMM rows: A[(j, kx)][p] is G[j] shifted right by kx along the padded image's rows
    /// (p = y * paddedWidth + x), so for kernel row ky, `C[(j, kx)][c] = sum over p of A[(j, kx)][p] ·
    /// image[c][p + ky * paddedWidth]` is R[j][c][ky][kx]: one GEMM per kernel row (a batch of k), each
    /// reading the channels-last image once, with j * k rows (21 for the head: 4 panels, 7/8 full).
    func foldedProduct(image: Tensor, geometry g: ConvGeometry, gradient: Tensor) -> [Float] {
        let (batch, channels, height, width) = image.nchw
        let (_, j, outHeight, outWidth) = gradient.nchw
        let k = g.kernelH, pad = g.padding
        let paddedWidth = width + 2 * pad, paddedHeight = height + 2 * pad
        let rows = j * k, depth = outHeight * paddedWidth, taps = k * k, size = j * channels * taps
        let panels = (rows + microRows - 1) / microRows
        let offsets = (0..<depth).map { $0 * channels }
        var channelsLast = [Float](repeating: 0, count: paddedHeight * paddedWidth * channels + bReadSlack)
        var packed = [Float](filling: panels * microRows * depth) { _ in }
        var product = [Float](filling: k * rows * channels) { _ in }
        var result = [Float](filling: size) { _ in }
        for n in 0..<batch {
            image.storage.withBase { xs in
                channelsLast.withMutableBase { cl in
                    fillChannelsLast(xs + n * channels * height * width, channels: channels, height: height,
                                     width: width, padding: pad, into: cl)
                }
            }
            // A in panel layout: row (o, kx), column p = (y, x) holds G[o][y][x - kx], zero off the map.
            gradient.storage.withBase { gs in
                packed.withMutableBase { a in
                    parallelRanges(panels, context: context, work: panels * microRows * depth) { range in
                        for r in (range.lowerBound * microRows)..<(range.upperBound * microRows) {
                            var target = a + (r / microRows) * depth * microRows + r % microRows
                            let (o, kx) = r.quotientAndRemainder(dividingBy: k)
                            let plane = gs + (n * j + min(o, j - 1)) * outHeight * outWidth
                            for y in 0..<outHeight {
                                for x in 0..<paddedWidth {
                                    let column = x - kx
                                    target.pointee = r < rows && column >= 0 && column < outWidth ? plane[y * outWidth + column] : 0
                                    target += microRows
                                }
                            }
                        }
                    }
                }
            }
            gemm(a: packed, b: channelsLast, rowOffsets: offsets, c: &product) { a, cl, os, c in
                GEMMProblem(a: a, bias: nil, m: rows, k: depth, b: cl, bRowOffsets: os, c: c, ldc: channels,
                            grid: .matrix(columns: channels), batch: k, bBatchStride: paddedWidth * channels,
                            cBatchStride: rows * channels)
            }
            // R[o][c][ky][kx] = C[ky][(o, kx)][c]; a second image's product is added in image order.
            product.withBase { ps in
                result.withMutableBase { rs in
                    for o in 0..<j {
                        for c in 0..<channels {
                            for ky in 0..<k {
                                for kx in 0..<k {
                                    let value = ps[(ky * rows + o * k + kx) * channels + c]
                                    let target = rs + ((o * channels + c) * k + ky) * k + kx
                                    target.pointee = n == 0 ? value : target.pointee + value
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}
