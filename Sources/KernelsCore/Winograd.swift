/// Shapes of one Winograd F(4x4, 3x3) convolution: 4x4 output tiles read 6x6 input patches, and the 36
/// patch positions each become one GEMM (out channels x in channels) x (in channels x tiles).
public struct WinogradGeometry: Sendable {
    public var inChannels: Int
    public var outChannels: Int
    public var tilesHigh: Int
    public var tilesWide: Int
    /// Row stride (floats) of the transformed input/product matrices: `tiles` rounded up to 16.
    public var tileStride: Int
    public var preparedWidth: Int
    public var preparedChannelStride: Int
    public var outputHeight: Int
    public var outputWidth: Int

    public var tiles: Int { tilesHigh * tilesWide }

    public init(inChannels: Int, outChannels: Int, outputHeight: Int, outputWidth: Int,
                preparedWidth: Int, preparedChannelStride: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        tilesHigh = (outputHeight + 3) / 4
        tilesWide = (outputWidth + 3) / 4
        tileStride = (tilesHigh * tilesWide + 15) / 16 * 16
        self.preparedWidth = preparedWidth
        self.preparedChannelStride = preparedChannelStride
    }
}

/// Tiles per transform chunk: the 36 x 64 gather buffer stays in L1.
@usableFromInline let winogradChunk = 64

extension KernelISA {
    /// One 6-point pass of B^T (Lavin & Gray, points 0, +-1, +-2, inf).
    @inlinable @inline(__always)
    static func inputPass(_ p: UnsafeMutablePointer<Vector>, _ stride: Int) {
        let d0 = p[0], d1 = p[stride], d2 = p[2 * stride], d3 = p[3 * stride], d4 = p[4 * stride]
        let d5 = p[5 * stride]
        let four = Vector(repeating: 4), five = Vector(repeating: 5), two = Vector(repeating: 2)
        p[0] = four * d0 - five * d2 + d4
        p[stride] = d3 + d4 - four * (d1 + d2)
        p[2 * stride] = four * (d1 - d2) - d3 + d4
        p[3 * stride] = two * (d3 - d1) - d2 + d4
        p[4 * stride] = two * (d1 - d3) - d2 + d4
        p[5 * stride] = four * d1 - five * d3 + d5
    }

    @inlinable
    public static func winogradInput(_ g: WinogradGeometry, prepared: UnsafePointer<Float>,
                                     v: UnsafeMutablePointer<Float>, threads: Int) {
        let w = Vector.scalarCount
        let chunk = winogradChunk
        parallelRanges(g.inChannels, threads: threads) { channels in
            let gathered = UnsafeMutablePointer<Float>.allocate(capacity: 36 * chunk)
            gathered.initialize(repeating: 0, count: 36 * chunk)
            let block = UnsafeMutablePointer<Vector>.allocate(capacity: 36)
            defer {
                gathered.deallocate()
                block.deallocate()
            }
            let pw = g.preparedWidth
            for c in channels {
                let source = prepared + c * g.preparedChannelStride
                var t0 = 0
                while t0 < g.tiles {
                    let n = min(chunk, g.tiles - t0)
                    for tt in 0..<n {
                        let t = t0 + tt
                        let patch = source + 4 * (t / g.tilesWide) * pw + 4 * (t % g.tilesWide)
                        for i in 0..<6 {
                            for j in 0..<6 { gathered[(i * 6 + j) * chunk + tt] = patch[i * pw + j] }
                        }
                    }
                    var lane = 0
                    while lane < n {
                        for e in 0..<36 { block[e] = load(gathered + e * chunk + lane) }
                        for j in 0..<6 { inputPass(block + j, 6) }
                        for i in 0..<6 { inputPass(block + 6 * i, 1) }
                        for e in 0..<36 {
                            store(block[e], v + (e * g.inChannels + c) * g.tileStride + t0 + lane)
                        }
                        lane += w
                    }
                    t0 += chunk
                }
            }
        }
    }

    /// One 6-to-4 pass of A^T, reading `p[k * stride]` and writing `out[r * outStride]`.
    @inlinable @inline(__always)
    static func outputPass(_ p: UnsafePointer<Vector>, _ stride: Int, _ out: UnsafeMutablePointer<Vector>,
                           _ outStride: Int) {
        let m0 = p[0], m1 = p[stride], m2 = p[2 * stride], m3 = p[3 * stride], m4 = p[4 * stride]
        let m5 = p[5 * stride]
        let sum12 = m1 + m2, diff12 = m1 - m2, sum34 = m3 + m4, diff34 = m3 - m4
        out[0] = m0 + sum12 + sum34
        out[outStride] = diff12 + Vector(repeating: 2) * diff34
        out[2 * outStride] = sum12 + Vector(repeating: 4) * sum34
        out[3 * outStride] = diff12 + Vector(repeating: 8) * diff34 + m5
    }

    @inlinable
    public static func winogradOutput(_ g: WinogradGeometry, m: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                      output: UnsafeMutablePointer<Float>, threads: Int) {
        let w = Vector.scalarCount
        parallelRanges(g.outChannels, threads: threads) { channels in
            let block = UnsafeMutablePointer<Vector>.allocate(capacity: 36 + 24 + 16)
            defer { block.deallocate() }
            let half = block + 36, result = block + 60
            for k in channels {
                let plane = output + k * g.outputHeight * g.outputWidth
                let b = bias?[k] ?? 0
                var t0 = 0
                while t0 < g.tiles {
                    for e in 0..<36 { block[e] = load(m + (e * g.outChannels + k) * g.tileStride + t0) }
                    // Columns first (6 passes down i), then rows of the 4 x 6 intermediate.
                    for j in 0..<6 { outputPass(block + j, 6, half + j, 6) }
                    for r in 0..<4 { outputPass(half + 6 * r, 1, result + 4 * r, 1) }
                    result.withMemoryRebound(to: Float.self, capacity: 16 * w) { values in
                        for lane in 0..<min(w, g.tiles - t0) {
                            let t = t0 + lane
                            let y0 = 4 * (t / g.tilesWide), x0 = 4 * (t % g.tilesWide)
                            for r in 0..<min(4, g.outputHeight - y0) {
                                let row = plane + (y0 + r) * g.outputWidth + x0
                                for s in 0..<min(4, g.outputWidth - x0) { row[s] = values[(r * 4 + s) * w + lane] + b }
                            }
                        }
                    }
                    t0 += w
                }
            }
        }
    }
}
