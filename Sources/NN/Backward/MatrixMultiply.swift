import Dispatch

/// A row-major matrix read in place, possibly as its transpose: the gradient products (AᵀB, ABᵀ) then need
/// no transposed copies, only a different packing order.
struct MatrixOperand {
    let base: UnsafePointer<Float>
    /// Distance between consecutive rows of the stored (untransposed) matrix.
    let rowStride: Int
    let transposed: Bool

    init(_ base: UnsafePointer<Float>, rowStride: Int, transposed: Bool = false) {
        self.base = base
        self.rowStride = rowStride
        self.transposed = transposed
    }
}

/// Register tile of the micro-kernel: 4 rows of A times 8 columns of B (8 SIMD lanes, 4 accumulators), small
/// enough for the 16 vector registers of baseline x86-64.
private let tileRows = 4
private let tileCols = 8
/// Depth of one packed block: a 4 x 256 A panel and a 256 x 8 B panel stay in L1.
private let blockDepth = 256

/// `C (m x n) = A (m x k) * B (k x n)`, or `C += ...` when `accumulate`. Work is split over column panels
/// only, so each output element is summed in the same order whatever the thread count (runs reproduce
/// bit for bit).
func matrixMultiply(
    m: Int, n: Int, k: Int, a: MatrixOperand, b: MatrixOperand,
    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
) {
    precondition(m >= 0 && n >= 0 && k >= 0, "matrix sizes must be non-negative")
    if m == 0 || n == 0 { return }
    if !accumulate {
        for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
    }
    if k == 0 { return }
    let rowPanels = (m + tileRows - 1) / tileRows
    let colPanels = (n + tileCols - 1) / tileCols
    let depth = min(k, blockDepth)
    var packedA = [Float](repeating: 0, count: rowPanels * tileRows * depth)
    var packedB = [Float](repeating: 0, count: colPanels * tileCols * depth)
    let threads = (Double(m) * Double(n) * Double(k) > 4e6) ? min(ParallelWork.threads, colPanels) : 1
    var p0 = 0
    while p0 < k {
        let kc = min(blockDepth, k - p0)
        packedA.withMutableBase { pack(a, rows: m, from: p0, depth: kc, tile: tileRows, into: $0) }
        packedB.withMutableBase { packColumns(b, cols: n, from: p0, depth: kc, into: $0) }
        packedA.withMutableBase { pa in
            packedB.withMutableBase { pb in
                let (sharedA, sharedB, sharedC) = (SharedPointer(pointer: pa), SharedPointer(pointer: pb), SharedPointer(pointer: c))
                ParallelWork.run(chunks: threads) { chunk in
                    let (pa, pb, c) = (sharedA.pointer, sharedB.pointer, sharedC.pointer)
                    let first = colPanels * chunk / threads
                    let last = colPanels * (chunk + 1) / threads
                    for jp in first..<last {
                        for ip in 0..<rowPanels {
                            microKernel(
                                a: pa + ip * tileRows * kc, b: pb + jp * tileCols * kc, depth: kc,
                                c: c, ldc: ldc, row: ip * tileRows, col: jp * tileCols, m: m, n: n)
                        }
                    }
                }
            }
        }
        p0 += kc
    }
}

/// Packs rows `[0, rows)` x depth `[p0, p0 + depth)` of `a` into panels of `tile` rows, depth-major, zero-padded.
private func pack(_ a: MatrixOperand, rows: Int, from p0: Int, depth: Int, tile: Int, into out: UnsafeMutablePointer<Float>) {
    let panels = (rows + tile - 1) / tile
    for ip in 0..<panels {
        let panel = out + ip * tile * depth
        for ii in 0..<tile {
            let i = ip * tile + ii
            if i >= rows {
                for p in 0..<depth { panel[p * tile + ii] = 0 }
            } else if a.transposed {
                for p in 0..<depth { panel[p * tile + ii] = a.base[(p0 + p) * a.rowStride + i] }
            } else {
                let row = a.base + i * a.rowStride + p0
                for p in 0..<depth { panel[p * tile + ii] = row[p] }
            }
        }
    }
}

/// Packs columns of `b` (depth rows `[p0, p0 + depth)`) into panels of 8 columns, depth-major, zero-padded.
/// This is `pack` applied to Bᵀ.
private func packColumns(_ b: MatrixOperand, cols: Int, from p0: Int, depth: Int, into out: UnsafeMutablePointer<Float>) {
    pack(MatrixOperand(b.base, rowStride: b.rowStride, transposed: !b.transposed),
         rows: cols, from: p0, depth: depth, tile: tileCols, into: out)
}

@inline(__always)
private func microKernel(
    a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>, depth: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, row: Int, col: Int, m: Int, n: Int
) {
    var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
    let rawB = UnsafeRawPointer(b)
    for p in 0..<depth {
        let bv = rawB.loadUnaligned(fromByteOffset: p * tileCols * 4, as: SIMD8<Float>.self)
        let ap = a + p * tileRows
        c0 += bv * ap[0]
        c1 += bv * ap[1]
        c2 += bv * ap[2]
        c3 += bv * ap[3]
    }
    let rows = min(tileRows, m - row)
    let cols = min(tileCols, n - col)
    withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: tileRows) { tile in
        tile[0] = c0; tile[1] = c1; tile[2] = c2; tile[3] = c3
        for ii in 0..<rows {
            let out = c + (row + ii) * ldc + col
            let values = tile[ii]
            for jj in 0..<cols { out[jj] += values[jj] }
        }
    }
}
