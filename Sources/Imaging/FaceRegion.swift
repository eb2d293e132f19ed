/// A rectangle of an aligned face in fractions of its side (rows, columns), so that one rule serves a
/// training crop and an evaluation image of any size.
package struct FaceRegion: Sendable {
    package var rows: Range<Double>
    package var columns: Range<Double>

    package init(rows: Range<Double>, columns: Range<Double>) {
        self.rows = rows
        self.columns = columns
    }

    /// Whether pixel (`row`, `column`) of a `width` x `height` image lies inside.
    package func contains(row: Int, column: Int, width: Int, height: Int) -> Bool {
        func span(_ fractions: Range<Double>, _ side: Int) -> Range<Int> {
            Int(fractions.lowerBound * Double(side))..<Int(fractions.upperBound * Double(side))
        }
        return span(rows, height).contains(row) && span(columns, width).contains(column)
    }

    /// How far pixel (`row`, `column`) is inside, from 0 outside to 1 inside, ramping linearly over `feather`
    /// (a fraction of the side) across each edge: a soft mask that blends two images without a seam.
    package func coverage(row: Int, column: Int, width: Int, height: Int, feather: Double) -> Float {
        func ramp(_ fractions: Range<Double>, _ position: Int, _ side: Int) -> Double {
            let x = (Double(position) + 0.5) / Double(side)
            let inside = min(x - fractions.lowerBound, fractions.upperBound - x)
            return min(1, max(0, inside / feather + 0.5))
        }
        return Float(ramp(rows, row, height) * ramp(columns, column, width))
    }
}
