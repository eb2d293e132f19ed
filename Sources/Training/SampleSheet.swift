import Autograd
import Imaging
import NN

/// A PNG grid with one row per validation photo: photo | G(photo) | F(G(photo)), so progress can be seen.
package enum SampleSheet {
    /// `columns`: equally shaped `[N, 3, S, S]` tensors in [-1, 1], shown left to right.
    package static func png(columns: [Tensor]) throws(TrainingError) -> [UInt8] {
        guard let first = columns.first else { throw .invalidOption("a sample sheet needs at least one column") }
        let (rows, size) = (first.shape[0], first.shape[2])
        let plane = 3 * size * size
        var sheet = RGBImage(width: size * columns.count, height: size * rows, fill: (255, 255, 255))
        for (c, column) in columns.enumerated() {
            for r in 0..<rows {
                let tile = RGBImage(planarFloats: Array(column.storage[(r * plane)..<((r + 1) * plane)]), width: size, height: size)
                for y in 0..<size {
                    let src = y * size * 3
                    let dst = ((r * size + y) * sheet.width + c * size) * 3
                    sheet.pixels.replaceSubrange(dst..<(dst + size * 3), with: tile.pixels[src..<(src + size * 3)])
                }
            }
        }
        do {
            return try PNGEncoder.encode(sheet)
        } catch {
            throw .writeFailed(path: "sample sheet", reason: error.description)
        }
    }

    /// Renders the sheet for `photos` with the generators as the run would export them (G's average where it
    /// keeps one; run on `kernels`) and writes it atomically to `path`.
    package static func write(state: CycleGANState, photos: Tensor, kernels: TrainingKernels,
                              to path: String) throws(TrainingError) {
        let cartoons = CycleGANState.run(state.exportedG, photos, state.config.generator, kernels)
        try AtomicFile.store(try png(columns: [photos, cartoons, state.photographize(cartoons, kernels: kernels)]), at: path)
    }
}
