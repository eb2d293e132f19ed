import KernelsCore
import NN
import Parallel

extension TrainingKernels {
    /// Whether `winogradWeightGradient` takes this layer: 3x3 stride 1, whole 4x4 output tiles, channel
    /// counts in whole vectors.
    func winogradWeightGradientFits(_ g: ConvGeometry, gradientChannels j: Int) -> Bool {
        g.kernelH == 3 && g.kernelW == 3 && g.stride == 1 && g.outHeight % 4 == 0 && g.outWidth % 4 == 0
            && g.channels % 8 == 0 && j % 8 == 0 && g.channels >= Self.channelsLastMinimum
    }

    /// dW of a 3x3 stride-1 convolution by Winograd F(4x4, 3x3), transposed: the forward computes each 4x4
    /// tile as Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A, so its adjoint in g is dW = Gᵀ[Σ over tiles (A dY Aᵀ) ⊙ (Bᵀ d B)]G.
    /// The sum over tiles and channels is 36 GEMMs `M[e][j][c] = Σ_t U[e][t][j] · V[e][t][c]` with K = tiles
    /// (of every image), 4x fewer multiplications than the direct product. Both transforms run on
    /// channels-last data, vectorised across channels, so they store whole vectors.
    ///
    /// `pairs` are (input, output gradient) batches of the same layer, summed as one batch (a weight used
    /// in several passes: its tiles become one longer K).
    func winogradWeightGradient(_ pairs: [(image: Tensor, gradient: Tensor)], geometry g: ConvGeometry,
                                mode: PaddingMode) -> [Float] {
        let (_, channels, height, width) = pairs[0].image.nchw
        let j = pairs[0].gradient.shape[1]
        let batch = pairs.reduce(0) { $0 + $1.image.shape[0] }
        let (outHeight, outWidth) = (g.outHeight, g.outWidth)
        let (tilesHigh, tilesWide) = (outHeight / 4, outWidth / 4)
        let tilesPerImage = tilesHigh * tilesWide, tiles = batch * tilesPerImage
        let paddedWidth = width + 2 * g.padding, paddedPlane = (height + 2 * g.padding) * paddedWidth
        let pixels = outHeight * outWidth
        let panels = (j + microRows - 1) / microRows

        // V[e][t][c] = Bᵀ d B of every tile's 6x6 input patch; U[e][t][j] = A dY Aᵀ of its 4x4 gradient.
        var v = [Float](filling: 36 * tiles * channels + bReadSlack) { _ in }
        var u = [Float](filling: 36 * tiles * j) { _ in }
        var images = [Float](repeating: 0, count: batch * paddedPlane * channels)
        var gradients = [Float](filling: batch * pixels * j) { _ in }
        images.withMutableBase { cl in
            gradients.withMutableBase { gl in
                var n = 0
                for (image, gradient) in pairs {
                    precondition(image.shape == [image.shape[0], channels, height, width]
                                 && gradient.shape == [image.shape[0], j, outHeight, outWidth], "weight gradient: shapes differ")
                    image.storage.withBase { xs in
                        gradient.storage.withBase { gs in
                            for m in 0..<image.shape[0] {
                                fillChannelsLast(xs + m * channels * height * width, channels: channels, height: height,
                                                 width: width, padding: g.padding, mode: mode,
                                                 into: cl + n * paddedPlane * channels)
                                fillChannelsLast(gs + m * j * pixels, channels: j, height: outHeight, width: outWidth,
                                                 padding: 0, into: gl + n * pixels * j)
                                n += 1
                            }
                        }
                    }
                }
                v.withMutableBase { vs in
                    u.withMutableBase { us in
                        parallelRanges(tiles, context: context, work: 36 * tiles * (channels + j)) { range in
                            let scratch = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: 72)
                            defer { scratch.deallocate() }
                            for t in range {
                                let (n, tile) = t.quotientAndRemainder(dividingBy: tilesPerImage)
                                let (ty, tx) = tile.quotientAndRemainder(dividingBy: tilesWide)
                                let patch = cl + (n * paddedPlane + 4 * ty * paddedWidth + 4 * tx) * channels
                                for c in stride(from: 0, to: channels, by: 8) {
                                    inputTile(patch + c, rowStride: paddedWidth * channels, columnStride: channels,
                                              into: vs + t * channels + c, matrixStride: tiles * channels, scratch: scratch)
                                }
                                let tileGradient = gl + (n * pixels + 4 * ty * outWidth + 4 * tx) * j
                                for o in stride(from: 0, to: j, by: 8) {
                                    gradientTile(tileGradient + o, rowStride: outWidth * j, columnStride: j,
                                                 into: us + t * j + o, matrixStride: tiles * j, scratch: scratch)
                                }
                            }
                        }
                    }
                }
            }
        }
        // A = U[e]ᵀ (j x tiles) in panels: six consecutive j of one tile are contiguous in U.
        let panelStride = panels * tiles * microRows
        var packed = [Float](filling: 36 * panelStride) { _ in }
        u.withBase { us in
            packed.withMutableBase { ps in
                parallelRanges(36, context: context, work: 36 * tiles * j) { positions in
                    for e in positions {
                        for t in 0..<tiles {
                            let source = us + (e * tiles + t) * j
                            for panel in 0..<panels {
                                let target = ps + e * panelStride + (panel * tiles + t) * microRows
                                for r in 0..<microRows {
                                    target[r] = panel * microRows + r < j ? source[panel * microRows + r] : 0
                                }
                            }
                        }
                    }
                }
            }
        }
        var products = [Float](filling: 36 * j * channels) { _ in }
        let offsets = (0..<tiles).map { $0 * channels }
        gemm(a: packed, b: v, rowOffsets: offsets, c: &products) { a, b, os, c in
            GEMMProblem(a: a, bias: nil, m: j, k: tiles, b: b, bRowOffsets: os, c: c, ldc: channels,
                        grid: .matrix(columns: channels), batch: 36, aBatchStride: panelStride,
                        bBatchStride: tiles * channels, cBatchStride: j * channels)
        }
        // dW[j][c] = Gᵀ M[·][j][c] G, eight input channels at a time.
        return [Float](filling: j * channels * 9) { dw in
            products.withBase { ms in
                parallelRanges(j, context: context, work: 36 * j * channels) { range in
                    let scratch = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: 18)
                    defer { scratch.deallocate() }
                    for o in range {
                        for c in stride(from: 0, to: channels, by: 8) {
                            filterTile(ms + o * channels + c, matrixStride: j * channels,
                                       into: dw + (o * channels + c) * 9, scratch: scratch)
                        }
                    }
                }
            }
        }
    }

    /// Channel-major `image` into padded channels-last rows: zero padding (`into` is zero where padding
    /// goes), or reflected, the border pixels copied from the ones they mirror.
    func fillChannelsLast(_ image: UnsafePointer<Float>, channels: Int, height: Int, width: Int, padding: Int,
                          mode: PaddingMode = .zero, into target: UnsafeMutablePointer<Float>) {
        let paddedWidth = width + 2 * padding
        // Work counts the read and the write: one 128x32x32 image is a single grain otherwise.
        parallelRanges(height, context: context, work: 2 * channels * height * width) { rows in
            for y in rows {
                transpose(image + y * width, rows: channels, cols: width, sourceStride: height * width,
                          into: target + ((y + padding) * paddedWidth + padding) * channels, destinationStride: channels)
            }
        }
        guard mode == .reflect else { return }
        func pixel(_ y: Int, _ x: Int) -> UnsafeMutablePointer<Float> { target + (y * paddedWidth + x) * channels }
        let (lastColumn, lastRow) = (padding + width - 1, padding + height - 1)
        for y in padding...lastRow {
            for x in 0..<padding {
                pixel(y, x).update(from: pixel(y, 2 * padding - x), count: channels)
                pixel(y, lastColumn + 1 + x).update(from: pixel(y, lastColumn - 1 - x), count: channels)
            }
        }
        for y in 0..<padding {
            pixel(y, 0).update(from: pixel(2 * padding - y, 0), count: paddedWidth * channels)
            pixel(lastRow + 1 + y, 0).update(from: pixel(lastRow - 1 - y, 0), count: paddedWidth * channels)
        }
    }
}

