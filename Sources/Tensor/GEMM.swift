/// Single-precision matrix product `C = A·B` (or `C += A·B`), all row-major with dense rows.
///
/// The one product every convolution here goes through. Blocked for the caches (B packed into 8-column
/// panels per K block, A read four rows at a time) with a 4x8 SIMD register tile. Multiply and add are
/// kept separate on purpose: without FMA in the target ISA, a fused multiply-add becomes a libm call.
public func gemm(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
    accumulate: Bool
) {
    precondition(m >= 0 && n >= 0 && k >= 0, "negative GEMM dimension")
    if m == 0 || n == 0 { return }
    if k == 0 {
        if !accumulate { c.update(repeating: 0, count: m * n) }
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
            packPanels(b: b + pc * n + jc, ldb: n, kc: kc, nc: nc, into: packed)
            let add = accumulate || pc > 0
            for ic in stride(from: 0, to: m, by: 4) {
                let mr = min(4, m - ic)
                for jr in stride(from: 0, to: nc, by: 8) {
                    microKernel4x8(
                        kc: kc, a: a + ic * k + pc, lda: k, mr: mr,
                        panel: packed + jr * kc,
                        c: c + ic * n + jc + jr, ldc: n, nr: min(8, nc - jr), accumulate: add)
                }
            }
        }
    }
}

enum GEMMBlocking {
    /// K depth of one packed block: a 4-row A sliver (4 KB) and one B panel (8 KB) stay in L1.
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
private func microKernel4x8(
    kc: Int, a: UnsafePointer<Float>, lda: Int, mr: Int,
    panel: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int, nr: Int, accumulate: Bool
) {
    let a0 = a
    let a1 = a + lda * min(1, mr - 1)
    let a2 = a + lda * min(2, mr - 1)
    let a3 = a + lda * min(3, mr - 1)
    var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
    let raw = UnsafeRawPointer(panel)
    for p in 0..<kc {
        let bv = raw.loadUnaligned(fromByteOffset: p * 32, as: SIMD8<Float>.self)
        c0 += bv * a0[p]
        c1 += bv * a1[p]
        c2 += bv * a2[p]
        c3 += bv * a3[p]
    }
    let rows = (c0, c1, c2, c3)
    withUnsafeBytes(of: rows) { tile in
        let values = tile.bindMemory(to: Float.self)
        for r in 0..<mr {
            let dst = c + r * ldc
            let src = values.baseAddress.unsafelyUnwrapped + r * 8
            if accumulate {
                for j in 0..<nr { dst[j] += src[j] }
            } else {
                dst.update(from: src, count: nr)
            }
        }
    }
}
