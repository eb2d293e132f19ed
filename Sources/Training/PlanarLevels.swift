/// The RGB of pixel `i` of the image whose three planes (`plane` samples each, in [-1, 1]) start at `base` in
/// `values`, in 8-bit levels (0...255): the blot, spot and skin rules are written in levels.
func planarLevels(_ values: [Float], base: Int, plane: Int, _ i: Int) -> SIMD3<Float> {
    (SIMD3(values[base + i], values[base + plane + i], values[base + 2 * plane + i]) + 1) * 127.5
}
