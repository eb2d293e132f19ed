/// Shapes of one Winograd F(4x4, 3x3) convolution: 4x4 output tiles read 6x6 input patches, and the 36
/// patch positions each become one GEMM (out channels x in channels) x (in channels x tiles).
/// The prepared input is split by column into 4 phases (`PaddedLayout` with column period 4), so column
/// `4 * tx + j` of every tile row is contiguous across `tx`.
///
/// Tiles are processed in blocks: each block is transformed, multiplied and transformed back while its
/// transformed input and products (36 x channels x `blockTiles`) are still in cache, instead of streaming
/// whole-image matrices through memory; blocks are independent, so threads need no barrier.
public struct WinogradGeometry: Sendable {
    public var inChannels: Int
    public var outChannels: Int
    public var tilesHigh: Int
    public var tilesWide: Int
    public var preparedWidth: Int
    public var preparedPhaseSize: Int
    public var preparedChannelStride: Int
    public var outputHeight: Int
    public var outputWidth: Int
    /// Tiles per block (the last may hold fewer) and the row stride of a block's matrices.
    public var blockTiles: Int
    public var blockStride: Int

    public var tiles: Int { tilesHigh * tilesWide }
    public var blocks: Int { (tiles + blockTiles - 1) / blockTiles }
    /// Floats of scratch one block in flight needs: its transformed input and products.
    public var blockScratch: Int { 36 * (inChannels + outChannels) * blockStride + 2 * bReadSlack }

    /// Blocks of at most `winogradBlockTiles` tiles, and at least one per thread.
    public init(inChannels: Int, outChannels: Int, outputHeight: Int, outputWidth: Int,
                preparedWidth: Int, preparedPhaseSize: Int, preparedChannelStride: Int, threads: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        tilesHigh = (outputHeight + 3) / 4
        tilesWide = (outputWidth + 3) / 4
        self.preparedWidth = preparedWidth
        self.preparedPhaseSize = preparedPhaseSize
        self.preparedChannelStride = preparedChannelStride
        let tiles = tilesHigh * tilesWide
        let blocks = max(min(threads, (tiles + 15) / 16), (tiles + winogradBlockTiles - 1) / winogradBlockTiles)
        blockTiles = ((tiles + blocks - 1) / blocks + 15) / 16 * 16
        blockStride = blockTiles
    }
}

