import KernelsCore
import NN
import Parallel

extension TrainingKernels {
    /// Floats of unfolded patches one GEMM of a weight gradient packs at once (4 MB): large enough for a
    /// full-speed GEMM, small enough to stay near the caches instead of unfolding a whole 7x7 layer.
    static let unfoldedChunkFloats = 1 << 20

    /// The weight gradient of a convolution: `R[j][r] = sum over images and pixels p of G[j][p] · U[r][p]`,
    /// where U = im2col(`image`) under `geometry` (r runs over channel x kernel taps) and `gradient` is
    /// `[N, J, outHeight, outWidth]`. A convolution's dW is R with image = input, gradient = dY (OIHW);
    /// a transposed convolution's dW is R with image = dY, gradient = its input (IOHW).
    ///
    /// 3x3 stride-1 layers take Winograd; other images with many channels the channels-last GEMMs (no
    /// unfolding at all; with kernel columns folded into the rows where the gradient has few channels);
    /// images with few (RGB) would leave those GEMMs' columns mostly idle and take the packed unfolding.
    /// `mode` is the image's padding: reflected padding is filled in by the Winograd path's channels-last
    /// copy, and made explicit (a padded copy under a padding-free geometry) for the others.
    func unfoldedProduct(image: Tensor, geometry g: ConvGeometry, gradient: Tensor,
                         mode: PaddingMode = .zero) -> [Float] {
        let (batch, channels, height, width) = image.nchw
        let (gradientBatch, _, outHeight, outWidth) = gradient.nchw
        precondition(gradientBatch == batch && channels == g.channels && height == g.height && width == g.width
                     && outHeight == g.outHeight && outWidth == g.outWidth, "unfolded product: shapes disagree")
        if winogradWeightGradientFits(g, gradientChannels: gradient.shape[1]) {
            return winogradWeightGradient([(image, gradient)], geometry: g, mode: mode)
        }
        if mode == .reflect && g.padding > 0 {
            let padded = ConvGeometry(channels: channels, height: height + 2 * g.padding, width: width + 2 * g.padding,
                                      kernelH: g.kernelH, kernelW: g.kernelW, stride: g.stride, padding: 0)
            return unfoldedProduct(image: reflectionPadded(image, g.padding, context: context), geometry: padded,
                                   gradient: gradient)
        }
        if foldedProductFits(g, gradientChannels: gradient.shape[1]) {
            return foldedProduct(image: image, geometry: g, gradient: gradient)
        }
        return channels >= Self.channelsLastMinimum
            ? channelsLastProduct(image: image, geometry: g, gradient: gradient)
            : packedUnfoldProduct(image: image, geometry: g, gradient: gradient)
    }

