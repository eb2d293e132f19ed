/// `dst[c * dstStride + r] = src[r * srcStride + c]` for r < rows, c < cols (strides default to the
/// packed widths), in 32x32 tiles so both sides stay in cache. The gradients need Gᵀ and channels-last
/// images; a transpose costs one pass next to a product's `rows * cols * depth` work.
func transpose(_ src: UnsafePointer<Float>, rows: Int, cols: Int, sourceStride: Int? = nil,
               into dst: UnsafeMutablePointer<Float>, destinationStride: Int? = nil) {
    let tile = 32
    let srcStride = sourceStride ?? cols, dstStride = destinationStride ?? rows
    for r0 in stride(from: 0, to: rows, by: tile) {
        for c0 in stride(from: 0, to: cols, by: tile) {
            for r in r0..<min(r0 + tile, rows) {
                for c in c0..<min(c0 + tile, cols) { dst[c * dstStride + r] = src[r * srcStride + c] }
            }
        }
    }
}
