/// Finding a face's second eye from its first: a face is nearly mirror-symmetric, so the mirror image of one
/// eye (glasses rim, brow and all) looks like the other. Used where the eye cascade, trained without glasses,
/// fires on one eye only: unlike its lone windows, a correlation peak moves with the face, pixel for pixel.
extension GreyImage {
    /// The square of side `side` whose pixels best correlate with the mirror image of the square at
    /// (`x`, `y`), among those whose top-left corner lies in `columns` x `rows` (clipped to the image); its
    /// top-left corner and the normalised cross-correlation (-1...1), or nil when no square fits or either
    /// is flat.
    func mirrorMatch(ofSquareAt x: Int, _ y: Int, side: Int, columns: ClosedRange<Int>, rows: ClosedRange<Int>)
        -> (x: Int, y: Int, correlation: Double)? {
        guard side > 1, x >= 0, y >= 0, x + side <= width, y + side <= height else { return nil }
        let count = Double(side * side)
        // The mirrored template, less its mean.
        var template = [Double](repeating: 0, count: side * side)
        for row in 0..<side {
            for column in 0..<side { template[row * side + column] = Double(pixels[(y + row) * width + x + side - 1 - column]) }
        }
        let mean = template.reduce(0, +) / count
        for i in template.indices { template[i] -= mean }
        let templateNorm = template.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard templateNorm > 0 else { return nil }
        let xs = max(0, columns.lowerBound)...min(width - side, columns.upperBound)
        let ys = max(0, rows.lowerBound)...min(height - side, rows.upperBound)
        guard !xs.isEmpty, !ys.isEmpty else { return nil }
        var best: (x: Int, y: Int, correlation: Double)?
        for top in ys {
            for left in xs {
                // With a zero-mean template, the correlation's numerator needs no window mean.
                var product = 0.0, sum = 0.0, squares = 0.0
                for row in 0..<side {
                    let start = (top + row) * width + left
                    for column in 0..<side {
                        let value = Double(pixels[start + column])
                        product += value * template[row * side + column]
                        sum += value
                        squares += value * value
                    }
                }
                let variance = squares - sum * sum / count
                guard variance > 0 else { continue }
                let correlation = product / (variance.squareRoot() * templateNorm)
                if correlation > best?.correlation ?? -.infinity { best = (left, top, correlation) }
            }
        }
        return best
    }
}
