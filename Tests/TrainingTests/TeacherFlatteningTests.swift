import NN
import Testing
@testable import Training

/// `--teacher-flatten`: the distillation target loses specks and texture but keeps its outlines.
@Suite struct TeacherFlatteningTests {
    static let side = 16, plane = 256

    static func image(_ colour: (Int, Int) -> SIMD3<Float>) -> Tensor { rgbTensor(side: side, colour) }

    static func pixel(_ image: Tensor, _ row: Int, _ column: Int) -> SIMD3<Float> {
        SIMD3((0..<3).map { image.storage[$0 * plane + row * side + column] })
    }

    /// A flat fill stays exactly as it is, and a one-pixel speck on it is gone.
    @Test func specksLeaveAFlatFill() {
        let skin = SIMD3<Float>(0.5, 0.1, -0.1)
        let flat = Self.image { _, _ in skin }
        #expect(TeacherFlattening.flattened(flat, rangeLevels: 20) == flat)
        let speckled = Self.image { row, column in row == 5 && column == 9 ? SIMD3(1, 1, 1) : skin }
        let cleaned = TeacherFlattening.flattened(speckled, rangeLevels: 20)
        #expect((0..<(3 * Self.plane)).allSatisfy { abs(cleaned.storage[$0] - flat.storage[$0]) < 1e-6 })
    }

    /// Two regions far apart in colour (130 levels) keep a sharp border: the pixels either side of it stay within
    /// the noise of their own fill (a blur would pull them tens of levels towards the other), while faint noise
    /// (±5 levels) inside each is cut to under a third of its spread.
    @Test func outlinesStaySharpAndTextureEvensOut() {
        let (dark, light) = (SIMD3<Float>(-0.6, -0.6, -0.5), SIMD3<Float>(0.6, 0.4, 0.3))
        var state: UInt64 = 7
        func noise() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Float(state >> 40) / Float(1 << 24) - 0.5) * 0.08   // ±5 levels
        }
        let noisy = Self.image { _, column in (column < 8 ? dark : light) + SIMD3(noise(), noise(), noise()) }
        let flattened = TeacherFlattening.flattened(noisy, rangeLevels: 20)
        func spread(_ image: Tensor, _ columns: Range<Int>, around fill: SIMD3<Float>) -> Float {
            let rows = 2..<14
            return rows.flatMap { row in columns.map { column in
                let d = Self.pixel(image, row, column) - fill
                return (d * d).sum()
            } }.reduce(0, +) / Float(rows.count * columns.count)
        }
        for (columns, fill) in [(2..<6, dark), (10..<14, light)] {
            #expect(spread(flattened, columns, around: fill) < spread(noisy, columns, around: fill) / 9)
        }
        func offBy(_ colour: SIMD3<Float>, _ fill: SIMD3<Float>) -> Float { max((colour - fill).max(), (fill - colour).max()) }
        for row in 2..<14 {
            #expect(offBy(Self.pixel(flattened, row, 7), dark) < 4 / 127.5)
            #expect(offBy(Self.pixel(flattened, row, 8), light) < 4 / 127.5)
        }
    }
}
