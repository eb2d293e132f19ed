import KernelsCore
import NN
import Parallel

extension TrainingKernels {
    /// Image channels from which the channels-last weight gradient fills its GEMM columns well enough.
    static let channelsLastMinimum = 16

    /// `unfoldedProduct` with no unfolding: for one kernel tap (ky, kx), `R[j][c][ky][kx]` is
    /// `sum over p of G[j][p] · image[c][p * s + (ky, kx) - pad]`, a GEMM whose B row p is one padded pixel's
    /// channel vector. With the image stored channels-last (padded NHWC), that row is contiguous, so the
    /// packed GEMM reads it in place through row offsets; each tap is the same offsets shifted by one
    /// constant. G is packed once per image and shared by all taps; the image is transposed once (a pass over
    /// it, against the k² x patch floats an unfolding writes). Kernel columns of one kernel row are a batch
    /// (their B differs by one channel vector), so each GEMM call has k x column-blocks items for the cores.
    func channelsLastProduct(image: Tensor, geometry g: ConvGeometry, gradient: Tensor) -> [Float] {
        let (batch, channels, height, width) = image.nchw
        let (_, j, outHeight, outWidth) = gradient.nchw
        let k = g.kernelH, s = g.stride, pad = g.padding
        let paddedHeight = height + 2 * pad, paddedWidth = width + 2 * pad
        let pixels = outHeight * outWidth, taps = k * k, tapSize = j * channels
        let offsets = (0..<pixels).map { p in ((p / outWidth) * s * paddedWidth + (p % outWidth) * s) * channels }
        var channelsLast = [Float](repeating: 0, count: paddedHeight * paddedWidth * channels + bReadSlack)
        // Each tap's GEMM writes its own contiguous [j][c] block (the micro-kernel's direct stores); one pass
        // then transposes the taps into R's final [j][c][tap] layout. Written there directly, every C
        // element would be a scattered store, which left these GEMMs bound by memory on a single core.
        var tapMajor = [Float](filling: taps * tapSize) { _ in }
        var products = [Float](filling: taps * tapSize) { _ in }
        for n in 0..<batch {
            image.storage.withBase { xs in
                channelsLast.withMutableBase { cl in
                    fillChannelsLast(xs + n * channels * height * width, channels: channels, height: height,
                                     width: width, padding: pad, into: cl)
                }
            }
            let packed = gradient.storage.withUnsafeBufferPointer { gs in
                PackedPanels(packing: UnsafeBufferPointer(rebasing: gs[(n * j * pixels)..<((n + 1) * j * pixels)]),
                             rows: j, depth: pixels, bias: nil, context: context)
            }
            for ky in 0..<k {
                gemm(a: packed.values, b: channelsLast, rowOffsets: offsets, c: &tapMajor) { a, cl, os, ts in
                    GEMMProblem(a: a, bias: nil, m: j, k: pixels, b: cl + ky * paddedWidth * channels, bRowOffsets: os,
                                c: ts + ky * k * tapSize, ldc: channels, grid: .matrix(columns: channels), batch: k,
                                bBatchStride: channels, cBatchStride: tapSize)
                }
            }
            // A second image's product is added in image order.
            tapMajor.withBase { ts in
                products.withMutableBase { ps in
                    parallelRanges(tapSize, context: context, work: 2 * taps * tapSize) { range in
                        guard n > 0 else {
                            return transpose(ts + range.lowerBound, rows: taps, cols: range.count, sourceStride: tapSize,
                                             into: ps + range.lowerBound * taps, destinationStride: taps)
                        }
                        for i in range {
                            let target = ps + i * taps
                            for t in 0..<taps { target[t] += ts[t * tapSize + i] }
                        }
                    }
                }
            }
        }
        return products
    }
}
