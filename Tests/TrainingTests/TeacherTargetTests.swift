import NN
import Testing
@testable import Training

/// `TeacherTarget`: the steps run in order, and `--teacher-emphasis` weighs what the fill changed.
@Suite struct TeacherTargetTests {
    static let side = 32, plane = 1024
    static let skin = SIMD3<Float>(0.5, 0.1, -0.1), red = SIMD3<Float>(0.8, -0.1, -0.2)
    static func inSpot(_ row: Int, _ column: Int) -> Bool { (14..<16).contains(row) && (10..<12).contains(column) }

    /// A red spot on skin: with emphasis its pixels weigh 10 in every channel and pixels two or more away
    /// from it weigh 1; without emphasis there are no weights, and without spots the spot is not filled.
    @Test func emphasisWeighsTheFilledPixels() throws {
        let drawn = rgbTensor(side: Self.side) { row, column in Self.inSpot(row, column) ? Self.red : Self.skin }
        let photos = rgbTensor(side: Self.side) { _, _ in Self.skin }
        let plain = TeacherTarget(fillsSpots: true).made(from: drawn, photos: photos)
        #expect(plain.weights == nil)
        #expect(plain.target.storage.indices.allSatisfy { abs(plain.target.storage[$0] - Self.skin[$0 / Self.plane]) < 1e-6 })
        let emphasised = TeacherTarget(fillsSpots: true, emphasis: 10).made(from: drawn, photos: photos)
        #expect(emphasised.target == plain.target)
        let weights = try #require(emphasised.weights)
        #expect(weights.shape == drawn.shape)
        for index in 0..<(3 * Self.plane) {
            let (row, column) = (index % Self.plane / Self.side, index % Self.side)
            if Self.inSpot(row, column) { #expect(weights.storage[index] == 10) }
            if !(12..<18).contains(row) || !(8..<14).contains(column) { #expect(weights.storage[index] == 1) }
        }
        let unfilled = TeacherTarget(emphasis: 10).made(from: drawn, photos: photos)
        #expect(unfilled.target == drawn)
        #expect(unfilled.weights?.storage.allSatisfy { $0 == 1 } == true)
    }

    /// Ink is drawn after the flattening, so the flattening cannot soften its lines: a dark line in the photo
    /// comes out as dark as inking the flattened target directly.
    @Test func inkComesLast() {
        let drawn = rgbTensor(side: Self.side) { _, _ in Self.skin }
        let photos = rgbTensor(side: Self.side) { row, _ in (15...16).contains(row) ? SIMD3(repeating: -0.6) : SIMD3(repeating: 0.6) }
        let made = TeacherTarget(flattening: 20, ink: 1).made(from: drawn, photos: photos).target
        let expected = TeacherInk.inked(TeacherFlattening.flattened(drawn, rangeLevels: 20), photos: photos, sigma: 1)
        #expect(made == expected)
        #expect(made != drawn)
    }
}
