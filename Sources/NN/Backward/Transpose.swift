/// `dst[cols][rows] = src[rows][cols]`, in 32x32 tiles so both sides stay in cache. The backward products
/// need Aᵀ or Bᵀ; the engine's GEMM takes plain row-major operands, and a transpose costs one pass next to
/// a product's `rows * cols * depth` work.
func transpose(_ src: UnsafePointer<Float>, rows: Int, cols: Int, into dst: UnsafeMutablePointer<Float>) {
    let tile = 32
    for r0 in stride(from: 0, to: rows, by: tile) {
        for c0 in stride(from: 0, to: cols, by: tile) {
            for r in r0..<min(r0 + tile, rows) {
                for c in c0..<min(c0 + tile, cols) { dst[c * rows + r] = src[r * cols + c] }
            }
        }
    }
}
