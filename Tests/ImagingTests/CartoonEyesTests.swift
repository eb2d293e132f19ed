import Imaging
import Testing

/// Where the cartoon eyes go: the irises are found, a brow or a frame does not pull one eye away from the
/// other's row, and what a drawn eye covers is the ellipse round it.
@Suite struct CartoonEyesTests {
    static let side = 128

    /// Grey levels of a `side`-pixel photo: skin (160) with dark discs of radius 4 (irises, `irisLevel`) at
    /// `irises` (column, row), dark bars (brows: rows, columns) of `browLevel`, and discs of radius 4 at
    /// `blots` (column, row, level).
    static func grey(irises: [(Int, Int)], irisLevel: Float = 40, brows: [(Range<Int>, Range<Int>)] = [],
                     browLevel: Float = 60, blots: [(Int, Int, Float)] = []) -> [Float] {
        (0..<(side * side)).map { i in
            let (row, column) = (i / side, i % side)
            let within = { (x: Int, y: Int) in (column - x) * (column - x) + (row - y) * (row - y) <= 16 }
            if let blot = blots.first(where: { within($0.0, $0.1) }) { return blot.2 }
            if irises.contains(where: { within($0.0, $0.1) }) { return irisLevel }
            if brows.contains(where: { $0.0.contains(row) && $0.1.contains(column) }) { return browLevel }
            return 160
        }
    }

    static func located(_ grey: [Float]) -> [SIMD2<Float>] {
        CartoonEyes.locate(CartoonEyes.irisContrast(grey: grey, width: side, height: side))
    }

    static func gap(_ a: SIMD2<Float>, _ b: (Int, Int)) -> Float {
        let d = a - SIMD2(Float(b.0), Float(b.1))
        return max(d.max(), (-d).max())
    }

    @Test func theIrisesAreFoundNotTheBrows() {
        let eyes = Self.located(Self.grey(irises: [(38, 36), (88, 35)], brows: [(24..<27, 26..<50), (24..<27, 76..<100)]))
        #expect(eyes.count == 2)
        #expect(Self.gap(eyes[0], (38, 36)) <= 1)
        #expect(Self.gap(eyes[1], (88, 35)) <= 1)
    }

    /// A very dark blob above the right eye (a frame's corner) beats that eye alone; the pair whose rows agree is
    /// stronger, so both eyes are kept on their row, whichever side the blob is on.
    @Test func anEyeOffTheOthersRowIsLookedForAgain() {
        for (blob, iris) in [((96, 26), (92, 36)), ((30, 26), (34, 36))] {
            let other = blob.0 > 64 ? (36, 36) : (92, 36)
            let eyes = Self.located(Self.grey(irises: [iris, other], irisLevel: 70, blots: [(blob.0, blob.1, 0)]))
            let (left, right) = blob.0 > 64 ? (other, iris) : (iris, other)
            #expect(Self.gap(eyes[0], left) <= 1, "blob at \(blob)")
            #expect(Self.gap(eyes[1], right) <= 1, "blob at \(blob)")
        }
    }

    /// Two blobs that score alike beside one eye (an iris and make-up) get one eye between them, so the target
    /// moves smoothly as one darkens; a blob clearly lighter than the iris does not move the eye off it.
    @Test func nearlyEqualBlobsShareTheEye() {
        let other = (92, 34)
        let tied = Self.located(Self.grey(irises: [other], blots: [(30, 34, 40), (42, 34, 41)]))
        #expect(abs(tied[0].x - 36) <= 1.5 && abs(tied[0].y - 34) <= 1, "\(tied[0])")
        let clear = Self.located(Self.grey(irises: [other], blots: [(30, 34, 40), (42, 34, 100)]))
        #expect(Self.gap(clear[0], (30, 34)) <= 1, "\(clear[0])")
        #expect(Self.gap(tied[1], other) <= 1 && Self.gap(clear[1], other) <= 1)
    }

    /// A drawn eye covers the cleared ellipse round its centre (1.4 by 1.05 white radii), nothing past it.
    @Test func aDrawnEyeCoversItsEllipse() {
        let eyes: [SIMD2<Float>] = [SIMD2(38, 40)]
        let radius = CartoonEyes.white * Float(Self.side)
        let (across, down) = (Int(CartoonEyes.cleared.x * radius), Int(CartoonEyes.cleared.y * radius))
        #expect(CartoonEyes.paints(x: 38, y: 40, eyes: eyes, side: Self.side))
        #expect(CartoonEyes.paints(x: 38 + across, y: 40, eyes: eyes, side: Self.side))
        #expect(CartoonEyes.paints(x: 38, y: 40 + down, eyes: eyes, side: Self.side))
        #expect(!CartoonEyes.paints(x: 38 + across + 1, y: 40, eyes: eyes, side: Self.side))
        #expect(!CartoonEyes.paints(x: 38, y: 40 + down + 1, eyes: eyes, side: Self.side))
        #expect(!CartoonEyes.paints(x: 38 + across, y: 40 + down, eyes: eyes, side: Self.side))
        #expect(!CartoonEyes.paints(x: 38, y: 40, eyes: [], side: Self.side))
    }
}