@inline(__always)
private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
private func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// Bᵀ of F(4x4, 3x3) along one axis (the rows of the kernels' `inputPass`).
@inline(__always)
private func inputPass(_ d: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>))
    -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
    let (d0, d1, d2, d3, d4, d5) = d
    let d4MinusD2 = d4 - d2
    return (d4 + 4 * d0 - 5 * d2, d3 + d4 - 4 * (d1 + d2), d4 - d3 + 4 * (d1 - d2),
            d4MinusD2 + 2 * (d3 - d1), d4MinusD2 + 2 * (d1 - d3), d5 + 4 * d1 - 5 * d3)
}

/// A of F(4x4, 3x3) along one axis: the transpose of the kernels' `outputPass` (4 gradient values to 6).
@inline(__always)
private func gradientPass(_ y0: SIMD8<Float>, _ y1: SIMD8<Float>, _ y2: SIMD8<Float>, _ y3: SIMD8<Float>)
    -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
    let even = y0 + y2, odd = y1 + y3, evenWide = y0 + 4 * y2, oddWide = 2 * y1 + 8 * y3
    return (y0, even + odd, even - odd, evenWide + oddWide, evenWide - oddWide, y3)
}

/// Gᵀ of F(4x4, 3x3) along one axis: the transpose of the filter transform's G (6 values to 3).
@inline(__always)
private func filterPassTransposed(_ m: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>))
    -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
    let (m0, m1, m2, m3, m4, m5) = m
    let sum12 = m1 + m2, diff12 = m2 - m1, sum34 = m3 + m4, diff34 = m3 - m4
    return (m0 * 0.25 - sum12 * (1.0 / 6) + sum34 * (1.0 / 24),
            diff12 * (1.0 / 6) + diff34 * (1.0 / 12),
            (sum34 - sum12) * (1.0 / 6) + m5)
}

