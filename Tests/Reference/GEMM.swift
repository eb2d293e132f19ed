/// Single-precision matrix product `C = A·B` (or `C += A·B`), row-major with leading dimensions
/// (`lda`, `ldb`, `ldc` >= the row widths) so callers can address bands of larger matrices.
///
/// The one product every convolution here goes through. Blocked for the caches (B packed into 8-column
/// panels per K block, A read six rows at a time) with a 6x8 SIMD register tile. Multiply and add are
/// kept separate on purpose: without FMA in the target ISA, a fused multiply-add becomes a libm call.
package func gemm(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool
) {
    precondition(m >= 0 && n >= 0 && k >= 0, "negative GEMM dimension")
    precondition(lda >= k && ldb >= n && ldc >= n, "GEMM leading dimension smaller than a row")
    if m == 0 || n == 0 { return }
    if k == 0 {
        if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
        return
    }
    let kcMax = min(k, GEMMBlocking.kc)
    let ncMax = min(n, GEMMBlocking.nc)
    let panelCapacity = kcMax * ((ncMax + 7) / 8) * 8
    let packed = UnsafeMutablePointer<Float>.allocate(capacity: panelCapacity)
    defer { packed.deallocate() }

    for jc in stride(from: 0, to: n, by: GEMMBlocking.nc) {
        let nc = min(GEMMBlocking.nc, n - jc)
        for pc in stride(from: 0, to: k, by: GEMMBlocking.kc) {
            let kc = min(GEMMBlocking.kc, k - pc)
            packPanels(b: b + pc * ldb + jc, ldb: ldb, kc: kc, nc: nc, into: packed)
            let add = accumulate || pc > 0
            for ic in stride(from: 0, to: m, by: 6) {
                let mr = min(6, m - ic)
                for jr in stride(from: 0, to: nc, by: 8) {
                    microKernel6x8(
                        kc: kc, a: a + ic * lda + pc, lda: lda, mr: mr,
                        panel: packed + jr * kc,
                        c: c + ic * ldc + jc + jr, ldc: ldc, nr: min(8, nc - jr), accumulate: add)
                }
            }
        }
    }
}

enum GEMMBlocking {
    /// K depth of one packed block: a 6-row A sliver (6 KB) and one B panel (8 KB) stay in L1.
    static let kc = 256
    /// Columns packed at once: kc x nc floats (256 KB) stay in L2 while every A row block passes.
    static let nc = 256
}

/// Copies `B[0..<kc, 0..<nc]` into consecutive `kc x 8` panels, zero-filling the last panel's spare columns.
@inline(__always)
private func packPanels(b: UnsafePointer<Float>, ldb: Int, kc: Int, nc: Int, into packed: UnsafeMutablePointer<Float>) {
    var dst = packed
    for jr in stride(from: 0, to: nc, by: 8) {
        let width = min(8, nc - jr)
        for p in 0..<kc {
            let src = b + p * ldb + jr
            if width == 8 {
                (dst + p * 8).update(from: src, count: 8)
            } else {
                (dst + p * 8).update(from: src, count: width)
                (dst + p * 8 + width).update(repeating: 0, count: 8 - width)
            }
        }
        dst += kc * 8
    }
}

/// `C[0..<mr, 0..<nr] (+)= A[0..<mr, 0..<kc] · panel`. Rows past `mr` re-read the last valid row and are
/// never stored, so edge tiles need no second code path in the hot loop.
@inline(__always)
private func microKernel6x8(
    kc: Int, a: UnsafePointer<Float>, lda: Int, mr: Int,
    panel: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int, nr: Int, accumulate: Bool
) {
    let a0 = a
    let a1 = a + lda * min(1, mr - 1)
    let a2 = a + lda * min(2, mr - 1)
    let a3 = a + lda * min(3, mr - 1)
    let a4 = a + lda * min(4, mr - 1)
    let a5 = a + lda * min(5, mr - 1)
    var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>()
    var c3 = SIMD8<Float>(), c4 = SIMD8<Float>(), c5 = SIMD8<Float>()
    let raw = UnsafeRawPointer(panel)
    for p in 0..<kc {
        let bv = raw.loadUnaligned(fromByteOffset: p * 32, as: SIMD8<Float>.self)
        c0 += bv * a0[p]
        c1 += bv * a1[p]
        c2 += bv * a2[p]
        c3 += bv * a3[p]
        c4 += bv * a4[p]
        c5 += bv * a5[p]
    }
    let rows = (c0, c1, c2, c3, c4, c5)
    withUnsafeBytes(of: rows) { tile in
        for r in 0..<mr {
            let dst = c + r * ldc
            if nr == 8 {
                let value = tile.loadUnaligned(fromByteOffset: r * 32, as: SIMD8<Float>.self)
                let raw = UnsafeMutableRawPointer(dst)
                let sum = accumulate ? value + raw.loadUnaligned(as: SIMD8<Float>.self) : value
                raw.storeBytes(of: sum, as: SIMD8<Float>.self)
            } else {
                for j in 0..<nr {
                    let value = tile.load(fromByteOffset: (r * 8 + j) * 4, as: Float.self)
                    dst[j] = accumulate ? dst[j] + value : value
                }
            }
        }
    }
}