/// Upper bound of tiles per block: a 256-channel block's two matrices (2 x 36 x 256 x 32 floats) stay near L2.
public let winogradBlockTiles = 32

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
    public static func winogradConvolution(_ g: WinogradGeometry, prepared: UnsafePointer<Float>,
                                           weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                           scratch: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
                                           threads: Int) {
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: g.inChannels)
        defer { offsets.deallocate() }
        for c in 0..<g.inChannels { offsets[c] = c * g.blockStride }
        let panelsStride = (g.outChannels + microRows - 1) / microRows * g.inChannels * microRows
        parallelParts(g.blocks, threads: threads) { part, blocks in
            let v = scratch + part * g.blockScratch
            let m = v + 36 * g.inChannels * g.blockStride + bReadSlack
            for block in blocks {
                let tiles = block * g.blockTiles ..< min(g.tiles, (block + 1) * g.blockTiles)
                winogradInput(g, prepared: prepared, tiles: tiles, v: v)
                let problem = GEMMProblem(
                    a: weights, bias: nil, m: g.outChannels, k: g.inChannels, b: v, bRowOffsets: offsets, c: m,
                    ldc: g.blockStride, grid: .matrix(columns: tiles.count), batch: 36, aBatchStride: panelsStride,
                    bBatchStride: g.inChannels * g.blockStride, cBatchStride: g.outChannels * g.blockStride)
                let blocksPerRun = (tiles.count + microColumns - 1) / microColumns
                gemmItems(problem, 0 ..< 36 * blocksPerRun, blocksPerRun: blocksPerRun)
                winogradOutput(g, m: m, tiles: tiles, bias: bias, output: output)
            }
        }
    }

    /// Calls `body(t, tx, lanes)` for each run of up to one vector of tiles in `tiles` that share a tile row.
    @inlinable @inline(__always)
    static func forEachTileVector(_ g: WinogradGeometry, _ tiles: Range<Int>, _ body: (Int, Int, Int) -> Void) {
        var t = tiles.lowerBound
        while t < tiles.upperBound {
            let tx = t % g.tilesWide
            let lanes = min(Vector.scalarCount, g.tilesWide - tx, tiles.upperBound - t)
            body(t, tx, lanes)
            t += lanes
        }
    }

    /// Transforms the 6x6 patches of `tiles` into `v[e][c][t - tiles.lowerBound]` (row stride `blockStride`).
    @inlinable
    static func winogradInput(_ g: WinogradGeometry, prepared: UnsafePointer<Float>, tiles: Range<Int>,
                              v: UnsafeMutablePointer<Float>) {
        let block = UnsafeMutablePointer<Vector>.allocate(capacity: 36)
        defer { block.deallocate() }
        for c in 0..<g.inChannels {
            let channel = prepared + c * g.preparedChannelStride
            forEachTileVector(g, tiles) { t, tx, lanes in
                let patchTop = channel + 4 * (t / g.tilesWide) * g.preparedWidth + tx
                for i in 0..<6 {
                    let row = patchTop + i * g.preparedWidth
                    for j in 0..<6 { block[i * 6 + j] = load(row + (j % 4) * g.preparedPhaseSize + j / 4) }
                }
                for j in 0..<6 { inputPass(block + j, 6) }
                for i in 0..<6 { inputPass(block + 6 * i, 1) }
                let target = v + c * g.blockStride + t - tiles.lowerBound
                for e in 0..<36 { store(block[e], target + e * g.inChannels * g.blockStride, lanes: lanes) }
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

    /// Transforms the products `m[e][k][t - tiles.lowerBound]` of `tiles` back into output pixels, adding bias.
    @inlinable
    static func winogradOutput(_ g: WinogradGeometry, m: UnsafePointer<Float>, tiles: Range<Int>,
                               bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
        let w = Vector.scalarCount
        let block = UnsafeMutablePointer<Vector>.allocate(capacity: 36 + 24 + 16)
        let columns = UnsafeMutablePointer<Float>.allocate(capacity: 4 * w)
        defer {
            block.deallocate()
            columns.deallocate()
        }
        let half = block + 36, result = block + 60
        for k in 0..<g.outChannels {
            let bk = bias?[k] ?? 0, b = Vector(repeating: bk)
            let plane = output + k * g.outputHeight * g.outputWidth
            forEachTileVector(g, tiles) { t, tx, lanes in
                let source = m + k * g.blockStride + t - tiles.lowerBound
                for e in 0..<36 { block[e] = load(source + e * g.outChannels * g.blockStride) }
                // Columns first (6 passes down i), then rows of the 4 x 6 intermediate.
                for j in 0..<6 { outputPass(block + j, 6, half + j, 6) }
                for r in 0..<4 { outputPass(half + 6 * r, 1, result + 4 * r, 1) }
                let y0 = 4 * (t / g.tilesWide)
                let width = min(4 * lanes, g.outputWidth - 4 * tx)
                for r in 0..<min(4, g.outputHeight - y0) {
                    let row = plane + (y0 + r) * g.outputWidth + 4 * tx
                    if width == 4 * w {
                        // Interleave the four column vectors into one output row segment.
                        for s in 0..<4 { store(result[4 * r + s] + b, columns + s * w) }
                        interleave4(columns, count: w, into: row)
                    } else {
                        for x in 0..<width { row[x] = result[4 * r + x % 4][x / 4] + bk }
                    }
                }
            }
        }
    }
}