/// Bᵀ d B of one 6x6 patch (eight channels), stored as 36 vectors `matrixStride` apart.
@inline(__always)
private func inputTile(_ patch: UnsafePointer<Float>, rowStride: Int, columnStride: Int,
                       into v: UnsafeMutablePointer<Float>, matrixStride: Int, scratch: UnsafeMutablePointer<SIMD8<Float>>) {
    for col in 0..<6 {
        let p = patch + col * columnStride
        let r = inputPass((load8(p), load8(p + rowStride), load8(p + 2 * rowStride), load8(p + 3 * rowStride),
                           load8(p + 4 * rowStride), load8(p + 5 * rowStride)))
        scratch[col] = r.0; scratch[6 + col] = r.1; scratch[12 + col] = r.2
        scratch[18 + col] = r.3; scratch[24 + col] = r.4; scratch[30 + col] = r.5
    }
    for row in 0..<6 {
        let s = scratch + 6 * row
        let r = inputPass((s[0], s[1], s[2], s[3], s[4], s[5]))
        let out = v + 6 * row * matrixStride
        store8(r.0, out); store8(r.1, out + matrixStride); store8(r.2, out + 2 * matrixStride)
        store8(r.3, out + 3 * matrixStride); store8(r.4, out + 4 * matrixStride); store8(r.5, out + 5 * matrixStride)
    }
}

/// A dY Aᵀ of one 4x4 gradient tile (eight channels), stored as 36 vectors `matrixStride` apart.
@inline(__always)
private func gradientTile(_ tile: UnsafePointer<Float>, rowStride: Int, columnStride: Int,
                          into u: UnsafeMutablePointer<Float>, matrixStride: Int, scratch: UnsafeMutablePointer<SIMD8<Float>>) {
    for col in 0..<4 {
        let p = tile + col * columnStride
        let r = gradientPass(load8(p), load8(p + rowStride), load8(p + 2 * rowStride), load8(p + 3 * rowStride))
        scratch[col] = r.0; scratch[4 + col] = r.1; scratch[8 + col] = r.2
        scratch[12 + col] = r.3; scratch[16 + col] = r.4; scratch[20 + col] = r.5
    }
    for row in 0..<6 {
        let s = scratch + 4 * row
        let r = gradientPass(s[0], s[1], s[2], s[3])
        let out = u + 6 * row * matrixStride
        store8(r.0, out); store8(r.1, out + matrixStride); store8(r.2, out + 2 * matrixStride)
        store8(r.3, out + 3 * matrixStride); store8(r.4, out + 4 * matrixStride); store8(r.5, out + 5 * matrixStride)
    }
}

/// Gᵀ M G for eight input channels of one output channel: 36 products `matrixStride` apart to the 3x3
/// kernels of those channels (nine floats each).
@inline(__always)
private func filterTile(_ m: UnsafePointer<Float>, matrixStride: Int, into dw: UnsafeMutablePointer<Float>,
                        scratch: UnsafeMutablePointer<SIMD8<Float>>) {
    for col in 0..<6 {
        let p = m + col * matrixStride
        let r = filterPassTransposed((load8(p), load8(p + 6 * matrixStride), load8(p + 12 * matrixStride),
                                      load8(p + 18 * matrixStride), load8(p + 24 * matrixStride),
                                      load8(p + 30 * matrixStride)))
        scratch[col] = r.0; scratch[6 + col] = r.1; scratch[12 + col] = r.2
    }
    for ky in 0..<3 {
        let s = scratch + 6 * ky
        let r = filterPassTransposed((s[0], s[1], s[2], s[3], s[4], s[5]))
        for lane in 0..<8 {
            let kernel = dw + lane * 9 + ky * 3
            kernel[0] = r.0[lane]
            kernel[1] = r.1[lane]
            kernel[2] = r.2[lane]
        }
    }
}
