/// What counts as a generator's spot, for the trainer that paints them out (`--teacher-spots`) and the
/// evaluation that counts them: a small patch on the face, redder or bluer than the photo there, which `Blot`
/// misses because it is not light enough: the red noses and blue dots the CycleGAN draws on highlights.
/// A pixel is a candidate when, inside the face and outside the eyes and the mouth, its red-minus-green is 70
/// levels or more and 35 above the photo's, or its blue-minus-red is positive and 40 above the photo's. A spot
/// is an 8-connected patch of candidates, with the holes it encloses (a spot's light core), of at most 1.8% of
/// the image (300 pixels at 128 px): larger patches are the drawing (outlines, shadows), and lips, irises and
/// eye make-up lie in the boxes left out.
package enum Spot {
    static let face = FaceRegion(rows: 0.2..<0.85, columns: 0.2..<0.8)
    /// Generous for the trainer's random crop, which moves the eyes by up to 12% of the side.
    package static let eyes = [FaceRegion(rows: 0.12..<0.36, columns: 0.10..<0.42), FaceRegion(rows: 0.12..<0.36, columns: 0.58..<0.90)]
    static let largestShare = 300.0 / Double(128 * 128)

    /// `cartoon` and `photo` are RGB in levels (0...255).
    package static func isCandidate(cartoon: SIMD3<Float>, photo: SIMD3<Float>) -> Bool {
        let redder = cartoon.x - cartoon.y, bluer = cartoon.z - cartoon.x
        return redder >= 70 && redder - (photo.x - photo.y) > 35 || bluer > 0 && bluer - (photo.z - photo.x) > 40
    }

    /// The spots of one `width` x `height` image pair whose levels at pixel index i are `cartoon(i)` and
    /// `photo(i)`, row-major.
    package static func mask(width: Int, height: Int, cartoon: (Int) -> SIMD3<Float>, photo: (Int) -> SIMD3<Float>) -> [Bool] {
        let candidates = (0..<(width * height)).map { i in
            let (row, column) = (i / width, i % width)
            func inside(_ box: FaceRegion) -> Bool { box.contains(row: row, column: column, width: width, height: height) }
            return inside(face) && !inside(Blot.mouth) && !eyes.contains(where: inside)
                && isCandidate(cartoon: cartoon(i), photo: photo(i))
        }
        let largest = Int(largestShare * Double(width * height))
        return smallPatches(holesFilled(candidates, width: width, height: height), width: width, height: height, largest: largest)
    }

    /// `mask` with every unset pixel that the image's border cannot reach through unset pixels (4-connected) set.
    static func holesFilled(_ mask: [Bool], width: Int, height: Int) -> [Bool] {
        var outside = [Bool](repeating: false, count: mask.count)
        var stack = (0..<mask.count).filter { i in
            !mask[i] && (i < width || i >= mask.count - width || i % width == 0 || i % width == width - 1)
        }
        for i in stack { outside[i] = true }
        while let i = stack.popLast() {
            let (row, column) = (i / width, i % width)
            for (dy, dx) in [(-1, 0), (1, 0), (0, -1), (0, 1)]
            where (0..<height).contains(row + dy) && (0..<width).contains(column + dx) {
                let j = i + dy * width + dx
                if !mask[j], !outside[j] {
                    outside[j] = true
                    stack.append(j)
                }
            }
        }
        return outside.map { !$0 }
    }

    /// The 8-connected patches of `mask` of at most `largest` pixels.
    package static func smallPatches(_ mask: [Bool], width: Int, height: Int, largest: Int) -> [Bool] {
        var kept = [Bool](repeating: false, count: mask.count)
        forEachPatch(of: mask, width: width, height: height) { patch in
            if patch.count <= largest { for i in patch { kept[i] = true } }
        }
        return kept
    }

    /// Calls `body` with the pixel indices of each 8-connected patch of `mask` (a buffer reused between calls).
    package static func forEachPatch(of mask: [Bool], width: Int, height: Int, _ body: ([Int]) -> Void) {
        var seen = mask.map { !$0 }
        var patch: [Int] = [], stack: [Int] = []
        for start in mask.indices where !seen[start] {
            seen[start] = true
            patch.removeAll(keepingCapacity: true)
            stack.append(start)
            while let i = stack.popLast() {
                patch.append(i)
                let (row, column) = (i / width, i % width)
                for dy in -1...1 where (0..<height).contains(row + dy) {
                    for dx in -1...1 where (0..<width).contains(column + dx) && !seen[i + dy * width + dx] {
                        seen[i + dy * width + dx] = true
                        stack.append(i + dy * width + dx)
                    }
                }
            }
            body(patch)
        }
    }
}
