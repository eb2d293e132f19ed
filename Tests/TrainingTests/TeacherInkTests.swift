import NN
import Testing
@testable import Training

/// `--teacher-ink`: the photo's dark lines darken the target; flat areas and the rest of the target are kept.
@Suite struct TeacherInkTests {
    static let side = 24, plane = 576

    static func image(_ colour: (Int, Int) -> SIMD3<Float>) -> Tensor { rgbTensor(side: side, colour) }

    static let skin = SIMD3<Float>(0.5, 0.1, -0.1)

    /// A photo without lines (flat, or a smooth ramp) leaves the target exactly as it was.
    @Test func flatPhotosDrawNoInk() {
        let target = Self.image { _, _ in Self.skin }
        for photo in [Self.image { _, _ in SIMD3(repeating: 0.3) }, Self.image { _, column in SIMD3(repeating: Float(column) / 40) }] {
            #expect(TeacherInk.inked(target, photos: photo, sigma: 1) == target)
        }
    }

    /// A dark two-pixel line across a light photo inks the target black along it and leaves pixels five or
    /// more away untouched; ink only ever darkens.
    @Test func aDarkLineIsInked() {
        let target = Self.image { _, _ in Self.skin }
        let photo = Self.image { row, _ in (11...12).contains(row) ? SIMD3(repeating: -0.6) : SIMD3(repeating: 0.6) }
        let inked = TeacherInk.inked(target, photos: photo, sigma: 1)
        for index in 0..<(3 * Self.plane) {
            let (row, level) = (index % Self.plane / Self.side, (target.storage[index] + 1) / 2)
            let inkedLevel = (inked.storage[index] + 1) / 2
            #expect(inkedLevel <= level + 1e-6)
            if (11...12).contains(row) { #expect(inkedLevel < 0.05 * level) }
            if row <= 6 || row >= 17 { #expect(abs(inkedLevel - level) < 1e-6) }
        }
    }

    /// A single dark pixel (a JPEG speck) is taken out by the median and draws nothing.
    @Test func specksDrawNothing() {
        let target = Self.image { _, _ in Self.skin }
        let photo = Self.image { row, column in row == 8 && column == 8 ? SIMD3(repeating: -1) : SIMD3(repeating: 0.6) }
        #expect(TeacherInk.inked(target, photos: photo, sigma: 1) == target)
    }

    /// The blur keeps a constant plane and spreads a point symmetrically with unit total.
    @Test func blurKeepsConstantsAndMass() {
        let constant = [Float](repeating: 0.25, count: Self.plane)
        #expect(TeacherInk.blurred(constant, width: Self.side, height: Self.side, sigma: 1.6).allSatisfy { abs($0 - 0.25) < 1e-6 })
        var point = [Float](repeating: 0, count: Self.plane)
        point[12 * Self.side + 12] = 1
        let spread = TeacherInk.blurred(point, width: Self.side, height: Self.side, sigma: 1)
        #expect(abs(spread.reduce(0, +) - 1) < 1e-5)
        #expect(abs(spread[11 * Self.side + 12] - spread[13 * Self.side + 12]) < 1e-7)
        #expect(abs(spread[12 * Self.side + 11] - spread[11 * Self.side + 12]) < 1e-7)
    }
}
