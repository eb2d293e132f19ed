/// Shapes of one Winograd F(4x4, 3x3) convolution: 4x4 output tiles read 6x6 input patches, and the 36
/// patch positions each become one GEMM (out channels x in channels) x (in channels x tiles).
/// The prepared input is split by column into 4 phases (`PaddedLayout` with column period 4), so column
/// `4 * tx + j` of every tile row is contiguous across `tx`.
public struct WinogradGeometry: Sendable {
    public var inChannels: Int
    public var outChannels: Int
    public var tilesHigh: Int
    public var tilesWide: Int
    /// Row stride (floats) of the transformed input/product matrices: `tiles` rounded up to 16.
    public var tileStride: Int
    public var preparedWidth: Int
    public var preparedPhaseSize: Int
    public var preparedChannelStride: Int
    public var outputHeight: Int
    public var outputWidth: Int

    public var tiles: Int { tilesHigh * tilesWide }

    public init(inChannels: Int, outChannels: Int, outputHeight: Int, outputWidth: Int,
                preparedWidth: Int, preparedPhaseSize: Int, preparedChannelStride: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        tilesHigh = (outputHeight + 3) / 4
        tilesWide = (outputWidth + 3) / 4
        tileStride = (tilesHigh * tilesWide + 15) / 16 * 16
        self.preparedWidth = preparedWidth
        self.preparedPhaseSize = preparedPhaseSize
        self.preparedChannelStride = preparedChannelStride
    }
}

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

    /// Stores the first `lanes` lanes of `v` (all of them when the vector is full).
    @inlinable @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>, lanes: Int) {
        if lanes == Vector.scalarCount {
            store(v, p)
        } else {
            for lane in 0..<lanes { p[lane] = v[lane] }
        }
    }

    @inlinable
    public static func winogradInput(_ g: WinogradGeometry, prepared: UnsafePointer<Float>,
                                     v: UnsafeMutablePointer<Float>, threads: Int) {
        let w = Vector.scalarCount
        parallelRanges(g.inChannels * g.tilesHigh, threads: threads) { rows in
            let block = UnsafeMutablePointer<Vector>.allocate(capacity: 36)
            defer { block.deallocate() }
            for item in rows {
                let (c, ty) = item.quotientAndRemainder(dividingBy: g.tilesHigh)
                let patchTop = prepared + c * g.preparedChannelStride + 4 * ty * g.preparedWidth
                var tx = 0
                while tx < g.tilesWide {
                    for i in 0..<6 {
                        let row = patchTop + i * g.preparedWidth + tx
                        for j in 0..<6 { block[i * 6 + j] = load(row + (j % 4) * g.preparedPhaseSize + j / 4) }
                    }
                    for j in 0..<6 { inputPass(block + j, 6) }
                    for i in 0..<6 { inputPass(block + 6 * i, 1) }
                    let lanes = min(w, g.tilesWide - tx)
                    let target = v + c * g.tileStride + ty * g.tilesWide + tx
                    for e in 0..<36 { store(block[e], target + e * g.inChannels * g.tileStride, lanes: lanes) }
                    tx += w
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
        parallelRanges(g.outChannels * g.tilesHigh, threads: threads) { rows in
            let block = UnsafeMutablePointer<Vector>.allocate(capacity: 36 + 24 + 16)
            defer { block.deallocate() }
            let half = block + 36, result = block + 60
            for item in rows {
                let (k, ty) = item.quotientAndRemainder(dividingBy: g.tilesHigh)
                let bk = bias?[k] ?? 0, b = Vector(repeating: bk)
                var tx = 0
                while tx < g.tilesWide {
                    let source = m + k * g.tileStride + ty * g.tilesWide + tx
                    for e in 0..<36 { block[e] = load(source + e * g.outChannels * g.tileStride) }
                    // Columns first (6 passes down i), then rows of the 4 x 6 intermediate.
                    for j in 0..<6 { outputPass(block + j, 6, half + j, 6) }
                    for r in 0..<4 { outputPass(half + 6 * r, 1, result + 4 * r, 1) }
                    let lanes = min(w, g.tilesWide - tx)
                    let columns = min(4 * lanes, g.outputWidth - 4 * tx)
                    for r in 0..<min(4, g.outputHeight - 4 * ty) {
                        let row = output + (k * g.outputHeight + 4 * ty + r) * g.outputWidth + 4 * tx
                        let y0 = result[4 * r] + b, y1 = result[4 * r + 1] + b
                        let y2 = result[4 * r + 2] + b, y3 = result[4 * r + 3] + b
                        if columns == 4 * w {
                            // Interleave the four column vectors into one output row segment.
                            for lane in 0..<w {
                                row[4 * lane] = y0[lane]
                                row[4 * lane + 1] = y1[lane]
                                row[4 * lane + 2] = y2[lane]
                                row[4 * lane + 3] = y3[lane]
                            }
                        } else {
                            for x in 0..<columns { row[x] = result[4 * r + x % 4][x / 4] + bk }
                        }
                    }
                    tx += w
                }
            }
        }
    }
}