    /// R as Rᵀ = U · Gᵀ on the packed GEMM: U is unfolded straight into the micro-kernel's panel layout
    /// (no im2col buffer), Gᵀ is read in place. Pixels are cut into chunks fixed by the problem's size (not
    /// the thread count); chunks run in parallel, each into its own partial sum, and the partial sums are
    /// added in chunk order, so the result does not depend on the thread count.
    func packedUnfoldProduct(image: Tensor, geometry g: ConvGeometry, gradient: Tensor) -> [Float] {
        let (batch, channels, height, width) = image.nchw
        let (_, j, outHeight, outWidth) = gradient.nchw
        let pixels = outHeight * outWidth, patch = g.patchSize
        let chunksPerImage = max((patch * pixels + Self.unfoldedChunkFloats - 1) / Self.unfoldedChunkFloats, pixels >= 512 ? 2 : 1)
        let chunkLength = (pixels + chunksPerImage - 1) / chunksPerImage
        let items = batch * chunksPerImage
        let panels = (patch + microRows - 1) / microRows
        let inPlane = channels * height * width, gradientPlane = j * pixels

        // Gᵀ, one [pixels x J] matrix per image (plus the read slack of edge column blocks).
        var transposed = [Float](repeating: 0, count: batch * gradientPlane + bReadSlack)
        gradient.storage.withBase { gs in
            transposed.withMutableBase { ts in
                for n in 0..<batch { transpose(gs + n * gradientPlane, rows: j, cols: pixels, into: ts + n * gradientPlane) }
            }
        }
        let offsets = (0..<chunkLength).map { $0 * j }
        var partials = [Float](repeating: 0, count: items * patch * j)
        let inner = ComputeContext(threads: context.threads / items)
        image.storage.withBase { xs in
            transposed.withBase { ts in
                offsets.withUnsafeBufferPointer { offsetBuffer in
                    partials.withMutableBase { ps in
                        guard let os = offsetBuffer.baseAddress else { return }
                        parallelParts(items, context: context, work: batch * patch * pixels * j / 16) { _, range in
                            let packed = UnsafeMutablePointer<Float>.allocate(capacity: panels * microRows * chunkLength)
                            defer { packed.deallocate() }
                            for item in range {
                                let (n, chunk) = item.quotientAndRemainder(dividingBy: chunksPerImage)
                                let first = chunk * chunkLength, last = min(pixels, first + chunkLength)
                                guard first < last else { continue }
                                packUnfolded(xs + n * inPlane, g, pixels: first..<last, into: packed)
                                isa.gemm(GEMMProblem(a: packed, bias: nil, m: patch, k: last - first,
                                                     b: ts + n * gradientPlane + first * j, bRowOffsets: os,
                                                     c: ps + item * patch * j, ldc: j, grid: .matrix(columns: j)),
                                         context: inner)
                            }
                        }
                        // Chunks that got no pixels left their partial at zero, so an in-order sum is exact.
                        let count = patch * j
                        for item in 1..<items {
                            let source = ps + item * count
                            for i in 0..<count { ps[i] += source[i] }
                        }
                    }
                }
            }
        }
        return [Float](filling: patch * j) { rs in
            partials.withBase { ps in transpose(ps, rows: patch, cols: j, into: rs) }
        }
    }

    /// Unfolds `pixels` of im2col(`image`) straight into `PackedPanels` layout: 6-row panels stored k-major
    /// (`panel[k * 6 + r]`), rows past the patch zero. Each row is a run of input pixels per output row,
    /// with zero runs where the kernel tap falls in the padding.
    func packUnfolded(_ image: UnsafePointer<Float>, _ g: ConvGeometry, pixels: Range<Int>,
                      into packed: UnsafeMutablePointer<Float>) {
        let depth = pixels.count, patch = g.patchSize, taps = g.kernelH * g.kernelW
        let panels = (patch + microRows - 1) / microRows
        let (s, pad, outWidth) = (g.stride, g.padding, g.outWidth)
        for r in 0..<(panels * microRows) {
            var dst = packed + (r / microRows) * depth * microRows + r % microRows
            guard r < patch else {
                for _ in 0..<depth {
                    dst.pointee = 0
                    dst += microRows
                }
                continue
            }
            let (c, tap) = r.quotientAndRemainder(dividingBy: taps)
            let (ky, kx) = tap.quotientAndRemainder(dividingBy: g.kernelW)
            let plane = image + c * g.height * g.width
            // Output columns whose input column lies inside the image: [lo, hi).
            let lo = min(outWidth, max(0, (pad - kx + s - 1) / s))
            let hi = max(lo, min(outWidth, (g.width + pad - kx + s - 1) / s))
            var p = pixels.lowerBound
            while p < pixels.upperBound {
                let (oy, start) = p.quotientAndRemainder(dividingBy: outWidth)
                let end = min(outWidth, start + pixels.upperBound - p)
                let iy = oy * s - pad + ky
                if iy < 0 || iy >= g.height {
                    for _ in start..<end {
                        dst.pointee = 0
                        dst += microRows
                    }
                } else {
                    let row = plane + iy * g.width - pad + kx
                    var ox = start
                    while ox < min(end, lo) {
                        dst.pointee = 0
                        dst += microRows
                        ox += 1
                    }
                    while ox < min(end, hi) {
                        dst.pointee = row[ox * s]
                        dst += microRows
                        ox += 1
                    }
                    while ox < end {
                        dst.pointee = 0
                        dst += microRows
                        ox += 1
                    }
                }
                p += end - start
            }
        }
    }
}

extension ConvGeometry {
    /// Rows of the unfolded matrix (one per input channel and kernel tap).
    var patchSize: Int { channels * kernelH * kernelW }
}
